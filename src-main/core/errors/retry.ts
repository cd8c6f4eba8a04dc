// The one retry policy of every Plex Media Server and plex.tv request: exponential backoff with
// jitter (p-retry), a server's Retry-After honoured, for failures that may pass on their own —
// network trouble, timeouts, 5xx, 429, a truncated or unparsable body. Auth and not-found failures
// are final at once: repeating the request cannot change the answer.
import pRetry from 'p-retry';
import type { Config } from '../../../src-shared/config-schema';
import type { RetryWait } from '../../../src-shared/sync-types';
import { classifyError, type Classification } from './classify';
import { CancelledError } from './errors';

export interface RetryPolicy {
  /** Further attempts after the first (config retry_attempts). */
  retries: number;
  /** First backoff (config retry_delay_seconds); doubles each retry, times a 1-2 jitter factor. */
  baseDelayMs: number;
  /** Cap for one backoff, and for how long a Retry-After is honoured. */
  maxDelayMs: number;
}

export interface RetryAttemptInfo {
  error: unknown;
  classification: Classification;
  /** The attempt that just failed, from 1. */
  attempt: number;
  retriesLeft: number;
  /** The wait before the next attempt: the jittered backoff, or the server's Retry-After if longer. */
  waitMs: number;
}

export interface RetryOptions extends Partial<RetryPolicy> {
  signal?: AbortSignal | undefined;
  /** Called after each failed attempt that will be retried (log it, count it). */
  onRetry?: ((info: RetryAttemptInfo) => void) | undefined;
}

const MAX_DELAY_MS = 60_000;

export const NO_RETRY: RetryPolicy = { retries: 0, baseDelayMs: 0, maxDelayMs: 0 };
/** The configuration's defaults (retry_attempts 3, retry_delay_seconds 5). */
const DEFAULT_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 5000, maxDelayMs: MAX_DELAY_MS };

export function retryPolicyFromConfig(
  config: Pick<Config, 'retry_attempts' | 'retry_delay_seconds'>,
): RetryPolicy {
  return {
    retries: config.retry_attempts,
    baseDelayMs: config.retry_delay_seconds * 1000,
    maxDelayMs: Math.max(MAX_DELAY_MS, config.retry_delay_seconds * 1000),
  };
}

const NEVER_RETRY = new Set(['auth', 'not_found']);

export function shouldRetry(classification: Classification): boolean {
  if (classification.cancelled) return false;
  if (classification.errorClass && NEVER_RETRY.has(classification.errorClass)) return false;
  return classification.retryable;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function cancelled(signal: AbortSignal): CancelledError {
  const reason = signal.reason as unknown;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError(
    typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'cancelled',
  );
}

/** The wait before retry number `retry` (0 = the first): base * 2^retry, times a 1-2 jitter factor. */
function backoffMs(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  return Math.min(Math.round((1 + random()) * baseDelayMs * 2 ** retry), maxDelayMs);
}

/**
 * Thrown errors keep their own type; the last failure is what the caller sees. The waits are ours,
 * not p-retry's, so `onRetry` is told the real wait before it starts (the progress line shows it).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retries = options.retries ?? DEFAULT_POLICY.retries;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_POLICY.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_POLICY.maxDelayMs;
  if (retries <= 0) return fn(1);
  try {
    return await pRetry(fn, {
      retries,
      minTimeout: 0,
      maxTimeout: 0,
      signal: options.signal,
      shouldRetry: ({ error }) => shouldRetry(classifyError(error)),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
        const classification = classifyError(error);
        if (retriesLeft <= 0 || !shouldRetry(classification)) return;
        const backoff = backoffMs(retriesConsumed, baseDelayMs, maxDelayMs, Math.random);
        const asked = Math.min(classification.retryAfterMs ?? 0, maxDelayMs);
        const waitMs = Math.max(backoff, asked);
        options.onRetry?.({ error, classification, attempt: attemptNumber, retriesLeft, waitMs });
        await sleep(waitMs, options.signal);
      },
    });
  } catch (err) {
    if (options.signal?.aborted) throw cancelled(options.signal);
    throw err;
  }
}

/** What went wrong, in the words of "waiting 8 s after a server error". */
function retryReason(c: Classification): string {
  if (c.status === 429) return 'the server asked to slow down';
  if (c.status !== null && c.status >= 500) return 'a server error';
  if (c.errorClass === 'timeout') return 'a timeout';
  if (c.errorClass === 'database') return 'a busy database';
  if (c.errorClass === 'data') return 'an incomplete answer';
  return 'a connection error';
}

/** A retry as a run's progress shows it. */
export function retryWait(info: RetryAttemptInfo, now = Date.now()): RetryWait {
  return {
    reason: retryReason(info.classification),
    seconds: Math.ceil(info.waitMs / 1000),
    attempt: info.attempt + 1,
    maxAttempts: info.attempt + info.retriesLeft,
    until: now + info.waitMs,
  };
}
