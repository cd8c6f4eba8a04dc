// The one health function. With a live service it adds what only the process knows (queue,
// sockets, error streaks); without one (`retrovue health` with no daemon) it reads the database.
import { sql } from 'drizzle-orm';
import type {
  HealthStatus,
  QueueEntry,
  ServerHealth,
  ServiceState,
} from '../../../src-shared/service-events';
import type { Db } from '../store/database';
import { getCurrentAccount } from '../store/repositories/account-repository';
import { listLibraries } from '../store/repositories/library-repository';
import { nextRunByLibrary } from '../store/repositories/schedule-repository';
import { parseConnections, listServers } from '../store/repositories/server-repository';
import { getService, type ServiceRow } from '../store/repositories/service-repository';
import type { LivePushStatus } from './live-push';

/** A heartbeat older than this means the process that wrote it is gone. */
export const HEARTBEAT_STALE_MS = 60_000;

export interface HealthRuntime {
  state: ServiceState;
  startedAt: number | null;
  heartbeatAt: number | null;
  queue: QueueEntry[];
  serverState(serverId: number): { consecutiveErrors: number; cooldownUntil: number | null };
  livePush: LivePushStatus[];
  databaseWritable: boolean;
}

/** The state a service row describes, taking a stale heartbeat as a dead process. */
export function serviceStateOf(row: ServiceRow | undefined, now: number): ServiceState {
  if (!row) return 'stopped';
  if (row.status === 'stopped' || row.status === 'crashed') return 'stopped';
  if (row.heartbeatAt === null || now - row.heartbeatAt > HEARTBEAT_STALE_MS) return 'stopped';
  return row.status;
}

function databaseReadable(db: Db): boolean {
  try {
    db.get(sql`pragma schema_version`);
    return true;
  } catch {
    return false;
  }
}

export function readHealth(
  db: Db,
  serviceName: string,
  runtime: HealthRuntime | null,
  now = Date.now(),
): HealthStatus {
  const databaseOk = databaseReadable(db) && (runtime?.databaseWritable ?? true);
  if (!databaseOk && !runtime) {
    return {
      ok: false,
      service: 'stopped',
      startedAt: null,
      heartbeatAt: null,
      account: null,
      servers: [],
      libraries: [],
      queue: [],
      databaseOk: false,
      checkedAt: now,
    };
  }
  const row = databaseOk ? getService(db, serviceName) : undefined;
  const account = databaseOk ? getCurrentAccount(db) : undefined;
  const push = new Map((runtime?.livePush ?? []).map((p) => [p.serverId, p]));

  const allLibraries = databaseOk ? listLibraries(db) : [];
  // Chosen: added by the person, or syncing a library (whatever wrote the row).
  const syncedFrom = new Set(allLibraries.filter((l) => l.selected).map((l) => l.serverId));
  const servers: ServerHealth[] = (databaseOk ? listServers(db) : []).map((s) => {
    const chosen = parseConnections(s.connectionsJson).find((c) => c.uri === s.chosenUri);
    const socket = push.get(s.id);
    const streak = runtime?.serverState(s.id) ?? { consecutiveErrors: 0, cooldownUntil: null };
    return {
      serverId: s.id,
      name: s.name,
      // A connected socket is the freshest proof; otherwise the last connection test.
      reachable: socket?.connected ? true : s.chosenUri === null ? false : (chosen?.ok ?? null),
      tokenOk: !s.needsLogin,
      needsLogin: s.needsLogin,
      added: s.added || syncedFrom.has(s.id),
      consecutiveErrors: streak.consecutiveErrors,
      cooldownUntil: streak.cooldownUntil,
      chosenUri: s.chosenUri,
      latencyMs: s.chosenLatencyMs,
      livePush: !socket ? 'off' : socket.connected ? 'connected' : socket.refused ? 'refused' : 'connecting',
    };
  });

  const nextRuns = databaseOk ? nextRunByLibrary(db) : new Map<number, number>();
  const libraries = allLibraries
    .filter((l) => l.selected)
    .map((l) => ({
      libraryId: l.id,
      title: l.title,
      lastSuccessAt: l.lastGoodSyncAt,
      lastStatus: l.lastSyncStatus,
      nextRunAt: nextRuns.get(l.id) ?? null,
    }));

  const service = runtime?.state ?? serviceStateOf(row, now);
  return {
    ok:
      databaseOk &&
      !(account?.needsLogin ?? false) &&
      servers.every((s) => !s.added || (s.tokenOk && s.reachable !== false && s.cooldownUntil === null)),
    service,
    startedAt: runtime ? runtime.startedAt : (row?.startedAt ?? null),
    heartbeatAt: runtime ? runtime.heartbeatAt : (row?.heartbeatAt ?? null),
    account: account ? { username: account.username, needsLogin: account.needsLogin } : null,
    servers,
    libraries,
    queue: runtime?.queue ?? [],
    databaseOk,
    checkedAt: now,
  };
}
