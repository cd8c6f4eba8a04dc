// The background sync service: the one object the CLI daemon and the Electron main process run.
// It registers itself in sync_services (status, heartbeat, published settings), owns the run
// queue, the cron scheduler and the live-push sockets, and stops gracefully: runs in flight are
// aborted through their signal (the engine commits or rolls back the page in hand and leaves an
// interrupted run with its checkpoint), and the next start resumes them. It also owns the artwork
// queue: a fill runs when no sync is running or waiting, and a view's picture is fetched at once.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../../src-shared/config-schema';
import type { Operation, RunTrigger, SyncKind } from '../../../src-shared/domain';
import type { ScheduleView } from '../../../src-shared/ipc/contract';
import type {
  HealthStatus,
  QueueEntry,
  ServiceEvent,
  ServiceState,
} from '../../../src-shared/service-events';
import type { SyncProgress } from '../../../src-shared/sync-types';
import { createEmitter } from '../../../src-shared/typed-emitter';
import { ArtworkQueue } from '../artwork/artwork-queue';
import { BackgroundFill } from '../artwork/background-fill';
import { ArtworkCache } from '../artwork/cache';
import { breakerOptionsFromConfig, CircuitBreakers } from '../errors/circuit-breaker';
import { classifyError } from '../errors/classify';
import { describeError, UserError } from '../errors/errors';
import type { Logger } from '../logging/logger';
import type { Store } from '../store/database';
import { getLibrary, getLibraryByKey, listLibraries } from '../store/repositories/library-repository';
import { recordScheduleRun, type ScheduleWithLibrary } from '../store/repositories/schedule-repository';
import { listServers } from '../store/repositories/server-repository';
import { latestUnfinishedRun } from '../store/run-journal';
import type { ServerEndpoint } from '../discovery/server-access';
import type { ServerClient } from '../plex/server-client';
import { configuredServerClient } from '../plex/client-factory';
import type { PlexIdentity } from '../plex/identity';
import { isLibraryLocked } from '../store/library-lock';
import {
  getService,
  heartbeatService,
  lastRunErrorClass,
  publishServiceConfig,
  registerService,
  setServiceStatus,
  type ServicePublished,
} from '../store/repositories/service-repository';
import type { CronDescription } from './cron';
import { createWorkerRunner, type WorkerRunner, type WorkerRunnerOptions } from './worker-runner';
import { readHealth, serviceStateOf } from './health';
import { startHealthServer, type HealthServer } from './health-server';
import { LivePush } from './live-push';
import { RunQueue, type LibraryRunner, type RunOutcome, type UnreachableRetry } from './run-queue';
import { Scheduler, systemClock, type Clock } from './scheduler';

export const DEFAULT_SERVICE_NAME = 'sync';

/** The service's events by type: the IPC bridge, the CLI and the logs all listen to every one, in order. */
type ServiceEventMap = { [T in ServiceEvent['type']]: Extract<ServiceEvent, { type: T }> };
export type ServiceEventListener = (event: ServiceEvent) => void;

/** Database-wide work the scheduler triggers (cleanup, maintenance); returns a one-line summary. */
export type OperationRunner = (signal: AbortSignal) => Promise<string | void>;

export interface SyncServiceDeps {
  store: Store;
  /** The current configuration; read on every use, so runtime changes apply. */
  config: () => Config;
  /** Called on every config change (a ConfigStore's subscribe). */
  subscribeConfig?: (listener: () => void) => () => void;
  /** The real engine: each run in a worker thread (worker-runner.ts), the server reached via `serverAccess`. */
  engine?: Omit<WorkerRunnerOptions, 'store' | 'config' | 'serverAccess'>;
  /** Instead of `engine`: any runner (tests of ordering and concurrency). */
  runner?: LibraryRunner;
  serverAccess: (serverId: number) => Promise<ServerEndpoint>;
  operations?: Partial<Record<Extract<Operation, 'cleanup' | 'maintenance'>, OperationRunner>>;
  /** X-Plex-* identity headers for the notifications socket. */
  identityHeaders?: Record<string, string>;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  /** Port for the loopback health endpoint (0: any free port); absent: no endpoint. */
  healthPort?: number;
  name?: string;
  version?: string;
  heartbeatMs?: number;
  /** Longest sleep of the scheduler between checks (how soon a clock jump is noticed). */
  schedulerTickMs?: number;
  livePushBackoff?: { initialMs: number; maxMs: number };
  /** How a run that could not reach its server is tried again (default: 30 s, doubling, 6 times). */
  unreachableRetry?: UnreachableRetry;
}

