// What a sync run reports. Shared: the service emits these, the IPC layer forwards them, the
// renderer and the CLI show them.
import type { RunStatus, RunTrigger, SyncKind } from './domain';

export type SyncPhase =
  'sections' | 'movies' | 'shows' | 'seasons' | 'episodes' | 'details' | 'deletions' | 'done';

/** A request of the run waiting before its next attempt: "waiting 8 s after a server error, try 2 of 4". */
export interface RetryWait {
  /** What went wrong, as words after "after": "a server error", "a timeout". */
  reason: string;
  /** How long the wait is, in whole seconds (rounded up). */
  seconds: number;
  /** The attempt that comes after the wait, from 2. */
  attempt: number;
  /** Attempts in all (the first and its retries). */
  maxAttempts: number;
  /** When the wait ends (unix ms). */
  until: number;
}

/** A progress snapshot. Emitted at most every 100 ms per run, never once per item. */
export interface SyncProgress {
  runId: number;
  serverId: number;
  libraryId: number;
  libraryTitle: string;
  phase: SyncPhase;
  done: number;
  total: number;
  itemsPerSecond: number;
  etaSeconds: number | null;
  currentTitle: string | null;
  /** Present while a request of the run waits to be retried. */
  retry?: RetryWait;
}

/** The counts a run keeps in sync_runs. */
export interface RunCounts {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  errors: number;
  apiCalls: number;
}

export interface SyncCounts extends RunCounts {
  rowsWritten: number;
}

export interface LibrarySyncResult extends SyncCounts {
  runId: number;
  serverId: number;
  libraryId: number;
  libraryTitle: string;
  kind: SyncKind;
  trigger: RunTrigger;
  status: RunStatus;
  /** True when Plex's section timestamps had not moved: one request, nothing written. */
  skippedUnchanged: boolean;
  resumedFromRunId: number | null;
  durationMs: number;
  errorMessage: string | null;
  /**
   * The listing would remove more than mass_delete_threshold of the library: nothing was removed.
   * `fresh`: this set is held for the first time (the user is told once, not on every run).
   */
  heldDeletions?: { count: number; stored: number; fresh: boolean } | null;
}
