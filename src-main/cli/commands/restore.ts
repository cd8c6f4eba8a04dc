import type { Command } from 'commander';
import { UserError } from '../../core/errors/errors';
import {
  listArchived,
  restoreArchived,
  type ArchivedSummary,
  type RestoreReport,
} from '../../core/maintenance/archive';
import { recordAudit } from '../../core/store/repositories/audit-repository';
import type { CliContext } from '../context';
import { emit, table } from '../output';

export function registerRestore(program: Command, ctx: () => CliContext): void {
  program
    .command('restore')
    .description('list archived items, or restore them by archive id')
    .argument('[ids...]', 'archive ids to restore (see `retrovue restore` for the list)')
    .option('--library <id>', 'only this library in the list')
    .option('--all', 'list restored entries too', false)
    .action((ids: string[], opts: { library?: string; all: boolean }) => {
      const c = ctx();
      const parsed = ids.map((id) => {
        const n = Number(id);
        if (!Number.isInteger(n) || n <= 0)
          throw new UserError(`archive id ${JSON.stringify(id)}: expected a positive whole number`);
        return n;
      });
      const libraryId = opts.library === undefined ? undefined : Number(opts.library);
      if (libraryId !== undefined && !Number.isInteger(libraryId))
        throw new UserError(`--library ${JSON.stringify(opts.library)}: expected a library id`);
      const core = c.services();
      const store = core.store;
      try {
        if (parsed.length === 0) {
          const archived = listArchived(store, { libraryId, includeRestored: opts.all, limit: 1000 });
          emit(c, { ok: true, archived }, (v) => renderList(v.archived));
          return;
        }
        const restored: RestoreReport[] = [];
        for (const id of parsed) {
          restored.push(restoreArchived(store, id));
          recordAudit(store.db, {
            actor: 'cli',
            action: 'restore',
            details: { archiveId: id, title: restored.at(-1)!.title },
          });
        }
        emit(c, { ok: true, restored }, (v) =>
          v.restored
            .map((r) => `restored ${r.kind} "${r.title}" (${r.rowsRestored} item(s)) as id ${r.itemId}`)
            .join('\n'),
        );
      } finally {
        core.close();
      }
    });
}

function renderList(rows: ArchivedSummary[]): string {
  if (rows.length === 0) return 'nothing archived';
  return table([
    ['id', 'library', 'kind', 'title', 'archived', 'restored'],
    ...rows.map((r) => [
      String(r.id),
      String(r.libraryId),
      r.itemKind,
      r.title,
      new Date(r.archivedAt).toISOString(),
      r.restoredAt ? new Date(r.restoredAt).toISOString() : '-',
    ]),
  ]);
}