export interface SyncRequest {
  /** Absent: every selected library. */
  libraryIds?: number[];
  kind?: SyncKind;
  trigger?: RunTrigger;
  /** "Sync now": ahead of everything waiting. */
  jump?: boolean;
}

export interface StopReport {
  /** Libraries whose runs were interrupted and will resume on the next start. */
  interrupted: number[];
  /** Runs that had not settled when the time ran out (resumed next start as orphans). */
  unfinished: number[];
  /** Requests that never started; scheduled ones were handed back to their schedules. */
  dropped: number;
}

export interface SyncService {
  readonly state: ServiceState;
  /** The health endpoint's URL while it is served. */
  readonly healthUrl: string | null;
  start(): Promise<void>;
  stop(options?: { timeoutMs?: number }): Promise<StopReport>;
  requestSync(request: SyncRequest): QueueEntry[];
  cancel(libraryId: number): QueueEntry[];
  pause(): HealthStatus;
  resume(): HealthStatus;
  queue(): QueueEntry[];
  progress(libraryId: number): SyncProgress | null;
  health(): HealthStatus;
  on(listener: ServiceEventListener): () => void;
  /** Re-reads selected libraries and servers: new default schedules, sockets opened or closed. */
  reload(): void;
  /** Resolves when no run is in flight and none is waiting (or the service is paused). */
  whenIdle(): Promise<void>;
  /** Pictures for views: from the cache, else fetched ahead of the fill. Null without a real engine. */
  readonly artwork: ArtworkQueue | null;
  /** Resolves when no artwork fill is running. */
  whenArtworkIdle(): Promise<void>;
  schedules: {
    list(): ScheduleView[];
    update(id: number, patch: { cron?: string; enabled?: boolean }): ScheduleView;
    describe(cron: string): CronDescription;
  };
}

