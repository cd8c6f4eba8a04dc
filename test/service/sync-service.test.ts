// The service with the real database, scheduler and queue, a runner the test controls, and fake
// timers for the clock. End-to-end runs against the fake Plex are in sync-service-e2e.test.ts.
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src-shared/config-schema';
import type { ServiceEvent } from '../../src-shared/service-events';
import { createSyncService, type SyncServiceDeps } from '../../src-main/core/service/sync-service';
import { listSchedules } from '../../src-main/core/store/repositories/schedule-repository';
import { getService } from '../../src-main/core/store/repositories/service-repository';
import { tempStore } from '../helpers/temp';
import { controlledRunner, flush } from './controlled-runner';
import { seedLibraries } from './fixtures';

const START = new Date(2026, 0, 5, 0, 0, 30).getTime();
const DAY = 86_400_000;

let cleanups: (() => void | Promise<void>)[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(START);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  cleanups = [];
  vi.useRealTimers();
});

function setup(opts: { libraries?: number; config?: Partial<Config>; deps?: Partial<SyncServiceDeps> } = {}) {
  const t = tempStore();
  cleanups.push(t.cleanup);
  const libs = seedLibraries(t.store, opts.libraries ?? 3);
  const runner = controlledRunner();
  const config = { current: { ...DEFAULT_CONFIG, live_push: false, ...opts.config } };
  const configListeners = new Set<() => void>();
  const operations: string[] = [];
  const service = createSyncService({
    store: t.store,
    config: () => config.current,
    subscribeConfig: (l) => {
      configListeners.add(l);
      return () => configListeners.delete(l);
    },
    runner: runner.runner,
    serverAccess: () => Promise.reject(new Error('no server in this test')),
    operations: {
      cleanup: async () => {
        operations.push('cleanup');
        return 'removed 0 items';
      },
    },
    random: () => 0,
    ...opts.deps,
  });
  const events: ServiceEvent[] = [];
  service.on((e) => events.push(e));
  cleanups.push(() => service.stop({ timeoutMs: 100 }).then(() => undefined));
  const setConfig = (patch: Partial<Config>) => {
    config.current = { ...config.current, ...patch };
    configListeners.forEach((l) => l());
  };
  return { store: t.store, libs, runner, service, events, operations, setConfig };
}

