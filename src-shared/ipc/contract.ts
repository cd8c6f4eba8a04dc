// The IPC contract: every request channel and every event, defined once. The Electron preload, the
// headless websocket bridge and the renderer all derive from these two interfaces, and main
// validates every argument with `requestSchemas` before a handler runs.
import { z } from 'zod';
import { configSchema, type Config } from '../config-schema';
import {
  ERROR_CLASSES,
  ITEM_KINDS,
  MEDIA_STATES,
  type ConnectionKind,
  type ErrorClass,
  type ItemKind,
  type LibraryType,
  type MediaState,
  type Operation,
  type RunStatus,
  type SyncKind,
} from '../domain';
import type { ItemDetailView, ItemRow, Page } from '../items';
import type { HealthStatus, QueueEntry, ServiceEvent } from '../service-events';
import type { RunCounts, SyncProgress } from '../sync-types';
import type { IpcError } from './transport';

export type { ItemDetailView, ItemRow, Page, StreamView } from '../items';

// ---- Views: what the renderer sees. Never a token. ---------------------------------------------

export interface AppInfo {
  version: string;
  platform: string;
  dataDir: string;
  logDir: string;
  databasePath: string;
  /** 'electron' in the desktop app, 'web' in `retrovue serve`. */
  shell: 'electron' | 'web';
}

export interface AccountView {
  username: string;
  title: string | null;
  email: string | null;
  avatarUrl: string | null;
  needsLogin: boolean;
  validatedAt: number | null;
}

export type PinStatus = 'waiting' | 'expired' | 'linked' | 'cancelled' | 'error';

export interface PinView {
  status: PinStatus;
  code: string | null;
  authUrl: string | null;
  expiresAt: number | null;
  message: string | null;
  account: AccountView | null;
}

export interface ConnectionView {
  uri: string;
  kind: ConnectionKind;
  protocol: 'http' | 'https';
  latencyMs: number | null;
  ok: boolean | null;
  chosen: boolean;
}

export interface ServerView {
  id: number;
  name: string;
  machineIdentifier: string;
  owned: boolean;
  sourceTitle: string | null;
  version: string | null;
  sources: string[];
  connections: ConnectionView[];
  chosenUri: string | null;
  latencyMs: number | null;
  needsLogin: boolean;
  /** Chosen to sync from; false: found by discovery and only listed as available. */
  added: boolean;
  lastSeenAt: number | null;
}

export type StateCounts = Partial<Record<MediaState, number>>;

export interface LibraryView {
  id: number;
  serverId: number;
  plexKey: string;
  title: string;
  type: LibraryType;
  selected: boolean;
  locations: string[];
  counts: Partial<Record<ItemKind, StateCounts>>;
  lastSyncAt: number | null;
  lastSyncStatus: string | null;
  nextSyncAt: number | null;
  progress: SyncProgress | null;
  /**
   * One listing would have removed more than mass_delete_threshold of the library: nothing removed
   * until the user confirms (`deletions:confirm`) or keeps them (`deletions:keep`, `kept`). `at` names
   * the hold; a confirmation for another one is refused.
   */
  heldDeletions: { count: number; stored: number; at: number; kept: boolean } | null;
}

/** A library's last finished run and last successful check (a "skipped" run found nothing new). */
export interface LibraryStatusView {
  libraryId: number;
  lastCheckedAt: number | null;
  openErrors: number;
  lastRun: {
    runId: number;
    status: RunStatus;
    kind: SyncKind;
    trigger: string;
    startedAt: number;
    finishedAt: number;
    /** Items added, updated or removed. */
    changed: number;
    /** Items looked at, changed or not. */
    checked: number;
    errors: number;
  } | null;
}

/** What re-checking every stored file against the current path mappings changed. */
export interface PathRecheckView {
  files: number;
  items: number;
  becameAvailable: number;
  becameUnavailable: number;
}

export interface PathCheckView {
  libraryId: number;
  sample: { title: string; plexPath: string; localPath: string | null; exists: boolean } | null;
  state: MediaState | null;
  message: string;
}

export interface ScheduleView {
  id: number;
  libraryId: number | null;
  libraryTitle: string | null;
  operation: Operation;
  cron: string;
  description: string;
  enabled: boolean;
  lastRunAt: number | null;
  lastStatus: string | null;
  nextRuns: number[];
}

/** Beside a schedule: its jitter, and the library's last run of that kind (sync_runs, as Activity). */
export interface ScheduleExtrasView {
  id: number;
  /** The run fires up to this long after the cron time, to spread libraries out. */
  jitterSeconds: number;
  lastRun: { status: RunStatus; finishedAt: number; trigger: string } | null;
}