export function createSyncService(deps: SyncServiceDeps): SyncService {
  const { store } = deps;
  const db = store.db;
  const clock = deps.clock ?? systemClock;
  const name = deps.name ?? DEFAULT_SERVICE_NAME;
  const log = deps.logger?.child('service');
  const bus = createEmitter<ServiceEventMap>((err) =>
    log?.error(`event listener failed: ${describeError(err)}`),
  );
  const listen = (listener: ServiceEventListener): (() => void) =>
    bus.onAny((_type, event) => listener(event));

  let state: ServiceState = 'stopped';
  let startedAt: number | null = null;
  let heartbeatAt: number | null = null;
  let databaseWritable = true;
  let heartbeatTimer: unknown = null;
  let healthServer: HealthServer | null = null;
  let unsubscribeConfig: (() => void) | null = null;
  const pendingOperations = new Map<Operation, number | null>();
  const operationsInFlight = new Map<Operation, { controller: AbortController; done: Promise<void> }>();

  const emit = (event: ServiceEvent): void => bus.emit(event.type, event as never);
  const setState = (next: ServiceState): void => {
    state = next;
    try {
      setServiceStatus(db, name, next, clock.now());
    } catch (err) {
      databaseWritable = false;
      log?.error(`cannot record service state: ${describeError(err)}`);
    }
    emit({ type: 'state', state: next, at: clock.now() });
  };

  listen((event) => logEvent(log, event));

  const artwork = deps.engine ? createArtwork(deps.engine.dataDir, deps.engine.identity) : null;
  function createArtwork(dataDir: string, identity: PlexIdentity) {
    const clientForEndpoint = (endpoint: ServerEndpoint): ServerClient =>
      configuredServerClient(endpoint, identity, deps.config());
    const clients = new Map<number, Promise<ServerClient>>();
    const clientFor = (serverId: number): Promise<ServerClient> => {
      let client = clients.get(serverId);
      if (!client) {
        client = deps.serverAccess(serverId).then(clientForEndpoint);
        // A failed look-up (no login, server down) is tried again next time.
        client.catch(() => clients.delete(serverId));
        clients.set(serverId, client);
      }
      return client;
    };
    const forgetClient = (serverId: number): void => {
      const client = clients.get(serverId);
      clients.delete(serverId);
      client?.then((c) => c.close()).catch(() => undefined);
    };
    const queue = new ArtworkQueue({
      store,
      forgetClient,
      cache: new ArtworkCache(join(dataDir, 'artwork'), () => deps.config().artwork_cache_max_mb * 1_048_576),
      clientFor,
      concurrency: () => deps.config().artwork_concurrency,
    });
    const fill = new BackgroundFill({
      queue,
      selection: () => ({ episodeThumbs: deps.config().artwork_prefetch_episode_thumbs }),
      enabled: () => deps.config().artwork_cache,
      onFilled: (r) => {
        if (r.fetched + r.failed > 0)
          log?.info('artwork fill', {
            fetched: r.fetched,
            failed: r.failed,
            bytes: r.bytes,
            cacheFull: r.cacheFull,
          });
      },
      onError: (message) => log?.warn(message),
    });
    const closeClients = async () => {
      const all = [...clients.values()];
      clients.clear();
      for (const c of await Promise.allSettled(all)) if (c.status === 'fulfilled') c.value.close();
    };
    return { queue, fill, closeClients };
  }
  // Syncs take the connection first: the fill stops when one is queued and starts again when none is left.
  listen((event) => {
    if (!artwork) return;
    if (event.type === 'queued' || event.type === 'started') artwork.fill.setSyncing(true);
    else if (event.type === 'finished' || event.type === 'failed' || event.type === 'skipped')
      void queue.whenIdle().then(() => artwork.fill.setSyncing(queue.snapshot().length > 0));
  });

  let workerRunner: WorkerRunner | null = null;
  const runner =
    deps.runner ??
    (workerRunner = deps.engine
      ? createWorkerRunner({ store, config: deps.config, serverAccess: deps.serverAccess, ...deps.engine })
      : null);
  if (!runner) throw new Error('createSyncService needs `engine` (or a `runner`)');

  const breakers = new CircuitBreakers({
    ...breakerOptionsFromConfig(deps.config()),
    now: () => clock.now(),
  });

  const queue = new RunQueue({
    runner,
    concurrency: () => deps.config().concurrent_scans,
    libraryInfo: (libraryId) => {
      const library = getLibrary(db, libraryId);
      return library ? { title: library.title, serverId: library.serverId } : undefined;
    },
    emit,
    now: () => clock.now(),
    breakers,
    onRunEnded: (outcome) => recordOutcome(outcome),
    failureClass: (result) => lastRunErrorClass(db, result.runId),
    setTimer: (fn, ms) => clock.setTimeout(fn, ms),
    clearTimer: (handle) => clock.clearTimeout(handle),
    ...(deps.unreachableRetry ? { unreachableRetry: deps.unreachableRetry } : {}),
  });

  const scheduler = new Scheduler({
    db,
    config: deps.config,
    clock,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.schedulerTickMs ? { tickMs: deps.schedulerTickMs } : {}),
    onDue: (schedule, firedAt) => onScheduleDue(schedule, firedAt),
    onClockJump: (drift) => {
      log?.info(`clock jumped ${Math.round(drift / 1000)} s (sleep or clock change): catching up`);
      livePush.reconnectAll();
    },
  });

  const livePush = new LivePush({
    servers: () => {
      if (!deps.config().live_push) return [];
      const watched = new Set(
        listLibraries(db)
          .filter((l) => l.selected)
          .map((l) => l.serverId),
      );
      return listServers(db)
        .filter((s) => watched.has(s.id) && !s.needsLogin)
        .map((s) => ({ serverId: s.id, name: s.name }));
    },
    serverAccess: deps.serverAccess,
    onSectionChanged: (serverId, sectionKey) => {
      const library = getLibraryByKey(db, serverId, sectionKey);
      if (!library?.selected || (state !== 'running' && state !== 'paused')) return;
      try {
        queue.request({ libraryId: library.id, kind: 'incremental', trigger: 'push' });
      } catch (err) {
        log?.warn(`live push request for library ${library.id} failed: ${describeError(err)}`);
      }
    },
    onRefused: (serverId, message) => log?.warn(`server ${serverId}: ${message}`),
    ...(deps.identityHeaders ? { headers: deps.identityHeaders } : {}),
    debounceMs: () => deps.config().live_push_debounce_seconds * 1000,
    ...(deps.livePushBackoff ? { backoff: deps.livePushBackoff } : {}),
    clock,
    ...(deps.random ? { random: deps.random } : {}),
    log: (level, message, fields) => log?.[level](message, fields),
  });

  function published(): ServicePublished {
    const c = deps.config();
    return {
      healthPort: healthServer?.port ?? null,
      healthToken: healthServer?.token ?? null,
      concurrentScans: c.concurrent_scans,
      livePush: c.live_push,
      refreshIntervalHours: c.refresh_interval_hours,
      deepScanIntervalDays: c.deep_scan_interval_days,
    };
  }

  function onScheduleDue(schedule: ScheduleWithLibrary, firedAt: number): void {
    const scheduleId = schedule.id;
    switch (schedule.operation) {
      case 'refresh':
      case 'deep_scan':
        if (schedule.libraryId === null) return;
        try {
          const outcome = queue.request({
            libraryId: schedule.libraryId,
            kind: schedule.operation === 'deep_scan' ? 'deep' : 'incremental',
            trigger: 'schedule',
            scheduleId,
          });
          if (outcome === 'skipped') recordScheduleRun(db, scheduleId, firedAt, 'skipped');
        } catch (err) {
          recordScheduleRun(db, scheduleId, firedAt, 'failed');
          log?.warn(`schedule ${scheduleId} could not queue: ${describeError(err)}`);
        }
        return;
      case 'cleanup':
      case 'maintenance':
        if (queue.isPaused) pendingOperations.set(schedule.operation, scheduleId);
        else startOperation(schedule.operation, scheduleId);
    }
  }

  function startOperation(operation: Operation, scheduleId: number | null): void {
    const fn = deps.operations?.[operation as 'cleanup' | 'maintenance'];
    if (!fn) {
      log?.warn(`no ${operation} runner in this process: the scheduled ${operation} was skipped`);
      if (scheduleId !== null) recordScheduleRun(db, scheduleId, clock.now(), 'skipped');
      return;
    }
    if (operationsInFlight.has(operation)) return;
    const controller = new AbortController();
    emit({ type: 'operation', operation, status: 'started', at: clock.now() });
    const done = Promise.resolve()
      .then(() => fn(controller.signal))
      .then(
        (summary) => {
          emit({
            type: 'operation',
            operation,
            status: 'finished',
            ...(summary ? { message: summary } : {}),
            at: clock.now(),
          });
          if (scheduleId !== null) recordScheduleRun(db, scheduleId, clock.now(), 'succeeded');
        },
        (err: unknown) => {
          const c = classifyError(err);
          emit({ type: 'operation', operation, status: 'failed', message: c.message, at: clock.now() });
          if (scheduleId !== null)
            recordScheduleRun(db, scheduleId, clock.now(), c.cancelled ? 'interrupted' : 'failed');
        },
      )
      .finally(() => operationsInFlight.delete(operation));
    operationsInFlight.set(operation, { controller, done });
  }

  function recordOutcome(outcome: RunOutcome): void {
    for (const id of outcome.scheduleIds) {
      try {
        recordScheduleRun(db, id, clock.now(), outcome.status);
      } catch (err) {
        log?.warn(`cannot record schedule ${id}: ${describeError(err)}`);
      }
    }
  }

  function heartbeat(): void {
    heartbeatTimer = clock.setTimeout(() => {
      const now = clock.now();
      try {
        heartbeatService(db, name, now);
        heartbeatAt = now;
        databaseWritable = true;
      } catch (err) {
        databaseWritable = false;
        log?.error(`heartbeat failed: ${describeError(err)}`);
      }
      heartbeat();
    }, deps.heartbeatMs ?? 15_000);
  }

  /** Another live process (daemon or app) already runs a service over this database. */
  function assertNoOtherService(now: number): void {
    const row = getService(db, name);
    if (!row) return;
    if (serviceStateOf(row, now) === 'stopped' || processGone(row.pid, row.hostname)) {
      if (row.status !== 'stopped') {
        log?.warn(
          `the previous service (pid ${row.pid ?? '?'}) did not stop cleanly; its interrupted runs resume now`,
        );
      }
      return;
    }
    if (row.pid === process.pid && row.hostname === hostname()) return;
    throw new UserError(
      `another sync service is already running on this database (pid ${row.pid ?? '?'} on ${row.hostname ?? '?'}); ` +
        'stop it first (the desktop app and `retrovue daemon` share one service)',
      'SERVICE_RUNNING',
    );
  }

  /** Selected libraries whose last run was interrupted (a stop, a pause) or died with its process. */
  function runsToResume(): { libraryId: number; kind: SyncKind; runId: number }[] {
    return listLibraries(db).flatMap((library) => {
      if (!library.selected) return [];
      const run = latestUnfinishedRun(db, library.id);
      if (!run) return [];
      // Still `running` with nobody holding the library's lock: its process died.
      const orphan = run.status === 'running' && !isLibraryLocked(store, library.id);
      return run.status === 'interrupted' || orphan
        ? [{ libraryId: library.id, kind: run.kind, runId: run.id }]
        : [];
    });
  }

  /** A newly selected library gets its first full sync now, not at its first scheduled time. */
  function queueFirstSyncs(): void {
    for (const library of listLibraries(db)) {
      if (!library.selected || library.lastSyncAt !== null) continue;
      queue.request({ libraryId: library.id, kind: 'full', trigger: 'startup' });
    }
  }

  function selectedLibraryIds(): number[] {
    return listLibraries(db)
      .filter((l) => l.selected)
      .map((l) => l.id);
  }

  const service: SyncService = {
    get state() {
      return state;
    },
    get healthUrl() {
      return healthServer?.url ?? null;
    },

    async start() {
      if (state !== 'stopped') return;
      const now = clock.now();
      assertNoOtherService(now);
      registerService(db, {
        name,
        pid: process.pid,
        hostname: hostname(),
        version: deps.version ?? '0.0.0',
        config: published(),
        now,
      });
      startedAt = now;
      heartbeatAt = now;
      databaseWritable = true;
      setState('starting');
      try {
        if (deps.healthPort !== undefined) {
          healthServer = await startHealthServer(() => service.health(), deps.healthPort);
          if (healthServer.portTaken !== null)
            log?.warn(
              `health port ${healthServer.portTaken} is in use; serving health on 127.0.0.1:${healthServer.port} instead (set health_port to choose another)`,
            );
          publishServiceConfig(db, name, published());
        }
      } catch (err) {
        setState('stopped');
        throw err;
      }
      setState('running');
      heartbeat();
      for (const run of runsToResume()) {
        log?.info(`resuming interrupted run ${run.runId} of library ${run.libraryId}`);
        queue.request({ libraryId: run.libraryId, kind: run.kind, trigger: 'resume' });
      }
      queueFirstSyncs();
      artwork?.fill.setSyncing(queue.snapshot().length > 0);
      artwork?.fill.resume();
      scheduler.start();
      livePush.start();
      unsubscribeConfig =
        deps.subscribeConfig?.(() => {
          breakers.configure(breakerOptionsFromConfig(deps.config()));
          scheduler.ensureDefaults();
          livePush.refresh();
          publishServiceConfig(db, name, published());
        }) ?? null;
    },

    async stop(options = {}) {
      if (state === 'stopped' || state === 'stopping') return { interrupted: [], unfinished: [], dropped: 0 };
      const timeoutMs = options.timeoutMs ?? 10_000;
      setState('stopping');
      unsubscribeConfig?.();
      unsubscribeConfig = null;
      scheduler.stop();
      livePush.stop();
      if (heartbeatTimer !== null) clock.clearTimeout(heartbeatTimer);
      heartbeatTimer = null;
      const running = queue
        .snapshot()
        .filter((e) => e.status === 'running')
        .map((e) => e.libraryId);
      for (const op of operationsInFlight.values()) op.controller.abort();
      await artwork?.fill.stop();
      await artwork?.closeClients();
      const [drained] = await Promise.all([
        queue.drain(timeoutMs),
        queue.withinTime(Promise.all([...operationsInFlight.values()].map((o) => o.done)), timeoutMs),
      ]);
      for (const d of drained.dropped) {
        for (const id of d.scheduleIds) scheduler.returnToSchedule(id, d.enqueuedAt);
      }
      pendingOperations.clear();
      // Runs still busy when the time ran out end with their thread; they resume next start.
      await workerRunner?.close();
      await healthServer?.close();
      healthServer = null;
      setState('stopped');
      return {
        interrupted: running.filter((id) => !drained.unfinished.includes(id)),
        unfinished: drained.unfinished,
        dropped: drained.dropped.length,
      };
    },

    requestSync(request) {
      if (state !== 'running' && state !== 'paused') {
        throw new UserError('the sync service is not running', 'SERVICE_STOPPED');
      }
      const ids = request.libraryIds ?? selectedLibraryIds();
      if (ids.length === 0) throw new UserError('no libraries are selected for sync');
      for (const id of ids) {
        const library = getLibrary(db, id);
        if (!library) throw new UserError(`library ${id} does not exist`, 'NOT_FOUND');
        if (!library.selected) throw new UserError(`library "${library.title}" is not selected for sync`);
      }
      for (const libraryId of ids) {
        queue.request({
          libraryId,
          kind: request.kind ?? 'incremental',
          trigger: request.trigger ?? 'manual',
          jump: request.jump ?? false,
        });
      }
      return queue.snapshot();
    },

    cancel(libraryId) {
      queue.cancel(libraryId);
      return queue.snapshot();
    },

    pause() {
      if (state === 'running') {
        queue.pause();
        artwork?.fill.pause();
        setState('paused');
      }
      return service.health();
    },

    resume() {
      if (state === 'paused') {
        setState('running');
        queue.resume();
        artwork?.fill.resume();
        for (const [operation, scheduleId] of pendingOperations) startOperation(operation, scheduleId);
        pendingOperations.clear();
      }
      return service.health();
    },

    queue: () => queue.snapshot(),
    progress: (libraryId) => queue.progressOf(libraryId),

    health() {
      return readHealth(
        db,
        name,
        {
          state,
          startedAt,
          heartbeatAt,
          queue: queue.snapshot(),
          serverState: (serverId) => queue.serverState(serverId),
          livePush: livePush.status(),
          databaseWritable,
        },
        clock.now(),
      );
    },

    on: listen,

    reload() {
      // A removed server's breaker goes with it.
      const known = new Set(listServers(db).map((s) => s.id));
      for (const b of breakers.snapshot()) if (!known.has(b.serverId)) breakers.reset(b.serverId);
      // A library no longer chosen (or gone) is not tried again.
      for (const e of queue.snapshot())
        if (e.status === 'retrying' && !getLibrary(db, e.libraryId)?.selected) queue.cancel(e.libraryId);
      // Also without a running service (the CLI): a newly selected library has its schedules at once.
      scheduler.ensureDefaults();
      if (state !== 'running' && state !== 'paused') return;
      queueFirstSyncs();
      livePush.refresh();
    },

    whenIdle: () => queue.whenIdle(),
    artwork: artwork?.queue ?? null,
    whenArtworkIdle: () => artwork?.fill.whenIdle() ?? Promise.resolve(),

    schedules: {
      list: () => scheduler.list(),
      update: (id, patch) => scheduler.update(id, patch),
      describe: (cron) => scheduler.describe(cron),
    },
  };
  return service;
}

/** A process on this machine that no longer exists (killed, crashed); other hosts cannot be checked. */
function processGone(pid: number | null, host: string | null): boolean {
  if (pid === null || host !== hostname() || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function logEvent(log: Logger | undefined, event: ServiceEvent): void {
  if (!log) return;
  const { type, at: _at, ...fields } = event;
  switch (type) {
    case 'progress':
      log.debug('progress', fields);
      return;
    case 'failed':
      log.warn('sync failed', fields);
      return;
    case 'needs_login':
    case 'server_cooldown':
      log.warn(type.replace('_', ' '), fields);
      return;
    case 'finished':
      log.info('sync finished', { result: event.result });
      return;
    default:
      log.info(type, fields);
  }
}
