// The one reconnect/poll back-off: PIN polling after a failure, the live-push sockets and the web
// bridge's socket all wait initialMs * factor^attempt, capped at maxMs, with optional jitter so
// many clients do not come back in step. (HTTP requests retry through p-retry: errors/retry.ts.)

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt; default 2. */
  factor?: number;
  /** Share of the step taken off at random, 0 (none, default) to 1: 0.5 waits 50-100 % of it. */
  jitter?: number;
}

/** The wait before retry number `attempt` (0 = the first retry). */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(o.maxMs, o.initialMs * (o.factor ?? 2) ** Math.max(0, attempt));
  const jitter = Math.min(1, Math.max(0, o.jitter ?? 0));
  return Math.round(step * (1 - jitter + random() * jitter));
}
