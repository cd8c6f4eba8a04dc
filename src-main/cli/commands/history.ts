import type { Command } from 'commander';
import { UserError } from '../../core/errors/errors';
import { recordAudit } from '../../core/store/repositories/audit-repository';
import { itemHistory, resolveItem, undoRun } from '../../core/store/repositories/history-repository';
import type { CliContext } from '../context';
import { emit, table } from '../output';

const shown = (v: string | null): string => (v === null ? '∅' : v.length > 60 ? `${v.slice(0, 57)}…` : v);

export function registerHistory(program: Command, ctx: () => CliContext): void {
  program
    .command('history')
    .description('what an item looked like before each change a sync (or anyone) made to it')
    .argument('<item>', 'KIND:ID (e.g. movie:12) or a Plex ratingKey')
    .option('--limit <n>', 'newest N changes', '50')
    .action((ref: string, opts: { limit: string }) => {
      const c = ctx();
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new UserError(`--limit ${JSON.stringify(opts.limit)}: expected a whole number from 1 to 10000`);
      const core = c.services({ readonly: true });
      const store = core.store;
      try {
        const item = resolveItem(store, ref);
        const changes = itemHistory(store, item.kind, item.id, limit);
        emit(c, { ok: true, item, changes }, (v) =>
          v.changes.length === 0
            ? `${v.item.kind} "${v.item.title}": no changes recorded`
            : [
                `${v.item.kind} "${v.item.title}" (${v.item.kind}:${v.item.id}):`,
                table([
                  ['when', 'run', 'field', 'before', 'after'],
                  ...v.changes.map((h) => [
                    new Date(h.changedAt).toISOString(),
                    h.runId === null ? '-' : String(h.runId),
                    h.field,
                    shown(h.oldValue),
                    shown(h.newValue),
                  ]),
                ]),
              ].join('\n'),
        );
      } finally {
        core.close();
      }
    });

  program
    .command('undo-run')
    .description('set back everything a sync run changed or removed (fields changed again since are kept)')
    .argument('<run>', 'the run id (see Activity or `retrovue status`)')
    .option('--dry-run', 'show what would be set back; change nothing', false)
    .action((raw: string, opts: { dryRun: boolean }) => {
      const c = ctx();
      const runId = Number(raw);
      if (!Number.isInteger(runId) || runId <= 0)
        throw new UserError(`run ${JSON.stringify(raw)}: expected a run id (a positive whole number)`);
      const core = c.services();
      const store = core.store;
      try {
        const report = undoRun(store, runId, { dryRun: opts.dryRun });
        if (!opts.dryRun)
          recordAudit(store.db, {
            actor: 'cli',
            action: 'undo_run',
            details: { runId, restored: report.restored.length, skipped: report.skipped.length },
          });
        emit(c, { ok: true, ...report }, (r) =>
          [
            `${r.dryRun ? 'would set back' : 'set back'} ${r.restored.length} field(s) changed by run ${r.runId}`,
            ...r.restored
              .slice(0, 20)
              .map((x) => `  ${x.kind} "${x.title ?? x.itemId}": ${x.field} = ${shown(x.value)}`),
            ...(r.restored.length > 20 ? [`  … and ${r.restored.length - 20} more`] : []),
            ...(r.skipped.length > 0 ? [`kept ${r.skipped.length} field(s) changed again since`] : []),
            ...(r.files > 0
              ? [`${r.files} file path change(s) are history only: the next sync reads files from Plex`]
              : []),
          ].join('\n'),
        );
      } finally {
        core.close();
      }
    });
}
