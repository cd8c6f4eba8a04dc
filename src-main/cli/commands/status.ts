import type { Command } from 'commander';
import { readStoreStatus, type StoreStatus } from '../../core/store/repositories/status-repository';
import type { CliContext } from '../context';
import { emit, table } from '../output';

export function registerStatus(program: Command, ctx: () => CliContext): void {
  program
    .command('status')
    .description('servers, libraries, item counts per state and the last runs')
    .action(() => {
      const c = ctx();
      const core = c.services({ readonly: true });
      const store = core.store;
      try {
        emit(c, { ok: true, database: c.dbPath, ...readStoreStatus(store.db) }, renderStatus);
      } finally {
        core.close();
      }
    });
}

function renderStatus(s: StoreStatus & { database: string }): string {
  const out: string[] = [`database: ${s.database}`];
  if (s.servers.length === 0) {
    out.push('no servers yet: run `retrovue login` or `retrovue sync --server-url URL --token-file FILE`');
    return out.join('\n');
  }
  out.push('', 'servers:');
  out.push(
    table([
      ['id', 'name', 'connection', 'state'],
      ...s.servers.map((sv) => [
        String(sv.id),
        sv.name,
        sv.chosenUri ?? '-',
        sv.needsLogin ? 'needs login' : 'ok',
      ]),
    ]),
  );
  out.push('', 'libraries:');
  out.push(
    table([
      ['id', 'server', 'title', 'type', 'items by state', 'last sync'],
      ...s.libraries.map((l) => [
        String(l.id),
        String(l.serverId),
        l.title,
        l.type,
        Object.entries(l.counts)
          .map(
            ([kind, counts]) =>
              `${kind}: ${Object.entries(counts ?? {})
                .map(([state, n]) => `${state}=${n}`)
                .join(' ')}`,
          )
          .join('; ') || '-',
        l.lastSyncAt ? `${new Date(l.lastSyncAt).toISOString()} ${l.lastSyncStatus ?? ''}` : 'never',
      ]),
    ]),
  );
  if (s.lastRuns.length > 0) {
    out.push('', 'last runs:');
    out.push(
      table([
        ['run', 'library', 'kind', 'status', 'started', '+', '~', '-', '=', 'errors'],
        ...s.lastRuns.map((r) => [
          String(r.id),
          String(r.libraryId ?? '-'),
          r.kind,
          r.status,
          new Date(r.startedAt).toISOString(),
          String(r.added),
          String(r.updated),
          String(r.removed),
          String(r.unchanged),
          String(r.errors),
        ]),
      ]),
    );
  }
  return out.join('\n');
}
