// Servers and libraries written through the real repositories, for service tests that do not need
// a Plex server behind them.
import type { Store } from '../../src-main/core/store/database';
import {
  setLibrariesSelected,
  upsertLibraries,
  type LibraryRow,
} from '../../src-main/core/store/repositories/library-repository';
import { setChosenConnection, upsertServer } from '../../src-main/core/store/repositories/server-repository';

/** `count` libraries on one server; the first `selected` are selected and already synced once. */
export function seedLibraries(store: Store, count: number, selected = count): LibraryRow[] {
  const uri = 'http://127.0.0.1:32400';
  const server = upsertServer(store.db, {
    machineIdentifier: 'machine-1',
    name: 'Test Server',
    source: 'manual',
    connections: [
      {
        uri,
        protocol: 'http',
        address: '127.0.0.1',
        port: 32400,
        kind: 'local',
        latencyMs: 1,
        ok: true,
        error: null,
        checkedAt: 1,
      },
    ],
  });
  setChosenConnection(store.db, server.id, uri, 1);
  const rows = upsertLibraries(
    store.db,
    server.id,
    Array.from({ length: count }, (_, i) => ({
      key: String(i + 1),
      title: `Library ${i + 1}`,
      type: i % 2 === 0 ? ('movie' as const) : ('show' as const),
      locations: [],
    })),
  );
  const chosen = rows.slice(0, selected).map((r) => r.id);
  setLibrariesSelected(store.db, chosen, true);
  for (const id of chosen) store.sqlite.prepare('update libraries set last_sync_at = 1 where id = ?').run(id);
  return rows;
}
