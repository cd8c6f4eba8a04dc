// The run queue: which library syncs next. It guarantees one run per library at a time, at most
// `concurrency()` runs at once, merges duplicate requests, lets "sync now" jump ahead, and pauses,
// cancels and drains runs through their AbortSignal. A per-server circuit breaker keeps scheduled
// and pushed work off a server that keeps failing (network, timeouts, 5xx), while a person's
// "sync now" still goes through. It knows nothing of Plex or SQLite: the runner does the work, so
// the queue can be tested with a runner the test controls.
import type { ErrorClass, RunTrigger, SyncKind } from '../../../src-shared/domain';
import type { QueueEntry, ServiceEvent } from '../../../src-shared/service-events';
import type { LibrarySyncResult, SyncProgress } from '../../../src-shared/sync-types';
import { backoffDelay, type BackoffOptions } from '../../../src-shared/backoff';
import type { CircuitBreakers } from '../errors/circuit-breaker';
import { classifyError } from '../errors/classify';
import { CancelledError, RetroVueError, UserError } from '../errors/errors';
import { PAUSE } from '../errors/errors';
import { LibraryBusyError } from '../store/library-lock';
import { DISK_FULL_BACKOFF, isDiskFull } from '../errors/disk-full';

/** How long a request waits before asking again for a library another process is syncing. */
const BUSY_RETRY_MS = 5_000;

/** A run that failed because the server could not be reached is tried again: 30 s, 1, 2, 4 … 15 min. */
export interface UnreachableRetry extends BackoffOptions {
  /** Automatic retries in a row before the library waits for its next schedule. */
  attempts: number;
}
const UNREACHABLE_RETRY: UnreachableRetry = { initialMs: 30_000, maxMs: 15 * 60_000, attempts: 6 };

export interface RunRequest {
  libraryId: number;
  kind: SyncKind;
  trigger: RunTrigger;
  /** "Sync now": run before everything already waiting. */
  jump?: boolean;
  /** The schedule that asked, so it can be told how the run went. */
  scheduleId?: number;
}

export interface RunContext {
  signal: AbortSignal;
  /** The runner calls this once the run has its sync_runs row. */
  onStarted(runId: number): void;
  onProgress(progress: SyncProgress): void;
}

/** The narrow view of the sync engine the queue needs. */
export type LibraryRunner = (
  request: { libraryId: number; kind: SyncKind; trigger: RunTrigger },
  context: RunContext,
) => Promise<LibrarySyncResult>;

export interface LibraryInfo {
  title: string;
  serverId: number;
}

export type RequestOutcome =
  /** A new entry in the queue. */
  | 'queued'
  /** Folded into the entry already waiting (possibly upgrading its kind or moving it ahead). */
  | 'merged'
  /** The library is running and the run in progress covers the request. */
  | 'covered'
  /** The library is running; one follow-up run is waiting for it to finish. */
  | 'follow_up'
  /** Not queued: the server's circuit is open (cooling down after repeated failures). */
  | 'skipped';

/** How a run ended, for the service's bookkeeping (schedules, logs). */
export interface RunOutcome {
  libraryId: number;
  serverId: number;
  kind: SyncKind;
  trigger: RunTrigger;
  scheduleIds: number[];
  status: LibrarySyncResult['status'];
  result: LibrarySyncResult | null;
  errorClass: ErrorClass | null;
  message: string | null;
}

export interface RunQueueOptions {
  runner: LibraryRunner;
  concurrency: () => number;
  /** Library title and server, or undefined when the library does not exist. */
  libraryInfo: (libraryId: number) => LibraryInfo | undefined;
  emit: (event: ServiceEvent) => void;
  now?: () => number;
  /** One breaker per server: which failures count, when it opens, the half-open trial. */
  breakers: CircuitBreakers;
  onRunEnded?: (outcome: RunOutcome) => void;
  /** Why a run the runner reported as failed failed (the runner records its errors itself). */
  failureClass?: (result: LibrarySyncResult) => ErrorClass | null;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Wait before asking again for a library another process holds (default 5 s). */
  busyRetryMs?: number;
  /** How runs that could not reach their server are tried again (default UNREACHABLE_RETRY). */
  unreachableRetry?: UnreachableRetry;
  /** Waits before running again a library whose run failed on a full disk (DISK_FULL_BACKOFF). */
  diskFullBackoff?: BackoffOptions;
}

