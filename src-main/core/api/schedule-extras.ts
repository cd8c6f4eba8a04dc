// What the Schedules page shows beside each schedule's own row: how much later than the cron time
// it may fire (the jitter that spreads libraries), and the library's last run of that schedule's
// kind read from sync_runs, the same place Libraries and Activity read theirs.
import { sql } from 'drizzle-orm';
import type { ScheduleExtrasView } from '../../../src-shared/ipc/contract';
import type { RunStatus } from '../../../src-shared/domain';
import type { Db } from '../store/database';

export function scheduleExtras(db: Db): ScheduleExtrasView[] {
  const rows = db.all<{
    id: number;
    jitterSeconds: number;
    runStatus: RunStatus | null;
    runFinishedAt: number | null;
    runTrigger: string | null;
  }>(sql`
    select s.id, s.jitter_seconds as jitterSeconds,
           r.status as runStatus, r.finished_at as runFinishedAt, r.trigger as runTrigger
    from scheduled_operations s
    left join sync_runs r on r.id = (
      select max(x.id) from sync_runs x
      where s.library_id is not null and x.library_id = s.library_id and x.finished_at is not null
        and (case when s.operation = 'deep_scan' then x.kind = 'deep' else x.kind <> 'deep' end)
    )
  `);
  return rows.map((r) => ({
    id: r.id,
    jitterSeconds: r.jitterSeconds,
    lastRun:
      r.runStatus !== null && r.runFinishedAt !== null
        ? { status: r.runStatus, finishedAt: r.runFinishedAt, trigger: r.runTrigger ?? 'manual' }
        : null,
  }));
}
