// Read side of metrics for a time range: sync statistics, performance over time and error
// analytics. The UI charts and `retrovue stats` both use these; health is service/health.ts's.
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { ErrorClass } from '../../../src-shared/domain';
import { UserError } from '../errors/errors';
import type { MetricCounts } from './metrics-writer';
import type { Db } from '../store/database';
import { libraries, syncMetrics, syncRuns } from '../store/schema';
import {
  errorCountsByDay,
  topRecurringErrors,
  unresolvedErrorCounts,
  type ErrorDayCount,
  type RecurringError,
  type TimeRange,
} from '../store/repositories/error-repository';

export type { TimeRange } from '../store/repositories/error-repository';

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** "7d", "24h", "30m", "2w" (back from now) or an ISO date/time. */
export function parseSince(text: string, now = Date.now()): number {
  const m = /^\s*(\d+)\s*([mhdw])\s*$/i.exec(text);
  if (m) return now - Number(m[1]) * (UNIT_MS[m[2]!.toLowerCase()] ?? 0);
  const t = Date.parse(text);
  if (!Number.isNaN(t)) return t;
  throw new UserError(`--since ${JSON.stringify(text)}: expected a span like 7d, 24h, 30m or an ISO date`);
}

export interface SyncStatistics {
  range: TimeRange;
  runs: {
    total: number;
    byStatus: Record<string, number>;
    byKind: Record<string, number>;
    added: number;
    updated: number;
    removed: number;
    unchanged: number;
    errors: number;
  };
  operations: MetricCounts & {
    count: number;
    totalDurationMs: number;
    avgDurationMs: number;
    maxDurationMs: number;
    /** Items processed per second of operation time. */
    itemsPerSecond: number;
    peakRssBytes: number | null;
  };
}

export function syncStatistics(db: Db, range: TimeRange): SyncStatistics {
  const runRows = db.all<{
    status: string;
    kind: string;
    n: number;
    added: number;
    updated: number;
    removed: number;
    unchanged: number;
    errors: number;
  }>(sql`
    select status, kind, count(*) as n, sum(added) as added, sum(updated) as updated,
           sum(removed) as removed, sum(unchanged) as unchanged, sum(errors) as errors
    from sync_runs where started_at >= ${range.since} and started_at < ${range.until}
    group by status, kind
  `);
  const runs: SyncStatistics['runs'] = {
    total: 0,
    byStatus: {},
    byKind: {},
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    errors: 0,
  };
  for (const r of runRows) {
    runs.total += r.n;
    runs.byStatus[r.status] = (runs.byStatus[r.status] ?? 0) + r.n;
    runs.byKind[r.kind] = (runs.byKind[r.kind] ?? 0) + r.n;
    runs.added += r.added;
    runs.updated += r.updated;
    runs.removed += r.removed;
    runs.unchanged += r.unchanged;
    runs.errors += r.errors;
  }
  const m = db.get<{
    count: number;
    total: number | null;
    max: number | null;
    processed: number | null;
    skipped: number | null;
    errors: number | null;
    api: number | null;
    bytes: number | null;
    rows: number | null;
    rss: number | null;
  }>(sql`
    select count(*) as count, sum(duration_ms) as total, max(duration_ms) as max,
           sum(items_processed) as processed, sum(items_skipped) as skipped, sum(errors) as errors,
           sum(api_calls) as api, sum(bytes_received) as bytes, sum(rows_written) as rows,
           max(peak_rss_bytes) as rss
    from sync_metrics where started_at >= ${range.since} and started_at < ${range.until}
  `);
  const count = m?.count ?? 0;
  const total = m?.total ?? 0;
  const processed = m?.processed ?? 0;
  return {
    range,
    runs,
    operations: {
      count,
      totalDurationMs: total,
      avgDurationMs: count > 0 ? Math.round(total / count) : 0,
      maxDurationMs: m?.max ?? 0,
      itemsProcessed: processed,
      itemsSkipped: m?.skipped ?? 0,
      errors: m?.errors ?? 0,
      apiCalls: m?.api ?? 0,
      bytesReceived: m?.bytes ?? 0,
      rowsWritten: m?.rows ?? 0,
      itemsPerSecond: total > 0 ? Math.round((processed / total) * 1000 * 10) / 10 : 0,
      peakRssBytes: m?.rss ?? null,
    },
  };
}

export type Bucket = 'hour' | 'day';

export interface PerformancePoint {
  /** Bucket start, unix ms (UTC). */
  at: number;
  operations: number;
  avgDurationMs: number;
  itemsProcessed: number;
  itemsPerSecond: number;
  apiCalls: number;
  bytesReceived: number;
  rowsWritten: number;
  errors: number;
}

