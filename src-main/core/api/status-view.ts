// What the status surfaces (library cards, the health pill, the tray) need beyond the library rows:
// each library's last finished run and last successful check, and its open errors. One query per
// answer, so Libraries, Schedules and Activity read "last run" from the same place.
import { sql } from 'drizzle-orm';
import type { LibraryStatusView } from '../../../src-shared/ipc/contract';
import type { RunStatus, SyncKind } from '../../../src-shared/domain';
import { RetroVueError } from '../errors/errors';
import type { SyncService } from '../service/sync-service';
import type { Db } from '../store/database';
import { recordSyncError, resolveErrorsById } from '../store/repositories/error-repository';
import { getLibrary } from '../store/repositories/library-repository';

interface RunRow {
  libraryId: number;
  runId: number;
  status: RunStatus;
  kind: SyncKind;
  trigger: string;
  startedAt: number;
  finishedAt: number;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  errors: number;
}

export function libraryStatusView(db: Db): LibraryStatusView[] {
  const lastRuns = db.all<RunRow>(sql`
    select r.library_id as libraryId, r.id as runId, r.status, r.kind, r.trigger,
           r.started_at as startedAt, r.finished_at as finishedAt,
           r.added, r.updated, r.removed, r.unchanged, r.errors
    from sync_runs r
    where r.finished_at is not null and r.library_id is not null
      and r.id = (select max(id) from sync_runs x where x.library_id = r.library_id and x.finished_at is not null)
  `);
  // A run that found Plex unchanged ("skipped") is a successful check as much as a succeeded one.
  const checks = db.all<{ libraryId: number; at: number }>(sql`
    select library_id as libraryId, max(finished_at) as at from sync_runs
    where library_id is not null and status in ('succeeded', 'skipped')
    group by library_id
  `);
  const open = db.all<{ libraryId: number; n: number }>(sql`
    select library_id as libraryId, count(*) as n from sync_errors
    where resolved_at is null and library_id is not null
    group by library_id
  `);
  const ids = db.all<{ id: number }>(sql`select id from libraries`);
  const runBy = new Map(lastRuns.map((r) => [r.libraryId, r]));
  const checkBy = new Map(checks.map((c) => [c.libraryId, c.at]));
  const openBy = new Map(open.map((o) => [o.libraryId, o.n]));
  return ids.map(({ id }) => {
    const r = runBy.get(id);
    return {
      libraryId: id,
      lastCheckedAt: checkBy.get(id) ?? null,
      openErrors: openBy.get(id) ?? 0,
      lastRun: r
        ? {
            runId: r.runId,
            status: r.status,
            kind: r.kind,
            trigger: r.trigger,
            startedAt: r.startedAt,
            finishedAt: r.finishedAt,
            changed: r.added + r.updated + r.removed,
            checked: r.added + r.updated + r.removed + r.unchanged,
            errors: r.errors,
          }
        : null,
    };
  });
}

const watched = new WeakSet<SyncService>();

/**
 * A run that fails before it exists (server unreachable, token refused) leaves no run row and so no
 * error row: the engine never saw it. Recorded here, scoped to the library, so the Errors page
 * lists it and the next successful run of the library resolves it.
 */
export function recordFailuresBeforeRun(db: Db, sync: SyncService): void {
  if (watched.has(sync)) return;
  watched.add(sync);
  sync.on((event) => {
    // A run that got through (even one that found nothing new, which resolves nothing else)
    // proves the server answered and took the token.
    if (
      event.type === 'finished' &&
      (event.result.status === 'succeeded' || event.result.status === 'skipped')
    ) {
      const open = db
        .all<{ id: number }>(
          sql`select id from sync_errors where resolved_at is null and run_id is null
              and library_id = ${event.result.libraryId} and code in ('SERVER_UNREACHABLE', 'PLEX_AUTH')`,
        )
        .map((r) => r.id);
      if (open.length) resolveErrorsById(db, open, event.at);
      return;
    }
    if (event.type !== 'failed' || event.runId !== null) return;
    const library = getLibrary(db, event.libraryId);
    recordSyncError(db, {
      serverId: library?.serverId ?? null,
      libraryId: event.libraryId,
      error: new RetroVueError(event.message, {
        code: event.errorClass === 'auth' ? 'PLEX_AUTH' : 'SERVER_UNREACHABLE',
        errorClass: event.errorClass ?? 'network',
      }),
      details: { phase: 'connecting to the server' },
      at: event.at,
    });
  });
}

/** The titles most recently written by a sync (movies and episodes), newest first: the tray's list. */
export function recentChanges(db: Db, limit = 5): { title: string; at: number }[] {
  return db.all<{ title: string; at: number }>(sql`
    select title, at from (
      select m.title as title, m.modified_at as at from movies m where m.removed_at is null
      union all
      select s.title || ' · ' || e.title as title, e.modified_at as at
      from episodes e join shows s on s.id = e.show_id where e.removed_at is null
    ) order by at desc limit ${limit}
  `);
}
