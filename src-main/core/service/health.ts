// The one health function, behind `retrovue health`, `retrovue stats`, the health endpoint and the
// app. With a live service it adds what only the process knows (queue, sockets, error streaks);
// without one (`retrovue health` with no daemon) it reads the database. One stale limit decides
// whether a service row still belongs to a live process.
import { sql } from 'drizzle-orm';
import type {
  HealthState,
  HealthStatus,
  QueueEntry,
  ServerHealth,
  ServiceState,
} from '../../../src-shared/service-events';
import type { Db } from '../store/database';
import { getCurrentAccount } from '../store/repositories/account-repository';
import { unresolvedErrorCounts } from '../store/repositories/error-repository';
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

/** Each library's last run that came to an end of its own (a pause or a cancel says nothing). */
function lastRunStatuses(db: Db): Map<number, string> {
  const rows = db.all<{ libraryId: number; status: string }>(sql`
    select r.library_id as libraryId, r.status from sync_runs r
    where r.id = (select max(id) from sync_runs x where x.library_id = r.library_id
                  and x.status in ('succeeded', 'failed', 'skipped'))
  `);
  return new Map(rows.map((r) => [r.libraryId, r.status]));
}

const SEVERITY: Record<HealthState, number> = { idle: 0, ok: 1, degraded: 2, failing: 3 };

/** Collects reasons and keeps the worst state named. */
class Verdict {
  state: HealthState;
  readonly reasons: string[] = [];
  constructor(initial: HealthState) {
    this.state = initial;
  }
  worsen(to: HealthState, why: string): void {
    this.reasons.push(why);
    if (SEVERITY[to] > SEVERITY[this.state]) this.state = to;
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
      state: 'failing',
      reasons: ['the database cannot be read'],
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
  const selected = (databaseOk ? listLibraries(db) : []).filter((l) => l.selected);
  // Chosen: added by the person, or syncing a library (whatever wrote the row).
  const syncedFrom = new Set(selected.map((l) => l.serverId));
  const openErrors = databaseOk ? unresolvedErrorCounts(db) : new Map<number, { errors: number }>();
  const lastRuns = databaseOk ? lastRunStatuses(db) : new Map<number, string>();

  const servers: ServerHealth[] = (databaseOk ? listServers(db) : []).map((s) => {
    const chosen = parseConnections(s.connectionsJson).find((c) => c.uri === s.chosenUri);
    const socket = push.get(s.id);
    const streak = runtime?.serverState(s.id) ?? { consecutiveErrors: 0, cooldownUntil: null };
    // A connected socket is the freshest proof; otherwise the last connection test.
    const reachable = socket?.connected ? true : s.chosenUri === null ? false : (chosen?.ok ?? null);
    const libraries = selected.filter((l) => l.serverId === s.id);
    const errors = openErrors.get(s.id)?.errors ?? 0;
    const v = new Verdict(libraries.some((l) => lastRuns.has(l.id)) ? 'ok' : 'idle');
    if (s.needsLogin) v.worsen('failing', 'needs sign-in');
    if (reachable === false) v.worsen('failing', 'unreachable');
    if (streak.cooldownUntil !== null)
      v.worsen('failing', `cooling down until ${new Date(streak.cooldownUntil).toISOString()}`);
    for (const l of libraries)
      if (lastRuns.get(l.id) === 'failed') v.worsen('failing', `last run of "${l.title}" failed`);
    if (errors > 0) v.worsen('degraded', `${errors} unresolved error(s)`);
    return {
      serverId: s.id,
      name: s.name,
      state: v.state,
      reasons: v.reasons,
      openErrors: errors,
      reachable,
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
  const libraries = selected.map((l) => ({
    libraryId: l.id,
    title: l.title,
    lastSuccessAt: l.lastGoodSyncAt,
    lastStatus: l.lastSyncStatus,
    nextRunAt: nextRuns.get(l.id) ?? null,
  }));

  const service = runtime?.state ?? serviceStateOf(row, now);
  // Servers the person did not choose never make the whole unhealthy.
  const counted = servers.filter((s) => s.added);
  const overall = new Verdict(counted.some((s) => s.state !== 'idle') ? 'ok' : 'idle');
  if (!databaseOk) overall.worsen('failing', 'the database cannot be written');
  if (account?.needsLogin) overall.worsen('failing', `the plex.tv account ${account.username} needs sign-in`);
  for (const s of counted) for (const why of s.reasons) overall.worsen(s.state, `${s.name}: ${why}`);
  if (!runtime && row && (row.status === 'running' || row.status === 'paused') && service === 'stopped')
    overall.worsen('degraded', `the sync service (pid ${row.pid ?? '?'}) stopped without a word`);
  return {
    ok: overall.state !== 'failing',
    state: overall.state,
    reasons: overall.reasons,
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
