// A full disk is the one failure that fixes itself (space is freed, a download ends): a run that
// failed on it is tried again with backoff until space returns (issue 14), never left for the next
// schedule, and never counted against the server, which did nothing wrong.
import type { BackoffOptions } from '../../../src-shared/backoff';

/** First retry after a minute, then doubling, at most every 30 minutes. */
export const DISK_FULL_BACKOFF: BackoffOptions = { initialMs: 60_000, maxMs: 30 * 60_000, jitter: 0.2 };

// SQLite's SQLITE_FULL ("database or disk is full"), Node's ENOSPC, and our one-line wording of it.
const DISK_FULL_TEXT = /database or disk is full|no space left on device|\bENOSPC\b|the disk is full/i;
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC']);

/** Whether an error (or its causes), or a run's recorded error message, says the disk is full. */
export function isDiskFull(failure: unknown): boolean {
  let current: unknown = failure;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current === 'string') return DISK_FULL_TEXT.test(current);
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true;
    if (typeof message === 'string' && DISK_FULL_TEXT.test(message)) return true;
    current = cause;
  }
  return false;
}
