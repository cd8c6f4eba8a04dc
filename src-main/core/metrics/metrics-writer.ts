// sync_metrics: one row per operation (a library run, a cleanup, a maintenance pass) with what it
// cost. The sync engine starts a recorder when an operation begins, counts as it goes, and
// finishes it once; counting is plain arithmetic, the database is touched once.
import type { Db } from '../store/database';
import { syncMetrics } from '../store/schema';

export interface MetricScope {
  /** e.g. 'full', 'incremental', 'deep', 'details', 'artwork', 'cleanup', 'maintenance'. */
  operation: string;
  runId?: number | null;
  serverId?: number | null;
  libraryId?: number | null;
}

export interface MetricCounts {
  itemsProcessed: number;
  itemsSkipped: number;
  errors: number;
  apiCalls: number;
  bytesReceived: number;
  rowsWritten: number;
}

export interface SyncMetric extends MetricScope, MetricCounts {
  startedAt: number;
  durationMs: number;
  peakRssBytes?: number | null;
}

export function recordMetric(db: Db, metric: SyncMetric): number {
  return db
    .insert(syncMetrics)
    .values({
      runId: metric.runId ?? null,
      serverId: metric.serverId ?? null,
      libraryId: metric.libraryId ?? null,
      operation: metric.operation,
      startedAt: metric.startedAt,
      durationMs: Math.max(0, Math.round(metric.durationMs)),
      itemsProcessed: metric.itemsProcessed,
      itemsSkipped: metric.itemsSkipped,
      errors: metric.errors,
      apiCalls: metric.apiCalls,
      bytesReceived: metric.bytesReceived,
      rowsWritten: metric.rowsWritten,
      peakRssBytes: metric.peakRssBytes ?? null,
    })
    .returning({ id: syncMetrics.id })
    .get().id;
}

export interface MetricsRecorder {
  readonly scope: MetricScope;
  readonly startedAt: number;
  /** Adds to the counters; `add({itemsProcessed: 50, rowsWritten: 320})`. */
  add(counts: Partial<MetricCounts>): void;
  /** One request to Plex and the body bytes it returned. */
  apiCall(bytes?: number): void;
  /** Samples the process RSS; the peak is stored. Call at page boundaries, not per item. */
  sampleMemory(): void;
  counts(): Readonly<MetricCounts>;
  /** Writes the row (once) and returns it with its id. */
  finish(db: Db): SyncMetric & { id: number };
}

export function startMetrics(scope: MetricScope, now: () => number = Date.now): MetricsRecorder {
  const startedAt = now();
  const counts: MetricCounts = {
    itemsProcessed: 0,
    itemsSkipped: 0,
    errors: 0,
    apiCalls: 0,
    bytesReceived: 0,
    rowsWritten: 0,
  };
  let peakRss = process.memoryUsage.rss();
  let finished: (SyncMetric & { id: number }) | null = null;
  return {
    scope,
    startedAt,
    add(delta) {
      for (const [k, v] of Object.entries(delta) as [keyof MetricCounts, number | undefined][]) {
        if (typeof v === 'number' && Number.isFinite(v)) counts[k] += v;
      }
    },
    apiCall(bytes = 0) {
      counts.apiCalls += 1;
      counts.bytesReceived += bytes;
    },
    sampleMemory() {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    },
    counts: () => ({ ...counts }),
    finish(db) {
      if (finished) return finished;
      const metric: SyncMetric = {
        ...scope,
        ...counts,
        startedAt,
        durationMs: now() - startedAt,
        peakRssBytes: Math.max(peakRss, process.memoryUsage.rss()),
      };
      finished = { ...metric, id: recordMetric(db, metric) };
      return finished;
    },
  };
}