export interface DrainResult {
  /** Entries that never started: the service hands scheduled ones back to their schedules. */
  dropped: {
    libraryId: number;
    kind: SyncKind;
    trigger: RunTrigger;
    scheduleIds: number[];
    enqueuedAt: number;
  }[];
  /** Runs still in flight when the time ran out. */
  unfinished: number[];
}

interface Entry {
  libraryId: number;
  libraryTitle: string;
  serverId: number;
  kind: SyncKind;
  trigger: RunTrigger;
  jump: boolean;
  /** Asked for by a person ("sync now", the CLI): runs even while the server cools down. */
  manual: boolean;
  /** Holds the half-open breaker's one trial for its server. */
  trial: boolean;
  scheduleIds: number[];
  enqueuedAt: number;
  runId: number | null;
  controller: AbortController | null;
  abortReason: 'pause' | 'cancel' | 'shutdown' | null;
  settled: Promise<void> | null;
  /** Order of starting, so runs a pause put back keep their order. */
  startSeq: number;
  /** Put back by a pause: goes before everything else. */
  interrupted: boolean;
}

/**
 * The abort reasons a runner sees. A pause and a shutdown both leave the run `interrupted` with its
 * checkpoint, so they carry the engine's own pause reason; a cancel is final.
 */
const ABORT_MESSAGES = { pause: PAUSE, shutdown: PAUSE, cancel: 'cancelled' } as const;

const isManual = (trigger: RunTrigger): boolean => trigger === 'manual' || trigger === 'cli';

const KIND_WEIGHT: Record<SyncKind, number> = { incremental: 0, full: 1, deep: 2 };

/** The stronger of two kinds: a deep scan covers a full sync, which covers an incremental one. */
export function strongerKind(a: SyncKind, b: SyncKind): SyncKind {
  return KIND_WEIGHT[b] > KIND_WEIGHT[a] ? b : a;
}

export class RunQueue {
  private readonly waiting: Entry[] = [];
  private readonly running = new Map<number, Entry>();
  private readonly progress = new Map<number, SyncProgress>();
  private readonly idleWaiters: (() => void)[] = [];
  /** Requests for libraries another process is syncing: asked again when their timer fires. */
  private readonly held = new Map<number, { entry: Entry; timer: unknown }>();
  /** Runs that could not reach their server, waiting to be tried again (future work, like a schedule). */
  private readonly retrying = new Map<
    number,
    { entry: Entry; timer: unknown; retryAt: number; errorClass: ErrorClass }
  >();
  /** Automatic retries in a row per library; a run that succeeds ends the streak. */
  private readonly retryStreak = new Map<number, number>();
  /** Runs in a row that failed on a full disk, per library: the next wait grows with them. */
  private readonly diskFullFailures = new Map<number, number>();
  private paused = false;
  private draining = false;
  private startCounter = 0;
  private readonly now: () => number;

