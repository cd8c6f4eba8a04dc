// A process killed mid-run leaves its run `running` and the items it was fetching `scanning`.
// Whoever opens the database next puts them right, so no reader sees `scanning` from a run that
// is not alive (the run becomes `interrupted` and is resumed by the next sync of its library).
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { restoreScanning } from '../store/repositories/media-repository';
import { decodeCheckpoint, isStale } from './checkpoint';
import type { RunRow } from '../store/repositories/run-repository';

/** A run whose process stopped answering heartbeats this long ago is dead even when it cannot be checked. */
export const STALE_RUN_MS = 120_000;

/**
 * Runs of other processes left `running` whose process is gone. This process's own runs are its
 * engine's to judge (it knows which are active).
 */
export function recoverDeadRuns(sqlite: Database.Database, staleAfterMs = STALE_RUN_MS): number {
  const running = sqlite
    .prepare(
      `select id, library_id as libraryId, status, checkpoint_json as checkpointJson,
              heartbeat_at as heartbeatAt, started_at as startedAt
         from sync_runs where status = 'running'`,
    )
    .all() as Array<
    Pick<RunRow, 'id' | 'libraryId' | 'status' | 'checkpointJson' | 'heartbeatAt' | 'startedAt'>
  >;
  let recovered = 0;
  for (const run of running) {
    const checkpoint = decodeCheckpoint(run.checkpointJson);
    if (checkpoint?.pid === process.pid) continue;
    // On this host only a process that is gone counts (a slow page is no reason to take over).
    const sameHost = checkpoint?.host === hostname();
    if (!isStale(run as RunRow, checkpoint, sameHost ? Infinity : staleAfterMs, false)) continue;
    sqlite
      .transaction(() => {
        const changed = sqlite
          .prepare(
            `update sync_runs set status = 'interrupted', finished_at = ? where id = ? and status = 'running'`,
          )
          .run(Date.now(), run.id).changes;
        if (changed > 0 && run.libraryId !== null) restoreScanning(sqlite, run.libraryId);
        recovered += changed;
      })
      .immediate();
  }
  return recovered;
}
