// The Stats view's one answer, put together from the metrics read side: recent runs, totals, the
// performance points, errors per day and the errors that keep coming back.
import type { ErrorClass } from '../../../src-shared/domain';
import type { StatsView } from '../../../src-shared/ipc/contract';
import { errorAnalytics, operationsInRange, runsInRange, syncStatistics } from '../metrics/stats';
import type { Db } from '../store/database';
import { runView } from './views';

const RUNS_SHOWN = 200;
const PERFORMANCE_POINTS = 2000;

export function statsView(db: Db, since: number, now = Date.now()): StatsView {
  const range = { since, until: now + 1 };
  const stats = syncStatistics(db, range);
  const errors = errorAnalytics(db, range);
  const days = new Map<string, { day: string } & Partial<Record<ErrorClass, number>>>();
  for (const row of errors.byDay) {
    const entry = days.get(row.day) ?? { day: row.day };
    entry[row.errorClass] = row.errors;
    days.set(row.day, entry);
  }
  const r = stats.runs;
  return {
    since,
    runs: runsInRange(db, range, RUNS_SHOWN).map((row) => runView(row.run, row.libraryTitle)),
    totals: {
      runs: r.total,
      succeeded: (r.byStatus.succeeded ?? 0) + (r.byStatus.skipped ?? 0),
      skipped: r.byStatus.skipped ?? 0,
      failed: r.byStatus.failed ?? 0,
      itemsProcessed: r.added + r.updated + r.removed + r.unchanged,
      itemsChanged: r.added + r.updated + r.removed,
      apiCalls: stats.operations.apiCalls,
      errors: errors.total,
    },
    performance: operationsInRange(db, range, PERFORMANCE_POINTS),
    errorsPerDay: [...days.values()],
    topErrors: errors.top.map((t) => ({
      message: t.message,
      errorClass: t.errorClass,
      count: t.occurrences,
      lastAt: t.lastAt,
    })),
  };
}