  constructor(private readonly opts: RunQueueOptions) {
    this.now = opts.now ?? Date.now;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  request(req: RunRequest): RequestOutcome {
    if (this.draining) throw new UserError('the sync service is stopping');
    const info = this.opts.libraryInfo(req.libraryId);
    if (!info) throw new UserError(`library ${req.libraryId} does not exist`, 'NOT_FOUND');
    const manual = isManual(req.trigger);
    const breaker = this.opts.breakers.status(info.serverId);
    if (breaker.state === 'open' && !manual) {
      this.emitSkipped(
        req.libraryId,
        `server is cooling down after repeated errors until ${new Date(breaker.retryAt ?? this.now()).toISOString()}`,
      );
      return 'skipped';
    }
    // A new request covers the retry that was waiting for the library.
    this.dropRetry(req.libraryId);
    const queued =
      this.waiting.find((e) => e.libraryId === req.libraryId) ?? this.held.get(req.libraryId)?.entry;
    const active = this.running.get(req.libraryId);
    if (queued && this.held.get(req.libraryId)?.entry === queued) {
      queued.kind = strongerKind(queued.kind, req.kind);
      queued.manual ||= manual;
      if (req.scheduleId !== undefined) queued.scheduleIds.push(req.scheduleId);
      return 'merged';
    }
    if (queued) {
      queued.kind = strongerKind(queued.kind, req.kind);
      queued.manual ||= manual;
      if (req.scheduleId !== undefined) queued.scheduleIds.push(req.scheduleId);
      if (req.jump && !queued.jump) {
        this.waiting.splice(this.waiting.indexOf(queued), 1);
        queued.jump = true;
        queued.trigger = req.trigger;
        this.insert(queued);
      }
      this.emitQueued(queued);
      this.dispatch();
      return 'merged';
    }
    // Changes pushed while a run is reading pages may land behind its cursor, and a stronger kind
    // covers more than the run in progress: both need one more run after this one.
    if (active && req.trigger !== 'push' && KIND_WEIGHT[req.kind] <= KIND_WEIGHT[active.kind]) {
      if (req.scheduleId !== undefined) active.scheduleIds.push(req.scheduleId);
      this.emitSkipped(req.libraryId, 'merged with the run in progress');
      return 'covered';
    }
    const entry: Entry = {
      libraryId: req.libraryId,
      libraryTitle: info.title,
      serverId: info.serverId,
      kind: req.kind,
      trigger: req.trigger,
      jump: req.jump ?? false,
      manual,
      trial: false,
      scheduleIds: req.scheduleId === undefined ? [] : [req.scheduleId],
      enqueuedAt: this.now(),
      runId: null,
      controller: null,
      abortReason: null,
      settled: null,
      startSeq: 0,
      interrupted: false,
    };
    this.insert(entry);
    this.emitQueued(entry);
    this.dispatch();
    return active ? 'follow_up' : 'queued';
  }

  /** Removes a waiting request and stops the library's run in progress. */
  cancel(libraryId: number): void {
    const index = this.waiting.findIndex((e) => e.libraryId === libraryId);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.emitSkipped(libraryId, 'cancelled');
    }
    const held = this.held.get(libraryId);
    if (held) {
      (this.opts.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout)))(held.timer);
      this.held.delete(libraryId);
      this.emitSkipped(libraryId, 'cancelled');
    }
    if (this.dropRetry(libraryId)) this.emitSkipped(libraryId, 'cancelled');
    const active = this.running.get(libraryId);
    if (active) this.abort(active, 'cancel');
    this.notifyIdle();
  }

  /** Stops starting runs and interrupts those in flight; they go back to the front of the queue. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.opts.emit({ type: 'paused', at: this.now() });
    for (const entry of this.running.values()) this.abort(entry, 'pause');
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.opts.emit({ type: 'resumed', at: this.now() });
    this.dispatch();
  }

  /** Running entries first, then the waiting ones in the order they will start. */
  snapshot(): QueueEntry[] {
    const view = (e: Entry, status: QueueEntry['status']): QueueEntry => ({
      libraryId: e.libraryId,
      libraryTitle: e.libraryTitle,
      kind: e.kind,
      trigger: e.trigger,
      status,
      runId: e.runId,
      enqueuedAt: e.enqueuedAt,
    });
    return [
      ...[...this.running.values()].map((e) => view(e, 'running')),
      ...this.waiting.map((e) => view(e, 'queued')),
      ...[...this.held.values()].map((h) => view(h.entry, 'queued')),
      ...[...this.retrying.values()].map((r) => ({
        ...view(r.entry, 'retrying'),
        retryAt: r.retryAt,
        errorClass: r.errorClass,
      })),
    ];
  }

  progressOf(libraryId: number): SyncProgress | null {
    return this.progress.get(libraryId) ?? null;
  }

  runningCount(): number {
    return this.running.size;
  }

  /** The server's breaker as health shows it: cooldownUntil is set only while the circuit is open. */
  serverState(serverId: number): { consecutiveErrors: number; cooldownUntil: number | null } {
    const s = this.opts.breakers.status(serverId);
    return { consecutiveErrors: s.consecutiveErrors, cooldownUntil: s.state === 'open' ? s.retryAt : null };
  }

  /** Resolves when nothing runs and nothing waits (or everything waiting is held by a pause). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Shutdown: nothing new starts, runs in flight are aborted (the engine commits or rolls back
   * the page in hand and marks the run interrupted with its checkpoint), and we wait for them up
   * to `timeoutMs`.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    this.draining = true;
    const clearTimer = this.opts.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
    for (const h of this.held.values()) clearTimer(h.timer);
    for (const r of this.retrying.values()) clearTimer(r.timer);
    this.retrying.clear();
    const held = [...this.held.values()].map((h) => h.entry);
    this.held.clear();
    const dropped = [...this.waiting.splice(0), ...held].map((e) => ({
      libraryId: e.libraryId,
      kind: e.kind,
      trigger: e.trigger,
      scheduleIds: e.scheduleIds,
      enqueuedAt: e.enqueuedAt,
    }));
    const inFlight = [...this.running.values()];
    for (const entry of inFlight) this.abort(entry, 'shutdown');
    await this.withinTime(Promise.all(inFlight.map((e) => e.settled)), timeoutMs);
    return { dropped, unfinished: [...this.running.keys()] };
  }

  /** Waits for `work`, or for `ms` if that comes first; the timer never outlives the wait. */
  withinTime(work: Promise<unknown>, ms: number): Promise<void> {
    const setTimer = this.opts.setTimer ?? setTimeout;
    const clearTimer = this.opts.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout));
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimer(resolve, ms);
    });
    return Promise.race([work.then(() => undefined), timeout]).finally(() => clearTimer(timer));
  }

  private insert(entry: Entry): void {
    if (!entry.jump) {
      this.waiting.push(entry);
      return;
    }
    // Behind earlier "sync now" requests, ahead of everything else.
    const firstOrdinary = this.waiting.findIndex((e) => !e.jump);
    this.waiting.splice(firstOrdinary < 0 ? this.waiting.length : firstOrdinary, 0, entry);
  }

  private dispatch(): void {
    if (this.paused || this.draining) return;
    while (this.running.size < Math.max(1, this.opts.concurrency())) {
      const next = this.nextToStart();
      if (!next) break;
      this.waiting.splice(this.waiting.indexOf(next), 1);
      this.start(next);
    }
  }

  /**
   * The first waiting entry that may start now. Work a person asked for always may; other work
   * needs a closed circuit, or the one trial of a half-open one (the rest waits for its verdict).
   */
  private nextToStart(): Entry | undefined {
    const breakers = this.opts.breakers;
    for (const entry of [...this.waiting]) {
      if (this.running.has(entry.libraryId)) continue;
      if (entry.manual) return entry;
      const state = breakers.status(entry.serverId).state;
      if (state === 'closed') return entry;
      if (state === 'open') {
        // Put back by a pause or queued before the circuit opened: it waits for the next schedule.
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        this.emitSkipped(entry.libraryId, 'server is cooling down after repeated errors');
        continue;
      }
      if (breakers.allows(entry.serverId)) {
        entry.trial = true;
        return entry;
      }
    }
    return undefined;
  }

  private start(entry: Entry): void {
    const controller = new AbortController();
    entry.controller = controller;
    entry.abortReason = null;
    entry.interrupted = false;
    entry.startSeq = ++this.startCounter;
    entry.runId = null;
    this.running.set(entry.libraryId, entry);
    const context: RunContext = {
      signal: controller.signal,
      onStarted: (runId) => {
        if (entry.runId !== null) return;
        entry.runId = runId;
        this.opts.emit({
          type: 'started',
          runId,
          libraryId: entry.libraryId,
          kind: entry.kind,
          trigger: entry.trigger,
          at: this.now(),
        });
      },
      onProgress: (progress) => {
        this.progress.set(entry.libraryId, progress);
        this.opts.emit({ type: 'progress', progress, at: this.now() });
      },
    };
    entry.settled = Promise.resolve()
      .then(() =>
        this.opts.runner({ libraryId: entry.libraryId, kind: entry.kind, trigger: entry.trigger }, context),
      )
      .then(
        (result) => this.finish(entry, result, null),
        (err: unknown) => this.finish(entry, null, err),
      );
  }

  private finish(entry: Entry, result: LibrarySyncResult | null, error: unknown): void {
    this.running.delete(entry.libraryId);
    this.progress.delete(entry.libraryId);
    if (error instanceof LibraryBusyError && !this.draining) {
      this.holdWhileBusy(entry, error.message);
      this.dispatch();
      return;
    }
    const classified = error === null ? null : classifyError(error);
    const aborted =
      entry.abortReason !== null &&
      (classified?.cancelled === true || result?.status === 'interrupted' || result?.status === 'cancelled');
    let status: LibrarySyncResult['status'];
    if (result) status = result.status;
    else status = aborted ? 'interrupted' : 'failed';

    const errorClass = result
      ? status === 'failed'
        ? (this.opts.failureClass?.(result) ?? null)
        : null
      : (classified?.errorClass ?? null);
    if (result) this.opts.emit({ type: 'finished', result, at: this.now() });
    if (status === 'failed') {
      const message = result?.errorMessage ?? classified?.message ?? 'sync failed';
      // A thrown error is judged as it is (a 5xx keeps its status); a run that reported failure
      // is judged by the class of the error it recorded.
      const failure = error ?? new RetroVueError(message, { code: 'RUN_FAILED', errorClass });
      const counted = this.opts.breakers.recordFailure(entry.serverId, failure);
      this.opts.emit({
        type: 'failed',
        libraryId: entry.libraryId,
        runId: result?.runId ?? entry.runId,
        errorClass,
        message,
        retryAt: this.retryLater(entry, errorClass),
        at: this.now(),
      });
      if (errorClass === 'auth') {
        this.opts.emit({
          type: 'needs_login',
          scope: 'server',
          serverId: entry.serverId,
          message,
          at: this.now(),
        });
      }
      if (counted) {
        if (this.opts.breakers.status(entry.serverId).state === 'open') this.coolDown(entry.serverId);
      } else if (entry.trial) {
        this.opts.breakers.releaseTrial(entry.serverId);
      }
    } else if (status === 'succeeded' || status === 'skipped') {
      this.diskFullFailures.delete(entry.libraryId);
      this.opts.breakers.recordSuccess(entry.serverId);
      this.retryStreak.delete(entry.libraryId);
    } else {
      if (entry.trial) this.opts.breakers.releaseTrial(entry.serverId);
      if (!result && aborted) this.emitSkipped(entry.libraryId, `stopped: ${entry.abortReason}`);
    }
    entry.trial = false;

    if (aborted && entry.abortReason === 'pause') {
      // Back to the very front, in the order they had started: on resume the engine continues
      // from each run's checkpoint.
      entry.jump = true;
      entry.trigger = 'resume';
      entry.interrupted = true;
      const after = this.waiting.findIndex((e) => !e.interrupted || e.startSeq > entry.startSeq);
      this.waiting.splice(after < 0 ? this.waiting.length : after, 0, entry);
    }
    const diskFull = status === 'failed' && !this.draining && isDiskFull(result?.errorMessage ?? error);
    this.opts.onRunEnded?.({
      libraryId: entry.libraryId,
      serverId: entry.serverId,
      kind: entry.kind,
      trigger: entry.trigger,
      scheduleIds: entry.scheduleIds,
      status,
      result,
      errorClass,
      message: result?.errorMessage ?? (classified ? classified.message : null),
    });
    if (diskFull) this.retryWhenSpaceReturns(entry);
    this.dispatch();
    this.notifyIdle();
  }

  /** The run failed on a full disk: it is run again after a wait that grows while the disk stays full. */
  private retryWhenSpaceReturns(entry: Entry): void {
    const failures = this.diskFullFailures.get(entry.libraryId) ?? 0;
    this.diskFullFailures.set(entry.libraryId, failures + 1);
    const ms = backoffDelay(failures, this.opts.diskFullBackoff ?? DISK_FULL_BACKOFF);
    this.hold(entry, `the disk is full: trying again in ${Math.round(ms / 1000)} s`, ms);
  }

  /**
   * The server could not be reached (refused, reset, timed out, a 5xx): the run is tried again by
   * itself after a growing wait, never sooner than the server's cooldown ends, so a server that
   * comes back is synced without anyone asking. Returns when, or null when it is not retried.
   */
  private retryLater(entry: Entry, errorClass: ErrorClass | null): number | null {
    if (this.draining || (errorClass !== 'network' && errorClass !== 'timeout')) {
      this.retryStreak.delete(entry.libraryId);
      return null;
    }
    const policy = this.opts.unreachableRetry ?? UNREACHABLE_RETRY;
    const streak = this.retryStreak.get(entry.libraryId) ?? 0;
    if (streak >= policy.attempts) {
      this.retryStreak.delete(entry.libraryId);
      return null;
    }
    this.retryStreak.set(entry.libraryId, streak + 1);
    const breaker = this.opts.breakers.status(entry.serverId);
    const cooldown = breaker.state === 'open' && breaker.retryAt !== null ? breaker.retryAt - this.now() : 0;
    const wait = Math.max(backoffDelay(streak, policy), cooldown);
    const retryAt = this.now() + wait;
    const setTimer = this.opts.setTimer ?? setTimeout;
    const timer = setTimer(() => {
      this.retrying.delete(entry.libraryId);
      if (this.draining) return;
      try {
        this.request({ libraryId: entry.libraryId, kind: entry.kind, trigger: 'retry' });
      } catch {
        // The library is gone: nothing to try again.
      }
    }, wait);
    this.retrying.set(entry.libraryId, { entry, timer, retryAt, errorClass });
    return retryAt;
  }

  /** Forgets the library's pending retry; true if there was one. */
  private dropRetry(libraryId: number): boolean {
    const pending = this.retrying.get(libraryId);
    if (!pending) return false;
    (this.opts.clearTimer ?? ((h: unknown) => clearTimeout(h as NodeJS.Timeout)))(pending.timer);
    this.retrying.delete(libraryId);
    return true;
  }

  /**
   * Another process (a `retrovue sync`, a second app) is syncing the library: the request is not
   * dropped, nor counted against the server; it is asked again after a while, for as long as it takes.
   */
  private holdWhileBusy(entry: Entry, message: string): void {
    if (entry.trial) this.opts.breakers.releaseTrial(entry.serverId);
    entry.trial = false;
    const ms = this.opts.busyRetryMs ?? BUSY_RETRY_MS;
    this.hold(entry, `${message}: trying again in ${Math.round(ms / 1000)} s`, ms);
  }

  /** Puts the request aside for `ms`, then back in the queue (merged with one waiting by then). */
  private hold(entry: Entry, reason: string, ms: number): void {
    entry.controller = null;
    entry.abortReason = null;
    this.emitSkipped(entry.libraryId, reason);
    const setTimer = this.opts.setTimer ?? setTimeout;
    const timer = setTimer(() => {
      this.held.delete(entry.libraryId);
      if (this.draining) return;
      const waiting = this.waiting.find((e) => e.libraryId === entry.libraryId);
      if (waiting) {
        waiting.kind = strongerKind(waiting.kind, entry.kind);
        waiting.scheduleIds.push(...entry.scheduleIds);
        waiting.manual ||= entry.manual;
      } else {
        this.insert(entry);
        this.emitQueued(entry);
      }
      this.dispatch();
    }, ms);
    this.held.set(entry.libraryId, { entry, timer });
  }

  /** The circuit just opened: say until when, and drop the server's waiting non-manual work. */
  private coolDown(serverId: number): void {
    const until = this.opts.breakers.status(serverId).retryAt ?? this.now();
    this.opts.emit({ type: 'server_cooldown', serverId, until, at: this.now() });
    for (const e of [...this.waiting]) {
      if (e.serverId !== serverId || e.manual) continue;
      this.waiting.splice(this.waiting.indexOf(e), 1);
      this.emitSkipped(e.libraryId, 'server is cooling down after repeated errors');
    }
  }

  private abort(entry: Entry, reason: 'pause' | 'cancel' | 'shutdown'): void {
    if (!entry.controller || entry.controller.signal.aborted) return;
    entry.abortReason = reason;
    entry.controller.abort(new CancelledError(ABORT_MESSAGES[reason]));
  }

  private emitQueued(entry: Entry): void {
    this.opts.emit({
      type: 'queued',
      libraryId: entry.libraryId,
      kind: entry.kind,
      trigger: entry.trigger,
      position: this.waiting.indexOf(entry) + 1,
      at: this.now(),
    });
  }

  private emitSkipped(libraryId: number, reason: string): void {
    this.opts.emit({ type: 'skipped', libraryId, reason, at: this.now() });
  }

  private isIdle(): boolean {
    return (
      this.running.size === 0 &&
      ((this.waiting.length === 0 && this.held.size === 0) || this.paused || this.draining)
    );
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
