// Read models for the Errors and Stats views: sync_errors, sync_runs and sync_metrics, filtered and
// aggregated in SQL so a long history never loads into memory.
import { and, count, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import { errorAnalytics, syncStatistics } from '../metrics/stats';
import type { ErrorView, Page, StatsView } from '../../../src-shared/ipc/contract';
import type { ErrorClass } from '../../../src-shared/domain';
import type { Db } from '../store/database';
import { libraries, servers, syncErrors, syncMetrics, syncRuns } from '../store/schema';
import { errorView, runView } from './views';

export interface ErrorFilter {
  errorClass?: ErrorClass;
  serverId?: number;
  libraryId?: number;
  since?: number;
  includeResolved: boolean;
  limit: number;
  offset: number;
}

export function listErrors(db: Db, f: ErrorFilter): Page<ErrorView> {
  const where = and(
    f.errorClass ? eq(syncErrors.errorClass, f.errorClass) : undefined,
    f.serverId !== undefined ? eq(syncErrors.serverId, f.serverId) : undefined,
    f.libraryId !== undefined ? eq(syncErrors.libraryId, f.libraryId) : undefined,
    f.since !== undefined ? gte(syncErrors.occurredAt, f.since) : undefined,
    f.includeResolved ? undefined : isNull(syncErrors.resolvedAt),
  );
  const total = db.select({ n: count() }).from(syncErrors).where(where).get()?.n ?? 0;
  const rows = db
    .select({ e: syncErrors, serverName: servers.name, libraryTitle: libraries.title })
    .from(syncErrors)
    .leftJoin(servers, eq(servers.id, syncErrors.serverId))
    .leftJoin(libraries, eq(libraries.id, syncErrors.libraryId))
    .where(where)
    .orderBy(desc(syncErrors.occurredAt), desc(syncErrors.id))
    .limit(f.limit)
    .offset(f.offset)
    .all();
  return { rows: rows.map((r) => errorView(r.e, { serverName: r.serverName, libraryTitle: r.libraryTitle })), total };
}

export function getError(db: Db, id: number): typeof syncErrors.$inferSelect | undefined {
  return db.select().from(syncErrors).where(eq(syncErrors.id, id)).get();
}

/** Marks open errors resolved; returns how many were open. */
export function resolveErrors(db: Db, ids: number[]): number {
  return db
    .update(syncErrors)
    .set({ resolvedAt: Date.now() })
    .where(and(inArray(syncErrors.id, ids), isNull(syncErrors.resolvedAt)))
    .run().changes;
}

export function countRetry(db: Db, id: number): void {
  db.update(syncErrors).set({ retryCount: sql`${syncErrors.retryCount} + 1` }).where(eq(syncErrors.id, id)).run();
}

const RUNS_SHOWN = 200;
const PERFORMANCE_POINTS = 2000;

export function readStats(db: Db, since: number, now = Date.now()): StatsView {
  const range = { since, until: now + 1 };
  const runRows = db
    .select({ r: syncRuns, libraryTitle: libraries.title })
    .from(syncRuns)
    .leftJoin(libraries, eq(libraries.id, syncRuns.libraryId))
    .where(gte(syncRuns.startedAt, since))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
    .limit(RUNS_SHOWN)
    .all();
  const stats = syncStatistics(db, range);
  const errors = errorAnalytics(db, range);
  const performance = db
    .select({
      at: syncMetrics.startedAt,
      libraryTitle: libraries.title,
      durationMs: syncMetrics.durationMs,
      itemsProcessed: syncMetrics.itemsProcessed,
      apiCalls: syncMetrics.apiCalls,
      rowsWritten: syncMetrics.rowsWritten,
    })
    .from(syncMetrics)
    .leftJoin(libraries, eq(libraries.id, syncMetrics.libraryId))
    .where(gte(syncMetrics.startedAt, since))
    .orderBy(syncMetrics.startedAt)
    .limit(PERFORMANCE_POINTS)
    .all();
  const days = new Map<string, { day: string } & Partial<Record<ErrorClass, number>>>();
  for (const row of errors.byDay) {
    const entry = days.get(row.day) ?? { day: row.day };
    entry[row.errorClass] = row.errors;
    days.set(row.day, entry);
  }
  const r = stats.runs;
  return {
    since,
    runs: runRows.map((row) => runView(row.r, row.libraryTitle)),
    totals: {
      runs: r.total,
      succeeded: r.byStatus.succeeded ?? 0,
      failed: r.byStatus.failed ?? 0,
      itemsProcessed: r.added + r.updated + r.removed + r.unchanged,
      apiCalls: stats.operations.apiCalls,
      errors: errors.total,
    },
    performance,
    errorsPerDay: [...days.values()],
    topErrors: errors.top.map((t) => ({ message: t.message, errorClass: t.errorClass, count: t.occurrences, lastAt: t.lastAt })),
  };
}
