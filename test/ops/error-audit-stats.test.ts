import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src-main/core/errors/circuit-breaker';
import {
  CancelledError,
  PlexAuthError,
  PlexDataError,
  PlexNetworkError,
  PlexNotFoundError,
} from '../../src-main/core/errors/errors';
import { registerSecret } from '../../src-main/core/logging/redact';
import { recordMetric, startMetrics } from '../../src-main/core/metrics/metrics-writer';
import {
  errorAnalytics,
  parseSince,
  performanceOverTime,
  readStats,
  syncStatistics,
} from '../../src-main/core/metrics/stats';
import { readHealth } from '../../src-main/core/service/health';
import { listAudit, recordAudit } from '../../src-main/core/store/repositories/audit-repository';
import {
  countErrorRetry,
  errorCountsByDay,
  getSyncError,
  listSyncErrors,
  pageSyncErrors,
  recordSyncError,
  resolveAfterSuccessfulRun,
  resolveErrorsById,
  resolveErrorsByFingerprint,
  resolveItemErrors,
  topRecurringErrors,
} from '../../src-main/core/store/repositories/error-repository';
import type { Store } from '../../src-main/core/store/database';
import { tempStore } from '../helpers/temp';
import { addLibrary, addRun, addServer } from './fixtures';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 12);
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(): { store: Store; serverId: number; libraryId: number } {
  const t = tempStore();
  cleanups.push(t.cleanup);
  const serverId = addServer(t.store, 'Home');
  return { store: t.store, serverId, libraryId: addLibrary(t.store, serverId, 'movie', '1', 'Movies') };
}

