// Progress snapshots for the UI and the CLI, throttled here and nowhere else: computed on every
// step, sent at most once per interval per run. A change inside the interval (a new phase, a retry
// wait) goes out when the interval ends, so it is late by at most that much and never lost; the
// final snapshot (phase `done`) always goes out at once. Every consumer downstream — the worker's
// messages, the service's events, the IPC and websocket bridges, the tray — sees this one stream.
import type { RetryWait, SyncPhase, SyncProgress } from '../../../src-shared/sync-types';

export const PROGRESS_INTERVAL_MS = 100;

export class RunProgress {
  private phase: SyncPhase = 'sections';
  private done = 0;
  private total = 0;
  private currentTitle: string | null = null;
  private retry: RetryWait | null = null;
  private lastEmit = -Infinity;
  private pending: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private phaseStartedAt: number;
  private phaseStartDone = 0;

  constructor(
    private readonly base: Pick<SyncProgress, 'runId' | 'serverId' | 'libraryId' | 'libraryTitle'>,
    private readonly emit: (p: SyncProgress) => void,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.phaseStartedAt = now();
  }

  setPhase(phase: SyncPhase, total: number, done = 0): void {
    this.phase = phase;
    this.total = total;
    this.done = done;
    this.phaseStartedAt = this.now();
    this.phaseStartDone = done;
    if (phase === 'done') this.flush();
    else this.changed();
  }

  setTotal(total: number): void {
    this.total = Math.max(total, this.done);
  }

  advance(by: number, currentTitle?: string | null): void {
    this.done += by;
    if (this.done > this.total) this.total = this.done;
    if (currentTitle !== undefined) this.currentTitle = currentTitle;
    this.changed();
  }

  /** A request of this run waits before its next attempt (errors/retry.ts): the snapshot says so. */
  retrying(wait: RetryWait): void {
    this.retry = wait;
    this.changed();
  }

  snapshot(): SyncProgress {
    const now = this.now();
    const elapsed = (now - this.phaseStartedAt) / 1000;
    const rate = elapsed > 0 ? (this.done - this.phaseStartDone) / elapsed : 0;
    const remaining = this.total - this.done;
    // A wait that is over is no longer news: the attempt it waited for is under way.
    if (this.retry && this.retry.until <= now) this.retry = null;
    return {
      ...this.base,
      phase: this.phase,
      done: this.done,
      total: this.total,
      itemsPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : remaining === 0 ? 0 : null,
      currentTitle: this.currentTitle,
      ...(this.retry ? { retry: this.retry } : {}),
    };
  }

  /** The run ended: nothing is sent after this (a late snapshot would show a finished run as running). */
  close(): void {
    this.closed = true;
    this.cancelPending();
  }

  private changed(): void {
    if (this.closed) return;
    const wait = this.lastEmit + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else if (!this.pending) {
      this.pending = setTimeout(() => {
        this.pending = null;
        this.flush();
      }, wait);
      this.pending.unref?.();
    }
  }

  private flush(): void {
    if (this.closed) return;
    this.cancelPending();
    this.lastEmit = this.now();
    this.emit(this.snapshot());
  }

  private cancelPending(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
  }
}
