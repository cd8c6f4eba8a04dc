import type { Config } from '../../src-shared/config-schema';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import { retryPolicyFromConfig } from '../../src-main/core/errors/retry';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient, type ServerClient } from '../../src-main/core/plex/server-client';
import type { Store } from '../../src-main/core/store/database';
import { SyncEngine } from '../../src-main/core/sync/engine';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { startFakePlex, type FakePlex, type FakePlexOptions } from '../fake-plex/index';
import { tempStore } from '../helpers/temp';

export const identity = makeIdentity('retrovue-sync-tests');

export interface SyncSetup {
  fake: FakePlex;
  store: Store;
  dir: string;
  client: ServerClient;
  engine: SyncEngine;
  serverId: number;
  config: Config;
  cleanup(): Promise<void>;
}

export async function setupSync(
  fakeOptions: FakePlexOptions = {},
  configOverrides: Partial<Config> = {},
): Promise<SyncSetup> {
  const fake = await startFakePlex({ seed: 7, ...fakeOptions });
  const { store, dir, cleanup } = tempStore();
  const config: Config = {
    ...DEFAULT_CONFIG,
    artwork_cache: false,
    retry_delay_seconds: 0,
    ...configOverrides,
  };
  const client = createServerClient({
    baseUrl: fake.pmsUrl,
    token: fake.token,
    identity,
    timeoutMs: 10_000,
    retry: retryPolicyFromConfig(config),
  });
  const { server } = await registerServerByUrl(store, client);
  const engine = new SyncEngine({ store, config, clientFor: () => client });
  return {
    fake,
    store,
    dir,
    client,
    engine,
    serverId: server.id,
    config,
    cleanup: async () => {
      client.close();
      cleanup();
      await fake.stop();
    },
  };
}

type Kind = 'movie' | 'show' | 'season' | 'episode';
const TABLES: Record<Kind, string> = {
  movie: 'movies',
  show: 'shows',
  season: 'seasons',
  episode: 'episodes',
};

/** ratingKey -> state of every stored item of a kind. */
export function storedStates(store: Store, kind: Kind): Map<string, string> {
  const rows = store.sqlite
    .prepare(`select plex_rating_key as rk, state from ${TABLES[kind]}`)
    .all() as Array<{ rk: string; state: string }>;
  return new Map(rows.map((r) => [r.rk, r.state]));
}

export function count(store: Store, sql: string, ...params: unknown[]): number {
  return (store.sqlite.prepare(sql).get(...params) as { n: number }).n;
}

/**
 * Asserts the database holds exactly what the fake serves: every item once, in a live state, with
 * its parents, files, streams and chapters; every other stored item marked file_not_found.
 */
export function expectConverged(
  store: Store,
  fake: FakePlex,
  kinds: Kind[] = ['movie', 'show', 'season', 'episode'],
): string[] {
  const problems: string[] = [];
  const snap = fake.control.snapshot();
  for (const kind of kinds) {
    const expected = snap.items.filter((i) => i.type === kind);
    const stored = storedStates(store, kind);
    const dupes = count(
      store,
      `select count(*) - count(distinct library_id || ':' || plex_rating_key) as n from ${TABLES[kind]}`,
    );
    if (dupes !== 0) problems.push(`${kind}: ${dupes} duplicate rows`);
    for (const item of expected) {
      const state = stored.get(item.ratingKey);
      if (!state) problems.push(`${kind} ${item.ratingKey} missing`);
      else if (state === 'file_not_found' || state === 'scanning' || state === 'error')
        problems.push(`${kind} ${item.ratingKey} is ${state}`);
    }
    const live = new Set(expected.map((i) => i.ratingKey));
    for (const [rk, state] of stored) {
      if (!live.has(rk) && state !== 'file_not_found')
        problems.push(`${kind} ${rk} gone from Plex but ${state}`);
    }
    if (kind === 'movie' || kind === 'episode') {
      const owner = kind === 'movie' ? 'movie_id' : 'episode_id';
      let streams = 0;
      let chapters = 0;
      let parts = 0;
      for (const item of expected) {
        if (item.type !== 'movie' && item.type !== 'episode') continue;
        for (const m of item.media)
          for (const p of m.parts) {
            parts += 1;
            streams += (item.details?.streams.get(p.id) ?? []).length;
          }
        chapters += item.details?.chapters.length ?? 0;
      }
      const liveFilter = `i.state <> 'file_not_found'`;
      const gotParts = count(
        store,
        `select count(*) as n from media_parts p join media_versions v on v.id = p.version_id join ${TABLES[kind]} i on i.id = v.${owner} where ${liveFilter}`,
      );
      const gotStreams = count(
        store,
        `select count(*) as n from streams s join media_parts p on p.id = s.part_id join media_versions v on v.id = p.version_id join ${TABLES[kind]} i on i.id = v.${owner} where ${liveFilter}`,
      );
      const gotChapters = count(
        store,
        `select count(*) as n from chapters c join ${TABLES[kind]} i on i.id = c.${owner} where ${liveFilter}`,
      );
      if (gotParts !== parts) problems.push(`${kind}: ${gotParts} parts, expected ${parts}`);
      if (gotStreams !== streams) problems.push(`${kind}: ${gotStreams} streams, expected ${streams}`);
      if (gotChapters !== chapters) problems.push(`${kind}: ${gotChapters} chapters, expected ${chapters}`);
    }
  }
  return problems;
}