describe('sync_errors', () => {
  it('stores class, message, token-free context and request; repeats bump retry_count', () => {
    const { store, serverId, libraryId } = setup();
    const token = 'tok-SECRET-abc123';
    registerSecret(token);
    const runId = addRun(store, { serverId, libraryId, status: 'running', startedAt: T0 });
    const url = `http://127.0.0.2:32400/library/metadata/55?X-Plex-Token=${token}`;
    const first = recordSyncError(store.db, {
      error: new PlexDataError(`malformed JSON from server for ${url}`),
      runId,
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '55',
      request: { method: 'GET', url },
      retryCount: 0,
      details: { title: 'Heat', authorization: token },
      at: T0,
    });
    expect(first).toMatchObject({ errorClass: 'data', repeated: false, retryCount: 0 });
    const row = listSyncErrors(store.db)[0]!;
    expect(row).toMatchObject({
      errorClass: 'data',
      code: 'PLEX_DATA',
      plexRatingKey: '55',
      itemKind: 'movie',
      occurredAt: T0,
      resolvedAt: null,
    });
    const everything = JSON.stringify(row);
    expect(everything).not.toContain(token);
    const context = JSON.parse(row.contextJson) as Record<string, unknown>;
    expect(context).toMatchObject({
      server: serverId,
      library: libraryId,
      item: { kind: 'movie', ratingKey: '55' },
      request: { method: 'GET', url: 'http://127.0.0.2:32400/library/metadata/55?X-Plex-Token=[redacted]' },
      title: 'Heat',
      authorization: '[redacted]',
    });

    const again = recordSyncError(store.db, {
      error: new PlexDataError(`malformed JSON from server for ${url}`),
      runId,
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '55',
      request: { url },
      retryCount: 2,
      at: T0 + DAY,
    });
    expect(again).toMatchObject({ id: first!.id, repeated: true, retryCount: 3 });
    expect(listSyncErrors(store.db)).toHaveLength(1);
    expect(listSyncErrors(store.db)[0]).toMatchObject({
      occurredAt: T0,
      lastOccurredAt: T0 + DAY,
      retryCount: 3,
    });

    // A different item is a different error; a cancellation is no error at all.
    recordSyncError(store.db, {
      error: new PlexDataError('malformed JSON'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '56',
      at: T0,
    });
    expect(recordSyncError(store.db, { error: new CancelledError(), serverId, at: T0 })).toBeNull();
    expect(listSyncErrors(store.db)).toHaveLength(2);
  });

  it('resolves by fingerprint, by item and after a later successful run', () => {
    const { store, serverId, libraryId } = setup();
    const run1 = addRun(store, { serverId, libraryId, status: 'failed', startedAt: T0 });
    const item = recordSyncError(store.db, {
      error: new PlexNotFoundError('gone'),
      runId: run1,
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '7',
      at: T0,
    })!;
    const serverLevel = recordSyncError(store.db, {
      error: new PlexNetworkError('ECONNRESET'),
      runId: run1,
      serverId,
      at: T0,
    })!;
    const other = recordSyncError(store.db, {
      error: new PlexDataError('bad'),
      runId: run1,
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '8',
      at: T0,
    })!;

    expect(resolveItemErrors(store.db, { libraryId, itemKind: 'movie', ratingKey: '7' }, T0 + 1)).toBe(1);
    expect(resolveErrorsByFingerprint(store.db, item.fingerprint)).toBe(0);

    // Run 2 fails item 8 again and succeeds overall: the server error resolves, item 8 stays open.
    const run2 = addRun(store, { serverId, libraryId, status: 'succeeded', startedAt: T0 + 10 });
    recordSyncError(store.db, {
      error: new PlexDataError('bad'),
      runId: run2,
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '8',
      at: T0 + 20,
    });
    expect(resolveAfterSuccessfulRun(store.db, { serverId, libraryId, runId: run2 }, T0 + 30)).toBe(1);
    const open = listSyncErrors(store.db, { unresolvedOnly: true });
    expect(open.map((e) => e.id)).toEqual([other.id]);
    expect(listSyncErrors(store.db).find((e) => e.id === serverLevel.id)!.resolvedAt).toBe(T0 + 30);

    // The same failure after resolution opens a new row.
    const back = recordSyncError(store.db, {
      error: new PlexNotFoundError('gone'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '7',
      at: T0 + DAY,
    })!;
    expect(back.repeated).toBe(false);
    expect(back.fingerprint).toBe(item.fingerprint);
  });

  it('pages errors for the UI with names and totals; a person resolves or retries them by id', () => {
    const { store, serverId, libraryId } = setup();
    const old = recordSyncError(store.db, {
      error: new PlexDataError('bad item'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '1',
      at: T0,
    })!;
    const net = recordSyncError(store.db, {
      error: new PlexNetworkError('ECONNRESET'),
      serverId,
      at: T0 + DAY,
    })!;
    const recent = recordSyncError(store.db, {
      error: new PlexDataError('bad item'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '2',
      at: T0 + 2 * DAY,
    })!;
    // The old one happens again: latest occurrence comes first.
    recordSyncError(store.db, {
      error: new PlexDataError('bad item'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '1',
      at: T0 + 3 * DAY,
    });

    const all = pageSyncErrors(store.db, {});
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.error.id)).toEqual([old.id, recent.id, net.id]);
    expect(all.rows[0]).toMatchObject({ serverName: 'Home', libraryTitle: 'Movies' });
    expect(all.rows[2]).toMatchObject({ serverName: 'Home', libraryTitle: null });

    const page = pageSyncErrors(store.db, { errorClass: 'data', limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 2, rows: [{ error: { id: recent.id } }] });
    expect(pageSyncErrors(store.db, { since: T0 + DAY }).rows.map((r) => r.error.id)).toEqual([
      recent.id,
      net.id,
    ]);
    expect(pageSyncErrors(store.db, { libraryId }).total).toBe(2);

    expect(resolveErrorsById(store.db, [net.id, recent.id], T0 + 4 * DAY)).toBe(2);
    expect(resolveErrorsById(store.db, [net.id], T0 + 5 * DAY)).toBe(0);
    expect(getSyncError(store.db, net.id)!.resolvedAt).toBe(T0 + 4 * DAY);
    expect(pageSyncErrors(store.db, { unresolvedOnly: true }).rows.map((r) => r.error.id)).toEqual([old.id]);

    const before = getSyncError(store.db, old.id)!.retryCount;
    countErrorRetry(store.db, old.id);
    expect(getSyncError(store.db, old.id)!.retryCount).toBe(before + 1);
    expect(getSyncError(store.db, 9999)).toBeUndefined();
  });

  it('an incremental run leaves item errors open', () => {
    const { store, serverId, libraryId } = setup();
    recordSyncError(store.db, {
      error: new PlexDataError('bad'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '8',
      at: T0,
    });
    const run = addRun(store, {
      serverId,
      libraryId,
      status: 'succeeded',
      kind: 'incremental',
      startedAt: T0 + 1,
    });
    expect(
      resolveAfterSuccessfulRun(store.db, { serverId, libraryId, runId: run, includeItems: false }),
    ).toBe(0);
  });

  it('analytics: counts per class per day and the top recurring errors', () => {
    const { store, serverId, libraryId } = setup();
    for (let i = 0; i < 3; i++) {
      recordSyncError(store.db, {
        error: new PlexNetworkError('server error 503', { status: 503 }),
        serverId,
        at: T0 + i * 1000,
      });
    }
    recordSyncError(store.db, { error: new PlexAuthError('token rejected'), serverId, at: T0 + DAY });
    recordSyncError(store.db, {
      error: new PlexDataError('bad payload'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '1',
      at: T0 + DAY,
    });
    recordSyncError(store.db, {
      error: new PlexDataError('bad payload'),
      serverId,
      libraryId,
      itemKind: 'movie',
      ratingKey: '2',
      at: T0 + DAY,
    });
    const range = { since: T0 - DAY, until: T0 + 2 * DAY };
    expect(errorCountsByDay(store.db, range)).toEqual([
      { day: '2026-11-20', errorClass: 'network', errors: 1, retries: 2, unresolved: 1 },
      { day: '2026-11-21', errorClass: 'auth', errors: 1, retries: 0, unresolved: 1 },
      { day: '2026-11-21', errorClass: 'data', errors: 2, retries: 0, unresolved: 2 },
    ]);
    const top = topRecurringErrors(store.db, range, 2);
    expect(top[0]).toMatchObject({
      errorClass: 'network',
      occurrences: 3,
      firstAt: T0,
      lastAt: T0 + 2000,
      unresolved: true,
    });
    expect(top).toHaveLength(2);
    const analytics = errorAnalytics(store.db, range);
    expect(analytics).toMatchObject({ total: 4, byClass: { network: 1, auth: 1, data: 2 }, unresolved: 4 });
    // Outside the range: nothing.
    expect(errorAnalytics(store.db, { since: T0 + 3 * DAY, until: T0 + 4 * DAY }).total).toBe(0);
  });
});

describe('audit_log', () => {
  it('records user actions with redacted details and lists them newest first', () => {
    const { store } = setup();
    recordAudit(store.db, {
      actor: 'ui',
      action: 'login',
      details: { username: 'ana', authToken: 'zzz-secret-zzz' },
      at: T0,
    });
    recordAudit(store.db, {
      actor: 'cli',
      action: 'config_changed',
      details: { keys: ['concurrent_scans'] },
      at: T0 + 1,
    });
    recordAudit(store.db, { actor: 'cli', action: 'manual_sync', details: { libraryId: 1 }, at: T0 + 2 });
    const all = listAudit(store.db);
    expect(all.map((a) => a.action)).toEqual(['manual_sync', 'config_changed', 'login']);
    expect(all[2]!.details).toEqual({ username: 'ana', authToken: '[redacted]' });
    expect(listAudit(store.db, { action: 'config_changed' })).toHaveLength(1);
    expect(listAudit(store.db, { since: T0 + 1, until: T0 + 2 }).map((a) => a.action)).toEqual([
      'config_changed',
    ]);
  });
});

describe('metrics and stats', () => {
  it('the recorder counts an operation and writes one row', () => {
    const { store, serverId, libraryId } = setup();
    let now = T0;
    const runId = addRun(store, { serverId, libraryId, status: 'succeeded', startedAt: T0 });
    const m = startMetrics({ operation: 'full', runId, serverId, libraryId }, () => now);
    m.apiCall(1200);
    m.apiCall(800);
    m.add({ itemsProcessed: 40, itemsSkipped: 3, rowsWritten: 250, errors: 1 });
    m.sampleMemory();
    now += 4000;
    const row = m.finish(store.db);
    expect(m.finish(store.db).id).toBe(row.id);
    const stored = store.sqlite.prepare('select * from sync_metrics').all();
    expect(stored).toEqual([
      expect.objectContaining({
        run_id: runId,
        operation: 'full',
        started_at: T0,
        duration_ms: 4000,
        items_processed: 40,
        items_skipped: 3,
        errors: 1,
        api_calls: 2,
        bytes_received: 2000,
        rows_written: 250,
      }),
    ]);
    expect((stored[0] as { peak_rss_bytes: number }).peak_rss_bytes).toBeGreaterThan(0);
  });

  it('sync statistics, performance over time and health for a range', () => {
    const { store, serverId, libraryId } = setup();
    const other = addServer(store, 'Cabin');
    const otherLib = addLibrary(store, other, 'show', '9', 'TV');
    addRun(store, { serverId, libraryId, status: 'succeeded', startedAt: T0, added: 10, updated: 2 });
    addRun(store, {
      serverId,
      libraryId,
      status: 'succeeded',
      kind: 'incremental',
      startedAt: T0 + DAY,
      updated: 3,
    });
    addRun(store, { serverId: other, libraryId: otherLib, status: 'failed', startedAt: T0 + DAY, errors: 1 });
    addRun(store, { serverId, libraryId, status: 'succeeded', startedAt: T0 - 30 * DAY, added: 999 });
    const base = { serverId, libraryId, itemsSkipped: 0, errors: 0, bytesReceived: 1000, rowsWritten: 100 };
    recordMetric(store.db, {
      ...base,
      operation: 'full',
      startedAt: T0,
      durationMs: 2000,
      itemsProcessed: 100,
      apiCalls: 5,
    });
    recordMetric(store.db, {
      ...base,
      operation: 'incremental',
      startedAt: T0 + DAY,
      durationMs: 1000,
      itemsProcessed: 10,
      apiCalls: 2,
    });
    recordMetric(store.db, {
      ...base,
      operation: 'incremental',
      startedAt: T0 + DAY + 3_600_000,
      durationMs: 1000,
      itemsProcessed: 30,
      apiCalls: 2,
    });
    const range = { since: T0 - DAY, until: T0 + 2 * DAY };

    const s = syncStatistics(store.db, range);
    expect(s.runs).toMatchObject({
      total: 3,
      byStatus: { succeeded: 2, failed: 1 },
      byKind: { full: 2, incremental: 1 },
      added: 10,
      updated: 5,
      errors: 1,
    });
    expect(s.operations).toMatchObject({
      count: 3,
      totalDurationMs: 4000,
      avgDurationMs: 1333,
      maxDurationMs: 2000,
      itemsProcessed: 140,
      apiCalls: 9,
      bytesReceived: 3000,
      rowsWritten: 300,
      itemsPerSecond: 35,
    });

    const daily = performanceOverTime(store.db, range, 'day');
    expect(daily.map((p) => [p.operations, p.itemsProcessed, p.itemsPerSecond])).toEqual([
      [1, 100, 50],
      [2, 40, 20],
    ]);
    expect(daily[0]!.at).toBe(Math.floor(T0 / DAY) * DAY);
    expect(performanceOverTime(store.db, range, 'hour', 'incremental')).toHaveLength(2);

    recordSyncError(store.db, { error: new PlexNetworkError('down'), serverId: other, at: T0 + DAY });
    const breakers = new CircuitBreakers({
      maxConsecutiveErrors: 1,
      cooldownMs: 60_000,
      now: () => T0 + DAY,
    });
    breakers.recordFailure(other, new PlexNetworkError('down', { status: 500 }));
    // Both servers have a chosen address (whether it answers is unknown here).
    store.sqlite.prepare("update servers set chosen_uri = 'http://127.0.0.1:32400'").run();
    const health = readHealth(
      store.db,
      'sync',
      {
        state: 'running',
        startedAt: T0,
        heartbeatAt: T0 + DAY,
        queue: [],
        serverState: (id) => {
          const b = breakers.status(id);
          return {
            consecutiveErrors: b.consecutiveErrors,
            cooldownUntil: b.state === 'open' ? b.retryAt : null,
          };
        },
        livePush: [],
        databaseWritable: true,
      },
      T0 + DAY,
    );
    expect(health).toMatchObject({ state: 'failing', ok: false });
    const byName = Object.fromEntries(health.servers.map((h) => [h.name, h]));
    expect(byName.Home).toMatchObject({ state: 'ok', openErrors: 0, reasons: [] });
    expect(byName.Cabin).toMatchObject({ state: 'failing', openErrors: 1, consecutiveErrors: 1 });
    expect(byName.Cabin!.reasons.join('; ')).toMatch(
      /cooling down until .*last run of "TV" failed.*1 unresolved/,
    );

    const report = readStats(store.db, range);
    expect(report.sync.runs.total).toBe(3);
    expect(report.errors.total).toBe(1);
  });

  it('parses --since spans and dates; rejects nonsense', () => {
    expect(parseSince('7d', T0)).toBe(T0 - 7 * DAY);
    expect(parseSince('24h', T0)).toBe(T0 - DAY);
    expect(parseSince('30m', T0)).toBe(T0 - 30 * 60_000);
    expect(parseSince('2026-11-01', T0)).toBe(Date.UTC(2026, 10, 1));
    expect(() => parseSince('last tuesday', T0)).toThrow(/--since "last tuesday"/);
  });
});
