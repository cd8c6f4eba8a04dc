import type { ErrorClass } from '../../../src-shared/domain';
import { redact } from '../logging/redact';

/** Base of every error the core raises on purpose. Messages are already free of secrets. */
export class RetroVueError extends Error {
  /** Stable machine-readable code, e.g. PLEX_AUTH, CONFIG_INVALID. */
  readonly code: string;
  /** The failure class that decides the recovery action; null for programming/usage errors. */
  readonly errorClass: ErrorClass | null;
  /** True when the message is meant for a user as is (CLI prints it without a stack). */
  readonly userFacing: boolean;

  constructor(
    message: string,
    opts: { code: string; errorClass?: ErrorClass | null; userFacing?: boolean; cause?: unknown },
  ) {
    super(redact(message), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.errorClass = opts.errorClass ?? null;
    this.userFacing = opts.userFacing ?? false;
  }
}

/** Wrong usage or input from a person: a CLI flag, an IPC argument, a form value. */
export class UserError extends RetroVueError {
  constructor(message: string, code = 'USER_INPUT') {
    super(message, { code, userFacing: true });
  }
}

export class ConfigError extends RetroVueError {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(`config ${key}: ${reason}`, { code: 'CONFIG_INVALID', userFacing: true });
    this.key = key;
  }
}

export class StoreError extends RetroVueError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'DATABASE', errorClass: 'database', userFacing: true, cause });
  }
}

export class SchemaTooNewError extends StoreError {
  constructor(dbVersion: number, appVersion: number, dbPath: string) {
    super(
      `database ${dbPath} has schema version ${dbVersion}, newer than this app's ${appVersion}; ` +
        'it was left untouched. Update RetroVue or use another --db.',
    );
  }
}

export class FileSystemError extends RetroVueError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'FILE_SYSTEM', errorClass: 'file_system', userFacing: true, cause });
  }
}

/** The abort reason of a pause (or a graceful stop): the run stays `interrupted`, resumable. */
export const PAUSE = 'pause';

/** An AbortSignal fired: a cancel, a pause or a shutdown. Not a failure of anything. */
export class CancelledError extends RetroVueError {
  constructor(reason = 'cancelled') {
    super(reason, { code: 'CANCELLED' });
  }
}

export interface PlexErrorInit {
  status?: number;
  /** plex.tv's errors[0].code when present. */
  plexCode?: number;
  url?: string;
  bodySnippet?: string;
  retryAfterMs?: number;
  /**
   * The answer was damaged on the way (cut short, not parseable): the same request may well
   * succeed, so it is retried like a network fault, and stays `data` once retries are spent.
   */
  transient?: boolean;
  cause?: unknown;
}

/** Anything that went wrong talking to a Plex Media Server or plex.tv. */
export class PlexError extends RetroVueError {
  readonly status: number | null;
  readonly plexCode: number | null;
  /** Request URL with any token removed. */
  readonly url: string | null;
  readonly bodySnippet: string | null;
  readonly retryAfterMs: number | null;
  readonly transient: boolean;

  constructor(message: string, errorClass: ErrorClass, code: string, init: PlexErrorInit = {}) {
    super(message, { code, errorClass, userFacing: true, cause: init.cause });
    this.status = init.status ?? null;
    this.plexCode = init.plexCode ?? null;
    this.url = init.url ? redact(init.url) : null;
    this.bodySnippet = init.bodySnippet ? redact(init.bodySnippet.slice(0, 300)) : null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.transient = init.transient ?? false;
  }

  /** Worth another try with backoff: network trouble, timeouts, 5xx, 429, a damaged body. */
  get retryable(): boolean {
    return (
      this.transient ||
      this.errorClass === 'network' ||
      this.errorClass === 'timeout' ||
      (this.status !== null && (this.status >= 500 || this.status === 429))
    );
  }
}

export class PlexAuthError extends PlexError {
  constructor(message: string, init: PlexErrorInit = {}) {
    super(message, 'auth', 'PLEX_AUTH', init);
  }
}

export class PlexNotFoundError extends PlexError {
  constructor(message: string, init: PlexErrorInit = {}) {
    super(message, 'not_found', 'PLEX_NOT_FOUND', init);
  }
}

export class PlexNetworkError extends PlexError {
  constructor(message: string, init: PlexErrorInit = {}) {
    super(message, 'network', 'PLEX_NETWORK', init);
  }
}

export class PlexTimeoutError extends PlexError {
  constructor(message: string, init: PlexErrorInit = {}) {
    super(message, 'timeout', 'PLEX_TIMEOUT', init);
  }
}

/** Plex answered, but the payload is not what Plex's API promises (malformed, truncated, wrong types). */
export class PlexDataError extends PlexError {
  constructor(message: string, init: PlexErrorInit = {}) {
    super(message, 'data', 'PLEX_DATA', init);
  }
}

/** One item's payload failed validation; the item is marked `error` and the page goes on. */
export class ItemDataError extends RetroVueError {
  readonly ratingKey: string | null;
  constructor(ratingKey: string | null, message: string) {
    super(`item ${ratingKey ?? '(no ratingKey)'}: ${message}`, {
      code: 'ITEM_DATA',
      errorClass: 'data',
      userFacing: true,
    });
    this.ratingKey = ratingKey;
  }
}

/** The message to show a person: one line, no stack, no secrets. */
export function describeError(err: unknown): string {
  if (err instanceof RetroVueError) return err.message;
  if (err instanceof Error) return redact(err.message);
  return redact(String(err));
}
