// Metrics written by real syncs of the fake Plex, read back by the stats queries.
import { classifyError } from '../../src-main/core/errors/classify';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src-main/core/errors/circuit-breaker';
import { recordSyncError } from '../../src-main/core/store/repositories/error-repository';
import { errorAnalytics, performanceOverTime, syncStatistics } from '../../src-main/core/metrics/stats';
import { readHealth } from '../../src-main/core/service/health';
import { setupSync, type SyncSetup } from '../sync/helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('stats over real sync runs', () => {
  it('reads back what the sync engine recorded: runs, operations, throughput, errors, health', async () => {
    s = await setupSync({ movies: 20, shows: 3, episodes: 24 });
    const since = Date.now() - 1000;
    const first = await s.engine.syncServer(s.serverId, { trigger: 'manual' });
    expect(first.map((r) => [r.status, r.errorMessage])).toEqual(first.map(() => ['succeeded', null]));
    const second = await s.engine.syncServer(s.serverId, { trigger: 'manual' });
    const range = { since, until: Date.now() + 1000 };

    const all = [...first, ...second];
    const stats = syncStatistics(s.store.db, range);
    expect(stats.runs.total).toBe(all.length);
    const byStatus: Record<string, number> = {};
    for (const r of all) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    expect(stats.runs.byStatus).toEqual(byStatus);
    expect(byStatus.succeeded).toBeGreaterThanOrEqual(first.length);
    expect(stats.runs.added).toBe(all.reduce((n, r) => n + r.added, 0));
    expect(stats.runs.added).toBeGreaterThan(20);
    // A library whose Plex timestamps had not moved is skipped without an operation row.
    const measured = all.filter((r) => !r.skippedUnchanged);
    expect(measured.length).toBeGreaterThanOrEqual(first.length);
    expect(stats.operations.count).toBe(measured.length);
    const raw = s.store.sqlite
      .prepare(
        'select sum(api_calls) as api, sum(items_processed) as items, sum(rows_written) as rows from sync_metrics',
      )
      .get() as { api: number; items: number; rows: number };
    expect(stats.operations).toMatchObject({
      apiCalls: raw.api,
      itemsProcessed: raw.items,
      rowsWritten: raw.rows,
    });
    // The engine's per-server /library/sections call is in the run results, not in a library's metric row.
    const resultCalls = measured.reduce((n, r) => n + r.apiCalls, 0);
    expect(stats.operations.apiCalls).toBeGreaterThanOrEqual(resultCalls - 2);
    expect(stats.operations.apiCalls).toBeLessThanOrEqual(resultCalls);
    expect(stats.operations.bytesReceived).toBeGreaterThan(0);
    expect(stats.operations.rowsWritten).toBeGreaterThan(stats.runs.added);
    expect(stats.operations.itemsProcessed).toBeGreaterThan(0);
    expect(stats.operations.totalDurationMs).toBe(
      (s.store.sqlite.prepare('select sum(duration_ms) as n from sync_metrics').get() as { n: number }).n,
    );

    const perf = performanceOverTime(s.store.db, range, 'hour');
    expect(perf.reduce((n, p) => n + p.operations, 0)).toBe(measured.length);
    expect(perf.reduce((n, p) => n + p.apiCalls, 0)).toBe(stats.operations.apiCalls);

    const breakers = new CircuitBreakers({ maxConsecutiveErrors: 5, cooldownMs: 60_000 });
    breakers.recordSuccess(s.serverId);
    const health = readHealth(s.store.db, 'sync', null);
    expect(health.state).toBe('ok');
    expect(health.servers).toEqual([
      expect.objectContaining({ serverId: s.serverId, state: 'ok', openErrors: 0, reasons: [] }),
    ]);
    expect(Math.min(...health.libraries.map((l) => l.lastSuccessAt ?? 0))).toBeGreaterThanOrEqual(since);

    // A revoked token fails the server's run before any library starts; the caller records it.
    s.fake.control.revokeToken();
    const failed = await s.engine.syncServer(s.serverId, { trigger: 'manual' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(classifyError(failed)).toMatchObject({ errorClass: 'auth', retryable: false });
    expect(breakers.recordFailure(s.serverId, failed)).toBe(false);
    recordSyncError(s.store.db, {
      error: failed,
      serverId: s.serverId,
      request: { method: 'GET', url: `${s.fake.pmsUrl}/library/sections` },
    });
    const errors = errorAnalytics(s.store.db, { since, until: Date.now() + 1000 });
    expect(errors).toMatchObject({ total: 1, byClass: { auth: 1 }, unresolved: 1 });
    expect(errors.top[0]).toMatchObject({ errorClass: 'auth', occurrences: 1 });
    expect(readHealth(s.store.db, 'sync', null).servers[0]).toMatchObject({
      state: 'degraded',
      openErrors: 1,
      reasons: ['1 unresolved error(s)'],
    });
  });
});
