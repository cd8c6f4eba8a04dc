// What crosses between the sync service and the sync worker thread: the job (plain data: paths,
// configuration, identity, the server's address and token) and the messages back. Errors cross
// as their code, class and message and are rebuilt as the same typed errors on this side.
import type { Config } from '../../../src-shared/config-schema';
import type { ErrorClass, RunTrigger, SyncKind } from '../../../src-shared/domain';
import type { LibrarySyncResult, SyncProgress } from '../../../src-shared/sync-types';
import {
  CancelledError,
  FileSystemError,
  PlexAuthError,
  PlexDataError,
  PlexError,
  PlexNetworkError,
  PlexNotFoundError,
  PlexTimeoutError,
  RetroVueError,
  StoreError,
  UserError,
} from '../errors/errors';
import type { LoggingOptions } from '../logging/logger';
import type { ClientEndpoint } from '../plex/client-factory';
import type { PlexIdentity } from '../plex/identity';
import { LibraryBusyError } from '../store/library-lock';

export interface SyncJob {
  dbPath: string;
  migrationsFolder: string;
  sqliteBinding: string | null;
  dataDir: string;
  config: Config;
  identity: PlexIdentity;
  endpoint: ClientEndpoint;
  libraryId: number;
  kind: SyncKind;
  trigger: RunTrigger;
  /** The main thread's log set-up, so the run's lines land in the same file. */
  logging: LoggingOptions | null;
}

export interface SerializedError {
  code: string;
  errorClass: ErrorClass | null;
  message: string;
  status: number | null;
  transient: boolean;
}

/** From the worker, about the job it is running. */
export type WorkerMessage =
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'result'; result: LibrarySyncResult }
  | { type: 'error'; error: SerializedError };

/** To the worker: run a job (one at a time per worker), or stop the one running. */
export type ParentMessage = { type: 'run'; job: SyncJob } | { type: 'abort'; reason: string };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof RetroVueError) {
    return {
      code: err.code,
      errorClass: err.errorClass,
      message: err.message,
      status: err instanceof PlexError ? err.status : null,
      transient: err instanceof PlexError ? err.transient : false,
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', errorClass: null, message, status: null, transient: false };
}

export function reviveError(e: SerializedError): RetroVueError {
  const init = { ...(e.status !== null ? { status: e.status } : {}), transient: e.transient };
  switch (e.code) {
    case 'PLEX_AUTH':
      return new PlexAuthError(e.message, init);
    case 'PLEX_NOT_FOUND':
      return new PlexNotFoundError(e.message, init);
    case 'PLEX_NETWORK':
      return new PlexNetworkError(e.message, init);
    case 'PLEX_TIMEOUT':
      return new PlexTimeoutError(e.message, init);
    case 'PLEX_DATA':
      return new PlexDataError(e.message, init);
    case 'CANCELLED':
      return new CancelledError(e.message);
    case 'DATABASE':
      return new StoreError(e.message);
    case 'FILE_SYSTEM':
      return new FileSystemError(e.message);
    case 'LIBRARY_BUSY':
      // The run queue holds such a request until the other process lets the library go.
      return new LibraryBusyError(e.message);
    default:
      if (e.errorClass === null && e.code !== 'INTERNAL') return new UserError(e.message, e.code);
      return new RetroVueError(e.message, { code: e.code, errorClass: e.errorClass });
  }
}
