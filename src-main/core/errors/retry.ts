// The one retry policy of every Plex Media Server and plex.tv request: exponential backoff with
// jitter (p-retry), a server's Retry-After honoured, for failures that may pass on their own —
// network trouble, timeouts, 5xx, 429, a truncated or unparsable body. Auth and not-found failures
// are final at once: repeating the request cannot change the answer.
import pRetry from 'p-retry';
import type { Config } from '../../../src-shared/config-schema';
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
  /** Extra wait asked by the server (Retry-After) on top of the minimum backoff, if any. */
  retryAfterWaitMs: number;
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

/** Thrown errors keep their own type; the last failure is what the caller sees. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retries = options.retries ?? DEFAULT_POLICY.retries;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_POLICY.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_POLICY.maxDelayMs;
  if (retries <= 0) return fn(1);
  try {
    return await pRetry(fn, {
      retries,
      factor: 2,
      minTimeout: baseDelayMs,
      maxTimeout: maxDelayMs,
      randomize: true,
      signal: options.signal,
      shouldRetry: ({ error }) => shouldRetry(classifyError(error)),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retriesConsumed }) => {
        const classification = classifyError(error);
        if (retriesLeft <= 0 || !shouldRetry(classification)) return;
        // p-retry will wait at least base * 2^n; a longer Retry-After gets the difference here.
        const minimumBackoff = Math.min(baseDelayMs * 2 ** retriesConsumed, maxDelayMs);
        const asked = Math.min(classification.retryAfterMs ?? 0, maxDelayMs);
        const retryAfterWaitMs = Math.max(0, asked - minimumBackoff);
        options.onRetry?.({ error, classification, attempt: attemptNumber, retriesLeft, retryAfterWaitMs });
        if (retryAfterWaitMs > 0) await sleep(retryAfterWaitMs, options.signal);
      },
    });
  } catch (err) {
    if (options.signal?.aborted) throw cancelled(options.signal);
    throw err;
  }
}
