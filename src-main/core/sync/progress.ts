// Progress snapshots for the UI and the CLI: computed on every step, emitted at most once per
// interval per run (IPC must never carry one message per item). Phase changes and the end of a
// run always go out, so listeners never miss the final state.
import { EventEmitter } from 'node:events';
import type { SyncPhase, SyncProgress } from '../../../src-shared/sync-types';

export const PROGRESS_INTERVAL_MS = 100;

export interface ProgressEvents {
  progress: [SyncProgress];
}

/** One emitter per engine; every run's snapshots go through it. */
export class ProgressHub extends EventEmitter<ProgressEvents> {}

export class RunProgress {
  private phase: SyncPhase = 'sections';
  private done = 0;
  private total = 0;
  private currentTitle: string | null = null;
  private lastEmit = 0;
  private phaseStartedAt = Date.now();
  private phaseStartDone = 0;

  constructor(
    private readonly base: Pick<SyncProgress, 'runId' | 'serverId' | 'libraryId' | 'libraryTitle'>,
    private readonly emit: (p: SyncProgress) => void,
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  setPhase(phase: SyncPhase, total: number, done = 0): void {
    this.phase = phase;
    this.total = total;
    this.done = done;
    this.phaseStartedAt = this.now();
    this.phaseStartDone = done;
    this.flush();
  }

  setTotal(total: number): void {
    this.total = Math.max(total, this.done);
  }

  advance(by: number, currentTitle?: string | null): void {
    this.done += by;
    if (this.done > this.total) this.total = this.done;
    if (currentTitle !== undefined) this.currentTitle = currentTitle;
    if (this.now() - this.lastEmit >= this.intervalMs) this.flush();
  }

  snapshot(): SyncProgress {
    const elapsed = (this.now() - this.phaseStartedAt) / 1000;
    const rate = elapsed > 0 ? (this.done - this.phaseStartDone) / elapsed : 0;
    const remaining = this.total - this.done;
    return {
      ...this.base,
      phase: this.phase,
      done: this.done,
      total: this.total,
      itemsPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.ceil(remaining / rate) : remaining === 0 ? 0 : null,
      currentTitle: this.currentTitle,
    };
  }

  flush(): void {
    this.lastEmit = this.now();
    this.emit(this.snapshot());
  }
}