export function performanceOverTime(
  db: Db,
  range: TimeRange,
  bucket: Bucket = 'day',
  operation?: string,
): PerformancePoint[] {
  // Inlined (from a closed set) so SQLite divides integers: a bound number arrives as REAL.
  const bucketMs = sql.raw(bucket === 'hour' ? '3600000' : '86400000');
  const rows = db.all<{
    at: number;
    operations: number;
    duration: number;
    items: number;
    api: number;
    bytes: number;
    rows: number;
    errors: number;
  }>(sql`
    select (started_at / ${bucketMs}) * ${bucketMs} as at, count(*) as operations,
           sum(duration_ms) as duration, sum(items_processed) as items, sum(api_calls) as api,
           sum(bytes_received) as bytes, sum(rows_written) as rows, sum(errors) as errors
    from sync_metrics
    where started_at >= ${range.since} and started_at < ${range.until}
      and (${operation ?? null} is null or operation = ${operation ?? null})
    group by at order by at
  `);
  return rows.map((r) => ({
    at: r.at,
    operations: r.operations,
    avgDurationMs: r.operations > 0 ? Math.round(r.duration / r.operations) : 0,
    itemsProcessed: r.items,
    itemsPerSecond: r.duration > 0 ? Math.round((r.items / r.duration) * 1000 * 10) / 10 : 0,
    apiCalls: r.api,
    bytesReceived: r.bytes,
    rowsWritten: r.rows,
    errors: r.errors,
  }));
}

export interface RunWithLibrary {
  run: typeof syncRuns.$inferSelect;
  libraryTitle: string | null;
}

/** The runs started in the range, newest first, with their library's title. */
export function runsInRange(db: Db, range: TimeRange, limit: number): RunWithLibrary[] {
  return db
    .select({ run: syncRuns, libraryTitle: libraries.title })
    .from(syncRuns)
    .leftJoin(libraries, eq(libraries.id, syncRuns.libraryId))
    .where(and(gte(syncRuns.startedAt, range.since), lt(syncRuns.startedAt, range.until)))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
    .limit(limit)
    .all();
}

/** One operation's cost, unbucketed: the points of the performance chart. */
export interface OperationPoint {
  at: number;
  libraryTitle: string | null;
  durationMs: number;
  itemsProcessed: number;
  /** Changed plus unchanged: what the run looked at, as the runs' "items checked" total counts it. */
  itemsChecked: number;
  apiCalls: number;
  rowsWritten: number;
}

/** Operations in the range, oldest first, at most `limit` of them. */
export function operationsInRange(db: Db, range: TimeRange, limit: number): OperationPoint[] {
  return db
    .select({
      at: syncMetrics.startedAt,
      libraryTitle: libraries.title,
      durationMs: syncMetrics.durationMs,
      itemsProcessed: syncMetrics.itemsProcessed,
      itemsChecked: sql<number>`${syncMetrics.itemsProcessed} + ${syncMetrics.itemsSkipped}`,
      apiCalls: syncMetrics.apiCalls,
      rowsWritten: syncMetrics.rowsWritten,
    })
    .from(syncMetrics)
    .leftJoin(libraries, eq(libraries.id, syncMetrics.libraryId))
    .where(and(gte(syncMetrics.startedAt, range.since), lt(syncMetrics.startedAt, range.until)))
    .orderBy(syncMetrics.startedAt)
    .limit(limit)
    .all();
}

export interface ErrorAnalytics {
  range: TimeRange;
  total: number;
  byClass: Partial<Record<ErrorClass, number>>;
  byDay: ErrorDayCount[];
  top: RecurringError[];
  unresolved: number;
}

export function errorAnalytics(db: Db, range: TimeRange, topLimit = 10): ErrorAnalytics {
  const byDay = errorCountsByDay(db, range);
  const byClass: Partial<Record<ErrorClass, number>> = {};
  let total = 0;
  for (const d of byDay) {
    byClass[d.errorClass] = (byClass[d.errorClass] ?? 0) + d.errors;
    total += d.errors;
  }
  let unresolved = 0;
  for (const e of unresolvedErrorCounts(db).values()) unresolved += e.errors;
  return { range, total, byClass, byDay, top: topRecurringErrors(db, range, topLimit), unresolved };
}

/** The numbers `retrovue stats` shows for one range (its health section is the one health function's). */
export interface StatsReport {
  range: TimeRange;
  sync: SyncStatistics;
  performance: PerformancePoint[];
  errors: ErrorAnalytics;
}

export function readStats(db: Db, range: TimeRange, opts: { bucket?: Bucket } = {}): StatsReport {
  return {
    range,
    sync: syncStatistics(db, range),
    performance: performanceOverTime(db, range, opts.bucket ?? 'day'),
    errors: errorAnalytics(db, range),
  };
}