describe('sync service', () => {
  it('registers itself with status, pid, heartbeat and settings, and marks itself stopped on stop', async () => {
    const { service, store, events } = setup();
    await service.start();
    let row = getService(store.db, 'sync')!;
    expect(row).toMatchObject({
      status: 'running',
      pid: process.pid,
      hostname: hostname(),
      startedAt: START,
      stoppedAt: null,
    });
    expect(JSON.parse(row.configJson)).toMatchObject({
      concurrentScans: 2,
      refreshIntervalHours: 6,
      deepScanIntervalDays: 7,
    });
    await vi.advanceTimersByTimeAsync(45_000);
    expect(getService(store.db, 'sync')!.heartbeatAt).toBe(START + 45_000);
    await service.stop();
    row = getService(store.db, 'sync')!;
    expect(row.status).toBe('stopped');
    expect(row.stoppedAt).toBe(START + 45_000);
    expect(events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state)).toEqual([
      'starting',
      'running',
      'stopping',
      'stopped',
    ]);
  });

  it('refuses to start while another live process runs a service on the same database', async () => {
    const { service, store } = setup();
    store.sqlite
      .prepare(
        "insert into sync_services(name, status, pid, hostname, heartbeat_at) values ('sync', 'running', ?, 'other-host', ?)",
      )
      .run(process.pid + 1, START - 5_000);
    await expect(service.start()).rejects.toThrow(
      /another sync service is already running .*pid \d+ on other-host/,
    );
    // A row left behind by a dead process (stale heartbeat) is taken over.
    store.sqlite.prepare('update sync_services set heartbeat_at = ?').run(START - 10 * 60_000);
    await service.start();
    expect(service.state).toBe('running');
  });

  it('runs scheduled refreshes through the queue and records the outcome on the schedule', async () => {
    const { service, runner, store, libs } = setup({ libraries: 2 });
    await service.start();
    const refresh = listSchedules(store.db).find(
      (s) => s.operation === 'refresh' && s.libraryId === libs[0]!.id,
    )!;
    await vi.advanceTimersByTimeAsync(refresh.nextRunAt! - Date.now());
    expect(runner.active().map((r) => [r.libraryId, r.kind, r.trigger])).toContainEqual([
      libs[0]!.id,
      'incremental',
      'schedule',
    ]);
    runner.of(libs[0]!.id).finish();
    await flush();
    const after = listSchedules(store.db).find((s) => s.id === refresh.id)!;
    expect(after.lastStatus).toBe('succeeded');
    expect(after.lastRunAt).toBe(Date.now());
    expect(after.nextRunAt!).toBeGreaterThan(Date.now());
  });

  it('runs the daily cleanup as a database-wide operation and reports it on the event stream', async () => {
    const { service, operations, events } = setup({ libraries: 1, deps: { schedulerTickMs: 3_600_000 } });
    await service.start();
    await vi.advanceTimersByTimeAsync(DAY);
    expect(operations).toEqual(['cleanup']);
    expect(events.filter((e) => e.type === 'operation')).toMatchObject([
      { operation: 'cleanup', status: 'started' },
      { operation: 'cleanup', status: 'finished', message: 'removed 0 items' },
    ]);
  });

  it('a scheduled operation with no runner in this process is recorded as skipped, not silently dropped', async () => {
    const { service, store, operations } = setup({ libraries: 1, deps: { schedulerTickMs: 3_600_000 } });
    await service.start();
    await vi.advanceTimersByTimeAsync(7 * DAY);
    expect(operations).toHaveLength(7);
    const maintenance = listSchedules(store.db).find((s) => s.operation === 'maintenance')!;
    expect(maintenance).toMatchObject({ lastStatus: 'skipped' });
    expect(listSchedules(store.db).find((s) => s.operation === 'cleanup')).toMatchObject({
      lastStatus: 'succeeded',
    });
  });

  it('sync now jumps the queue; pause and resume hold and continue everything', async () => {
    const { service, runner, libs, store, events } = setup({ libraries: 3, config: { concurrent_scans: 1 } });
    await service.start();
    service.requestSync({ libraryIds: [libs[0]!.id, libs[1]!.id] });
    service.requestSync({ libraryIds: [libs[2]!.id], jump: true });
    await flush();
    expect(service.queue().map((e) => [e.libraryId, e.status])).toEqual([
      [libs[0]!.id, 'running'],
      [libs[2]!.id, 'queued'],
      [libs[1]!.id, 'queued'],
    ]);
    const health = service.pause();
    expect(health.service).toBe('paused');
    expect(getService(store.db, 'sync')!.status).toBe('paused');
    await flush();
    expect(runner.active()).toHaveLength(0);
    expect(service.queue().every((e) => e.status === 'queued')).toBe(true);
    expect(service.resume().service).toBe('running');
    await flush();
    expect(runner.of(libs[0]!.id).trigger).toBe('resume');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['queued', 'started', 'paused', 'resumed']),
    );
  });

  it('requests are checked: a stopped service, an unknown or unselected library', async () => {
    const { service, libs, store } = setup({ libraries: 2 });
    expect(() => service.requestSync({})).toThrow(/not running/);
    await service.start();
    expect(() => service.requestSync({ libraryIds: [999] })).toThrow(/library 999 does not exist/);
    store.sqlite.prepare('update libraries set selected = 0 where id = ?').run(libs[1]!.id);
    expect(() => service.requestSync({ libraryIds: [libs[1]!.id] })).toThrow(/"Library 2" is not selected/);
    expect(service.requestSync({}).map((e) => e.libraryId)).toEqual([libs[0]!.id]);
  });

  it('stop interrupts the run in flight and hands waiting scheduled runs back to their schedules', async () => {
    const { service, runner, store, events } = setup({ libraries: 3, config: { concurrent_scans: 1 } });
    await service.start();
    // Three days asleep: every library's refresh is due at once; one runs, two wait.
    vi.setSystemTime(START + 3 * DAY);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runner.active()).toHaveLength(1);
    const running = runner.active()[0]!;
    const waiting = service.queue().filter((e) => e.status === 'queued');
    expect(waiting).toHaveLength(2);
    const report = await service.stop({ timeoutMs: 5_000 });
    expect(running.context.signal.aborted).toBe(true);
    expect(report).toEqual({ interrupted: [running.libraryId], unfinished: [], dropped: 2 });
    expect(
      events
        .filter((e) => e.type === 'finished')
        .map((e) => (e as { result: { status: string } }).result.status),
    ).toEqual(['interrupted']);
    // The two that never ran are due again, so the next start runs them (once each).
    const due = listSchedules(store.db).filter(
      (s) => s.operation === 'refresh' && s.nextRunAt! <= Date.now(),
    );
    expect(due.map((s) => s.libraryId).sort()).toEqual(waiting.map((e) => e.libraryId).sort());
  });

  it('a library never synced gets a first full sync at start, and one selected later on reload', async () => {
    const { service, runner, store, libs } = setup({ libraries: 3 });
    store.sqlite.prepare('update libraries set last_sync_at = null where id = ?').run(libs[0]!.id);
    store.sqlite.prepare('update libraries set selected = 0 where id = ?').run(libs[2]!.id);
    await service.start();
    await flush();
    expect(runner.calls.map((c) => [c.libraryId, c.kind, c.trigger])).toEqual([
      [libs[0]!.id, 'full', 'startup'],
    ]);
    store.sqlite
      .prepare('update libraries set selected = 1, last_sync_at = null where id = ?')
      .run(libs[2]!.id);
    service.reload();
    await flush();
    expect(runner.calls.map((c) => [c.libraryId, c.trigger])).toEqual([
      [libs[0]!.id, 'startup'],
      [libs[2]!.id, 'startup'],
    ]);
    expect(
      service.schedules
        .list()
        .filter((v) => v.libraryId === libs[2]!.id)
        .map((v) => v.operation)
        .sort(),
    ).toEqual(['deep_scan', 'refresh']);
  });

  it('a config change moves default schedules and applies concurrency at once', async () => {
    const { service, store, setConfig, runner, libs } = setup({
      libraries: 3,
      config: { concurrent_scans: 1 },
    });
    await service.start();
    setConfig({ refresh_interval_hours: 12, concurrent_scans: 3 });
    expect(
      listSchedules(store.db)
        .filter((s) => s.operation === 'refresh')
        .every((s) => /\*\/12/.test(s.cron)),
    ).toBe(true);
    expect(JSON.parse(getService(store.db, 'sync')!.configJson)).toMatchObject({
      concurrentScans: 3,
      refreshIntervalHours: 12,
    });
    service.requestSync({});
    await flush();
    expect(
      runner
        .active()
        .map((r) => r.libraryId)
        .sort(),
    ).toEqual(libs.map((l) => l.id).sort());
  });

  it('health reports service state, queue, libraries with their next run, and the database', async () => {
    const { service, libs } = setup({ libraries: 2 });
    await service.start();
    service.requestSync({ libraryIds: [libs[1]!.id] });
    await flush();
    const h = service.health();
    expect(h).toMatchObject({
      ok: true,
      service: 'running',
      startedAt: START,
      databaseOk: true,
      account: null,
    });
    expect(h.queue).toMatchObject([{ libraryId: libs[1]!.id, status: 'running', runId: 1 }]);
    expect(h.libraries.map((l) => l.libraryId)).toEqual(libs.map((l) => l.id));
    expect(h.libraries.every((l) => l.nextRunAt !== null && l.nextRunAt > START)).toBe(true);
    expect(h.servers).toMatchObject([
      { name: 'Test Server', tokenOk: true, consecutiveErrors: 0, cooldownUntil: null },
    ]);
  });
});
