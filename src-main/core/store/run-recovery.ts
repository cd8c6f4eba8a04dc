// A process killed mid-run leaves its run `running` (its rows are as its last committed page left
// them: runs never mark rows `scanning` now). Whoever opens the database to write next marks the run
// `interrupted`, to be resumed by the next sync of its library, and puts back rows an older version
// left `scanning`.
// Alive means: some connection holds the library's lock (library-lock.ts). The operating system
// drops that lock when its holder dies, zombie or not, so no pid is probed.
import { restoreScanning } from './repositories/media-writer';
import type Database from 'better-sqlite3';
import { isLibraryLocked, type LockableStore } from './library-lock';
import { markRunInterrupted } from './run-journal';

export function recoverDeadRuns(store: LockableStore & { readonly sqlite: Database.Database }): number {
  const running = store.sqlite
    .prepare(`select id, library_id as libraryId from sync_runs where status = 'running'`)
    .all() as Array<{ id: number; libraryId: number | null }>;
  let recovered = 0;
  for (const run of running) {
    if (run.libraryId !== null && isLibraryLocked(store, run.libraryId)) continue;
    store.sqlite
      .transaction(() => {
        const changed = markRunInterrupted(store.sqlite, run.id);
        if (changed && run.libraryId !== null) restoreScanning(store.sqlite, run.libraryId);
        if (changed) recovered += 1;
      })
      .immediate();
  }
  return recovered;
}
