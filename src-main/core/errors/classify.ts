// Every failure gets a class, whatever threw it: our typed errors, Node's fetch/undici errors,
// socket errors, JSON and zod parse errors, SQLite errors and file-system errors.
import type { ErrorClass } from '../../../src-shared/domain';
import { redact } from '../logging/redact';
import {
  CancelledError,
  PlexDataError,
  PlexError,
  PlexNetworkError,
  PlexTimeoutError,
  RetroVueError,
  StoreError,
  FileSystemError,
} from './errors';

export interface Classification {
  /** Null for cancellations and programming errors: nothing to recover from. */
  errorClass: ErrorClass | null;
  cancelled: boolean;
  /** Stable code for grouping (PLEX_TIMEOUT, ECONNRESET, SQLITE_BUSY, ...). */
  code: string;
  /** Worth another attempt after a pause. */
  retryable: boolean;
  /** Server-requested wait (Retry-After), when there was one. */
  retryAfterMs: number | null;
  status: number | null;
  message: string;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const FS_CODES = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EROFS',
  'EISDIR',
  'ENOTDIR',
  'EMFILE',
  'ENFILE',
  'EBUSY',
  'EEXIST',
  'ENOTEMPTY',
  'EXDEV',
  'EIO',
]);
/**
 * HTTP statuses that mean "log in again", never a data error: 401/403, and 498, which Plex answers for
 * an expired JWT token (Plex docs, "JWT Authentication": tokens last 7 days).
 */
export function isAuthStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 498;
}

/** CircuitOpenError's code (defined beside the breaker, which imports this module). */
export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';
const SQLITE_RETRYABLE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

function codeOf(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

function result(
  errorClass: ErrorClass | null,
  code: string,
  message: string,
  extra: Partial<Classification> = {},
): Classification {
  return {
    errorClass,
    cancelled: false,
    code,
    retryable: errorClass === 'network' || errorClass === 'timeout',
    retryAfterMs: null,
    status: null,
    message: redact(message),
    ...extra,
  };
}

export function classifyError(err: unknown): Classification {
  if (err instanceof CancelledError) {
    return result(null, err.code, err.message, { cancelled: true, retryable: false });
  }
  if (err instanceof PlexError) {
    return result(err.errorClass, err.code, err.message, {
      retryable: err.retryable,
      retryAfterMs: err.retryAfterMs,
      status: err.status,
    });
  }
  if (err instanceof RetroVueError) {
    const sqlite = codeOf(err.cause);
    return result(err.errorClass, err.code, err.message, {
      retryable:
        // A cooling-down server (circuit open) must not be hammered by retries.
        (err.errorClass === 'network' && err.code !== CIRCUIT_OPEN) ||
        err.errorClass === 'timeout' ||
        (sqlite !== null && SQLITE_RETRYABLE.has(sqlite)),
    });
  }
  if (!(err instanceof Error)) return result(null, 'UNKNOWN', String(err), { retryable: false });

  const name = err.name;
  const code = codeOf(err);
  // AbortSignal.timeout() rejects with a TimeoutError; a caller's abort is a cancellation.
  if (name === 'TimeoutError') return result('timeout', 'TIMEOUT', err.message);
  if (name === 'AbortError') {
    return result(null, 'CANCELLED', err.message, { cancelled: true, retryable: false });
  }
  if (code && TIMEOUT_CODES.has(code)) return result('timeout', code, err.message);
  if (code && NETWORK_CODES.has(code)) return result('network', code, err.message);
  // fetch wraps the socket error: "fetch failed" with the real reason in `cause`.
  if (err.cause !== undefined && err.cause !== err && name === 'TypeError') {
    const inner = classifyError(err.cause);
    if (inner.errorClass || inner.cancelled) return inner;
    return result('network', 'FETCH_FAILED', err.message);
  }
  if (name === 'SqliteError' || (code?.startsWith('SQLITE_') ?? false)) {
    return result('database', code ?? 'SQLITE', err.message, {
      retryable: code !== null && SQLITE_RETRYABLE.has(code),
    });
  }
  if (code && FS_CODES.has(code) && 'syscall' in err) {
    return result('file_system', code, err.message, { retryable: false });
  }
  if (name === 'SyntaxError' || name === 'ZodError') {
    return result('data', name === 'ZodError' ? 'INVALID_PAYLOAD' : 'MALFORMED_JSON', err.message);
  }
  return result(null, code ?? name.toUpperCase(), err.message, { retryable: false });
}

/**
 * The same failure as one of our typed errors, so callers can rely on `errorClass` and a
 * secret-free message. Errors that are already ours pass through unchanged.
 */
export function toRetroVueError(err: unknown): RetroVueError {
  if (err instanceof RetroVueError) return err;
  const c = classifyError(err);
  switch (c.errorClass) {
    case 'network':
      return new PlexNetworkError(c.message, { cause: err });
    case 'timeout':
      return new PlexTimeoutError(c.message, { cause: err });
    case 'data':
      return new PlexDataError(c.message, { cause: err });
    case 'database':
      return new StoreError(c.message, err);
    case 'file_system':
      return new FileSystemError(c.message, err);
    default:
      if (c.cancelled) return new CancelledError(c.message);
      return new RetroVueError(c.message, { code: c.code, errorClass: c.errorClass, cause: err });
  }
}
