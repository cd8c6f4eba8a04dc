// What the health pill and the library cards say: one reading of the service's health, the open
// errors and each library's last run, so the pill is never green while a card shows a problem.
import type { LibraryStatusView, LibraryView } from '../../src-shared/ipc/contract';
import type { HealthStatus, QueueEntry, ServerHealth } from '../../src-shared/service-events';
import type { RetryWait } from '../../src-shared/sync-types';
import { relativeTime, seconds } from './format';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export interface HealthSummary {
  tone: Tone;
  text: string;
  paused: boolean;
}

/** Servers the person chose to sync from. Servers discovery only listed never turn it red. */
export function chosenServers(health: HealthStatus): ServerHealth[] {
  return health.servers.filter((s) => s.added);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function summarizeHealth(
  health: HealthStatus | null,
  libraries: LibraryView[],
  statuses: LibraryStatusView[],
  openErrors: number,
): HealthSummary {
  if (!health) return { tone: 'neutral', text: 'Checking…', paused: false };
  const paused = health.service === 'paused';
  if (health.service === 'stopped' || health.service === 'stopping')
    return { tone: 'bad', text: 'Sync service stopped', paused };
  const servers = chosenServers(health);
  if (health.account?.needsLogin || servers.some((s) => s.needsLogin))
    return { tone: 'bad', text: 'Sign-in needed', paused };
  const down = servers.filter((s) => s.reachable === false);
  if (down.length === 1) return { tone: 'bad', text: `Can't reach ${down[0]!.name}`, paused };
  if (down.length > 1) return { tone: 'bad', text: `Can't reach ${down.length} servers`, paused };
  if (!health.databaseOk) return { tone: 'bad', text: 'Database problem', paused };
  if (paused) return { tone: 'warn', text: 'Paused', paused };
  if (servers.some((s) => s.cooldownUntil !== null))
    return { tone: 'warn', text: 'Retrying after server errors', paused };
  const retrying = health.queue.filter((q) => q.status === 'retrying').length;
  if (retrying)
    return { tone: 'warn', text: `Retrying ${plural(retrying, 'library', 'libraries')} soon`, paused };
  if (openErrors > 0) return { tone: 'warn', text: plural(openErrors, 'open problem'), paused };
  const selected = new Set(libraries.filter((l) => l.selected).map((l) => l.id));
  const failed = statuses.filter((s) => selected.has(s.libraryId) && s.lastRun?.status === 'failed');
  if (failed.length)
    return {
      tone: 'warn',
      text: `Last sync failed (${plural(failed.length, 'library', 'libraries')})`,
      paused,
    };
  const syncing = health.queue.filter((q) => q.status === 'running').length;
  if (syncing) return { tone: 'ok', text: `Syncing ${plural(syncing, 'library', 'libraries')}`, paused };
  const unchecked = statuses.filter((s) => selected.has(s.libraryId) && s.lastCheckedAt === null);
  if (unchecked.length) return { tone: 'neutral', text: 'Waiting for the first sync', paused };
  return { tone: 'ok', text: 'Up to date', paused };
}

export interface CardState {
  tone: Tone;
  text: string;
  /** What the person can do about it. */
  action: 'sign-in' | 'errors' | null;
}

/** "in 30 s", "in 2 min 0 s", or "now" once the time has come. */
function inSeconds(at: number, now: number): string {
  const left = Math.ceil((at - now) / 1000);
  return left > 0 ? `in ${seconds(left)}` : 'now';
}

/** One line on a library card saying how it stands and, when something is wrong, what happens next. */
export function libraryCardState(
  library: LibraryView,
  status: LibraryStatusView | undefined,
  server: ServerHealth | undefined,
  now: number,
  entry: QueueEntry | null = null,
): CardState | null {
  if (!library.selected) return null;
  if (server?.needsLogin)
    return {
      tone: 'bad',
      text: `Sign-in needed — ${server.name} no longer accepts RetroVue's sign-in`,
      action: 'sign-in',
    };
  if (entry?.status === 'retrying' && entry.retryAt !== undefined)
    return {
      tone: 'bad',
      text: `Couldn't reach ${server?.name ?? 'the Plex server'} — retrying ${inSeconds(entry.retryAt, now)}`,
      action: 'errors',
    };
  if (server && server.reachable === false) {
    const next =
      server.cooldownUntil !== null
        ? `retrying ${relativeTime(server.cooldownUntil, now)}`
        : library.nextSyncAt
          ? `next try ${relativeTime(library.nextSyncAt, now)}`
          : 'try Sync now when it is back';
    return { tone: 'bad', text: `Couldn't reach ${server.name} — ${next}`, action: 'errors' };
  }
  const run = status?.lastRun;
  if (run?.status === 'failed')
    return {
      tone: 'bad',
      text: `Last sync failed${status!.openErrors ? ` — ${plural(status!.openErrors, 'open error')}` : ''}`,
      action: 'errors',
    };
  if (status?.openErrors)
    return {
      tone: 'warn',
      text: `Synced with ${plural(status.openErrors, 'open problem')}`,
      action: 'errors',
    };
  const checked = status?.lastCheckedAt ?? null;
  if (checked === null) return { tone: 'neutral', text: 'Not synced yet', action: null };
  const when = relativeTime(checked, Math.max(now, checked));
  const ago = now - checked < 60_000 ? 'just now' : when;
  if (run?.status === 'skipped' || (run && run.changed === 0))
    return { tone: 'ok', text: `Up to date — checked ${ago}`, action: null };
  if (run)
    return {
      tone: 'ok',
      text: `Up to date — ${plural(run.changed, 'item')} changed, checked ${ago}`,
      action: null,
    };
  return { tone: 'ok', text: `Up to date — checked ${ago}`, action: null };
}

/** The live progress line while a request waits: "Waiting 8 s after a server error, try 2 of 4". */
export function retryWaitText(wait: RetryWait | undefined, now: number): string | null {
  if (!wait || wait.until <= now) return null;
  return `Waiting ${seconds(wait.seconds)} after ${wait.reason}, try ${wait.attempt} of ${wait.maxAttempts}`;
}