export interface ErrorView {
  id: number;
  errorClass: ErrorClass;
  code: string | null;
  message: string;
  serverId: number | null;
  serverName: string | null;
  libraryId: number | null;
  libraryTitle: string | null;
  itemKind: string | null;
  plexRatingKey: string | null;
  context: Record<string, unknown>;
  retryCount: number;
  occurredAt: number;
  resolvedAt: number | null;
}

export interface RunView extends RunCounts {
  id: number;
  libraryId: number | null;
  libraryTitle: string | null;
  kind: string;
  trigger: string;
  status: string;
  startedAt: number;
  finishedAt: number | null;
  durationMs: number | null;
}

export interface StatsView {
  since: number;
  runs: RunView[];
  totals: {
    runs: number;
    /** Successful checks: runs that succeeded plus runs skipped because Plex had nothing new. */
    succeeded: number;
    skipped: number;
    failed: number;
    /** Items looked at (changed or not). */
    itemsProcessed: number;
    /** Items added, updated or removed. */
    itemsChanged: number;
    apiCalls: number;
    errors: number;
  };
  /** One point per run: for duration / items / API-call charts. */
  performance: {
    at: number;
    libraryTitle: string | null;
    durationMs: number;
    itemsProcessed: number;
    /** Changed plus unchanged items: the per-run counterpart of totals.itemsProcessed. */
    itemsChecked: number;
    apiCalls: number;
    rowsWritten: number;
  }[];
  /** Errors per day (ISO date) by class. */
  errorsPerDay: ({ day: string } & Partial<Record<ErrorClass, number>>)[];
  topErrors: { message: string; errorClass: ErrorClass; count: number; lastAt: number }[];
}

// ---- Requests ---------------------------------------------------------------------------------

const id = z.number().int().positive();
const none = z.undefined();

/**
 * A settings change: only the keys given. Built from the config schema with its defaults removed:
 * `configSchema.partial()` would fill every missing key with its default and so overwrite the
 * person's other settings. `version` is the app's own.
 */
const configPatchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(configSchema.shape)
        .filter(([key]) => key !== 'version')
        .map(([key, schema]) => [
          key,
          (schema instanceof z.ZodDefault ? schema.unwrap() : schema).optional(),
        ]),
    ),
  )
  .strict() as unknown as z.ZodType<Partial<Omit<Config, 'version'>>>;

export const requestSchemas = {
  'app:info': none,
  'app:openPath': z.strictObject({ which: z.enum(['logs', 'data']) }),
  'health:get': none,
  'account:get': none,
  'account:logout': none,
  'login:start': none,
  'login:cancel': none,
  'login:status': none,
  'servers:list': none,
  'servers:refresh': none,
  'servers:addManual': z.strictObject({ url: z.string().url().max(2048), token: z.string().min(1).max(512) }),
  'servers:remove': z.strictObject({ serverId: id }),
  'libraries:list': z.strictObject({ serverId: id.optional() }).optional(),
  'libraries:refresh': z.strictObject({ serverId: id }),
  'libraries:select': z.strictObject({ libraryIds: z.array(id).max(1000), selected: z.boolean() }),
  'paths:check': z.strictObject({ libraryId: id }),
  'status:libraries': none,
  'status:recentChanges': none,
  'paths:recheck': none,
  'paths:folderExists': z.strictObject({ path: z.string().min(1).max(4096) }),
  'sync:start': z.strictObject({
    libraryIds: z.array(id).max(1000).optional(),
    kind: z.enum(['incremental', 'deep']).default('incremental'),
  }),
  'sync:cancel': z.strictObject({ libraryId: id }),
  'sync:pause': none,
  'sync:resume': none,
  'sync:queue': none,
  'schedules:list': none,
  'schedules:update': z.strictObject({
    id,
    cron: z.string().min(1).max(200).optional(),
    enabled: z.boolean().optional(),
  }),
  'schedules:describe': z.strictObject({ cron: z.string().min(1).max(200) }),
  'schedules:extras': none,
  'errors:list': z.strictObject({
    errorClass: z.enum(ERROR_CLASSES).optional(),
    serverId: id.optional(),
    libraryId: id.optional(),
    since: z.number().int().nonnegative().optional(),
    includeResolved: z.boolean().default(false),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
  }),
  'errors:resolve': z.strictObject({ ids: z.array(id).min(1).max(1000) }),
  'errors:retry': z.strictObject({ id }),
  'stats:get': z.strictObject({ since: z.number().int().nonnegative() }),
  'items:search': z.strictObject({
    libraryId: id.optional(),
    kind: z.enum(ITEM_KINDS),
    state: z.enum(MEDIA_STATES).optional(),
    query: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    offset: z.number().int().min(0).default(0),
  }),
  'items:get': z.strictObject({ kind: z.enum(ITEM_KINDS), id }),
  'items:history': z.strictObject({ kind: z.enum(ITEM_KINDS), id }),
  'runs:undo': z.strictObject({ runId: id, dryRun: z.boolean().default(false) }),
  'deletions:confirm': z.strictObject({ libraryId: id, heldAt: z.number().int().nonnegative() }),
  'deletions:keep': z.strictObject({ libraryId: id, heldAt: z.number().int().nonnegative() }),
  'config:get': none,
  'config:update': configPatchSchema,
} as const;

