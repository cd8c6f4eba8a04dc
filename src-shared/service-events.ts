// The one typed stream of sync-service events. The IPC layer, the CLI and the logs all consume it.
import type { ErrorClass, Operation, RunTrigger, SyncKind } from './domain';
import type { LibrarySyncResult, SyncProgress } from './sync-types';

export type ServiceState = 'stopped' | 'starting' | 'running' | 'paused' | 'stopping';

export type ServiceEvent =
  | { type: 'state'; state: ServiceState; at: number }
  | { type: 'queued'; libraryId: number; kind: SyncKind; trigger: RunTrigger; position: number; at: number }
  | { type: 'started'; runId: number; libraryId: number; kind: SyncKind; trigger: RunTrigger; at: number }
  | { type: 'progress'; progress: SyncProgress; at: number }
  | { type: 'finished'; result: LibrarySyncResult; at: number }
  | {
      type: 'failed';
      libraryId: number;
      runId: number | null;
      errorClass: ErrorClass | null;
      message: string;
      /** When the service tries again by itself (the server could not be reached); null: at the next sync. */
      retryAt: number | null;
      at: number;
    }
  | { type: 'skipped'; libraryId: number; reason: string; at: number }
  | { type: 'paused'; at: number }
  | { type: 'resumed'; at: number }
  | {
      type: 'operation';
      operation: Operation;
      status: 'started' | 'finished' | 'failed';
      message?: string;
      at: number;
    }
  | { type: 'needs_login'; scope: 'account' | 'server'; serverId: number | null; message: string; at: number }
  | { type: 'server_cooldown'; serverId: number; until: number; at: number };

export interface QueueEntry {
  libraryId: number;
  libraryTitle: string;
  kind: SyncKind;
  trigger: RunTrigger;
  /** `retrying`: failed to reach its server; runs again by itself at `retryAt`. */
  status: 'queued' | 'running' | 'retrying';
  runId: number | null;
  enqueuedAt: number;
  retryAt?: number;
  /** Why the last try failed, for a retrying entry. */
  errorClass?: ErrorClass;
}

/**
 * The one verdict `retrovue health`, `retrovue stats` and the app share: failing when work cannot
 * go on (sign-in needed, unreachable, cooling down, a last run failed, the database), degraded when
 * it goes on with problems (open errors, a service that died), idle when nothing ran yet.
 */
export type HealthState = 'ok' | 'degraded' | 'failing' | 'idle';

export interface ServerHealth {
  serverId: number;
  name: string;
  state: HealthState;
  /** Why the state is not ok, in words ("needs sign-in", "2 unresolved error(s)"). */
  reasons: string[];
  openErrors: number;
  reachable: boolean | null;
  tokenOk: boolean;
  needsLogin: boolean;
  /** Chosen to sync from. Servers discovery only found are listed but never make health bad. */
  added: boolean;
  consecutiveErrors: number;
  cooldownUntil: number | null;
  chosenUri: string | null;
  latencyMs: number | null;
  /** The notifications socket: live updates on, reconnecting, refused by the server, or not watched. */
  livePush?: 'connected' | 'connecting' | 'refused' | 'off';
}

export interface LibraryHealth {
  libraryId: number;
  title: string;
  lastSuccessAt: number | null;
  lastStatus: string | null;
  nextRunAt: number | null;
}

export interface HealthStatus {
  /** False when the state is failing. */
  ok: boolean;
  state: HealthState;
  reasons: string[];
  service: ServiceState;
  startedAt: number | null;
  heartbeatAt: number | null;
  account: { username: string | null; needsLogin: boolean } | null;
  servers: ServerHealth[];
  libraries: LibraryHealth[];
  queue: QueueEntry[];
  databaseOk: boolean;
  checkedAt: number;
}
