import { desc, sql } from 'drizzle-orm';
import type { ItemKind, MediaState } from '../../../../src-shared/domain';
import type { RunCounts } from '../../../../src-shared/sync-types';
import type { Db } from '../database';
import { libraries, servers, syncRuns } from '../schema';

export type StateCounts = Partial<Record<MediaState, number>>;

export interface LibraryStatus {
  id: number;
  serverId: number;
  plexKey: string;
  title: string;
  type: 'movie' | 'show';
  selected: boolean;
  lastSyncAt: number | null;
  lastSyncStatus: string | null;
  counts: Partial<Record<ItemKind, StateCounts>>;
}

export interface ServerStatus {
  id: number;
  name: string;
  machineIdentifier: string;
  owned: boolean;
  chosenUri: string | null;
  needsLogin: boolean;
  lastSeenAt: number | null;
}

export interface RunSummary extends RunCounts {
  id: number;
  libraryId: number | null;
  kind: string;
  trigger: string;
  status: string;
  startedAt: number;
  finishedAt: number | null;
}

export interface StoreStatus {
  servers: ServerStatus[];
  libraries: LibraryStatus[];
  lastRuns: RunSummary[];
}

const MEDIA_TABLES: Record<ItemKind, string> = {
  movie: 'movies',
  show: 'shows',
  season: 'seasons',
  episode: 'episodes',
};

export function itemCountsByLibrary(db: Db): Map<number, Partial<Record<ItemKind, StateCounts>>> {
  const result = new Map<number, Partial<Record<ItemKind, StateCounts>>>();
  for (const [kind, table] of Object.entries(MEDIA_TABLES) as [ItemKind, string][]) {
    const rows = db.all<{ library_id: number; state: MediaState; n: number }>(
      sql.raw(`select library_id, state, count(*) as n from ${table} group by library_id, state`),
    );
    for (const row of rows) {
      const perKind = result.get(row.library_id) ?? {};
      const counts = (perKind[kind] ??= {});
      counts[row.state] = row.n;
      result.set(row.library_id, perKind);
    }
  }
  return result;
}

export function readStoreStatus(db: Db, lastRunCount = 10): StoreStatus {
  const counts = itemCountsByLibrary(db);
  const serverRows = db.select().from(servers).orderBy(servers.name).all();
  const libraryRows = db.select().from(libraries).orderBy(libraries.serverId, libraries.title).all();
  const runRows = db.select().from(syncRuns).orderBy(desc(syncRuns.id)).limit(lastRunCount).all();
  return {
    servers: serverRows.map((s) => ({
      id: s.id,
      name: s.name,
      machineIdentifier: s.machineIdentifier,
      owned: s.owned,
      chosenUri: s.chosenUri,
      needsLogin: s.needsLogin,
      lastSeenAt: s.lastSeenAt,
    })),
    libraries: libraryRows.map((l) => ({
      id: l.id,
      serverId: l.serverId,
      plexKey: l.plexKey,
      title: l.title,
      type: l.type,
      selected: l.selected,
      lastSyncAt: l.lastSyncAt,
      lastSyncStatus: l.lastSyncStatus,
      counts: counts.get(l.id) ?? {},
    })),
    lastRuns: runRows.map((r) => ({
      id: r.id,
      libraryId: r.libraryId,
      kind: r.kind,
      trigger: r.trigger,
      status: r.status,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      added: r.added,
      updated: r.updated,
      removed: r.removed,
      unchanged: r.unchanged,
      errors: r.errors,
      apiCalls: r.apiCalls,
    })),
  };
}