export type Channel = keyof typeof requestSchemas;
/** What the renderer passes (defaults may be omitted). */
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;
/** What a handler receives, after validation and defaults. */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof requestSchemas)[C]>;

/** The response type of each channel. */
/** One change to an item's stored metadata: the value before and after, and the run that made it. */
export interface ItemHistoryEntry {
  id: number;
  runId: number | null;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedAt: number;
}

/** What undoing a run set back (or would, on a dry run) and what it kept because it changed since. */
export interface UndoRunView {
  runId: number;
  dryRun: boolean;
  restored: number;
  kept: number;
  titles: string[];
}

export interface ResponseMap {
  'app:info': AppInfo;
  'app:openPath': void;
  'health:get': HealthStatus;
  'account:get': AccountView | null;
  'account:logout': void;
  'login:start': PinView;
  'login:cancel': PinView;
  'login:status': PinView | null;
  'servers:list': ServerView[];
  'servers:refresh': ServerView[];
  'servers:addManual': ServerView;
  'servers:remove': void;
  'libraries:list': LibraryView[];
  'libraries:refresh': LibraryView[];
  'libraries:select': LibraryView[];
  'paths:check': PathCheckView;
  'status:libraries': LibraryStatusView[];
  'status:recentChanges': { title: string; at: number }[];
  'paths:recheck': PathRecheckView;
  'paths:folderExists': { exists: boolean };
  'sync:start': QueueEntry[];
  'sync:cancel': QueueEntry[];
  'sync:pause': HealthStatus;
  'sync:resume': HealthStatus;
  'sync:queue': QueueEntry[];
  'schedules:list': ScheduleView[];
  'schedules:update': ScheduleView;
  'schedules:describe': { valid: boolean; description: string; nextRuns: number[] };
  'schedules:extras': ScheduleExtrasView[];
  'errors:list': Page<ErrorView>;
  'errors:resolve': { resolved: number };
  'errors:retry': QueueEntry[];
  'stats:get': StatsView;
  'items:search': Page<ItemRow>;
  'items:get': ItemDetailView;
  'items:history': ItemHistoryEntry[];
  'runs:undo': UndoRunView;
  'deletions:confirm': { removed: number };
  'deletions:keep': { kept: number };
  'config:get': Config;
  'config:update': Config;
}

/** The handler set main implements (in core, so `retrovue serve` shares it). */
export type ApiHandlers = {
  [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseMap[C]> | ResponseMap[C];
};

// ---- Events -----------------------------------------------------------------------------------

export interface EventMap {
  /** The sync service's events; progress among them, at most one snapshot per 100 ms per run. */
  'service:event': ServiceEvent;
  'login:state': PinView;
  'account:changed': AccountView | null;
  'health:changed': HealthStatus;
  'config:changed': Config;
}
export type EventName = keyof EventMap;
export const EVENT_NAMES: readonly EventName[] = [
  'service:event',
  'login:state',
  'account:changed',
  'health:changed',
  'config:changed',
];

// ---- Transport --------------------------------------------------------------------------------

// The transport pieces live in transport.ts, which has no zod: the sandboxed preload bundles it.
export * from './transport';

/**
 * The one API object the renderer gets: from the preload in Electron, from the websocket bridge in
 * the browser. `invoke` resolves with the value or rejects with an ApiCallError.
 */
export interface RetroVueApi {
  invoke<C extends Channel>(
    channel: C,
    ...request: RequestOf<C> extends undefined ? [] : [RequestOf<C>]
  ): Promise<ResponseMap[C]>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

/** Validates a channel's argument; used by main before any handler runs. */
export function parseRequest<C extends Channel>(
  channel: C,
  raw: unknown,
): { ok: true; value: ParsedRequestOf<C> } | { ok: false; error: IpcError } {
  const schema = requestSchemas[channel] as unknown as z.ZodType<ParsedRequestOf<C>>;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    error: {
      code: 'INVALID_ARGUMENT',
      message: `${channel}: invalid argument: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(argument)'}: ${i.message}`).join('; ')}`,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  };
}

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}
