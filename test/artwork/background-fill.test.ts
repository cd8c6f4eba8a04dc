// The service owns the artwork queue: a fill after syncs (never during one), stopped by a sync that
// starts, paused with the service, and continued by the next service after a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src-shared/config-schema';
import type { ServiceEvent } from '../../src-shared/service-events';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient } from '../../src-main/core/plex/server-client';
import { createSyncService, type SyncService } from '../../src-main/core/service/sync-service';
import type { Store } from '../../src-main/core/store/database';
import { setLibrariesSelected } from '../../src-main/core/store/repositories/library-repository';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { pollUntil } from '../helpers/wait';
import { MIGRATIONS, tempStore } from '../helpers/temp';
import { count } from '../sync/helpers';

const identity = makeIdentity('retrovue-artwork-tests');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface World {
  fake: FakePlex;
  store: Store;
  moviesId: number;
  newService(): { service: SyncService; events: Array<ServiceEvent & { t: number }> };
}

async function world(movies: number, latencyMs: number, config: Partial<Config> = {}): Promise<World> {
  const fake = await startFakePlex({ seed: 5, movies, shows: 0, episodes: 0, latencyMs });
  cleanups.push(() => fake.stop());
  const { store, dir, cleanup } = tempStore();
  cleanups.push(cleanup);
  const client = createServerClient({ baseUrl: fake.pmsUrl, token: fake.token, identity });
  const { libraries } = await registerServerByUrl(store, client);
  client.close();
  const moviesLib = libraries.find((l) => l.type === 'movie')!;
  setLibrariesSelected(
    store.db,
    libraries.filter((l) => l.id !== moviesLib.id).map((l) => l.id),
    false,
  );
  const cfg: Config = { ...DEFAULT_CONFIG, retry_delay_seconds: 0, live_push: false, ...config };
  return {
    fake,
    store,
    moviesId: moviesLib.id,
    newService() {
      const service = createSyncService({
        store,
        config: () => cfg,
        engine: { dataDir: dir, identity, migrationsFolder: MIGRATIONS, sqliteBinding: null },
        serverAccess: async () => ({ baseUrl: fake.pmsUrl, token: fake.token }),
      });
      const events: Array<ServiceEvent & { t: number }> = [];
      service.on((e) => events.push({ ...e, t: Date.now() }));
      cleanups.push(() => service.stop({ timeoutMs: 5_000 }));
      return { service, events };
    },
  };
}

const posters = (store: Store) =>
  count(store, `select count(*) as n from artwork where item_kind = 'movie' and kind = 'thumb'`);
const cached = (store: Store) =>
  count(
    store,
    `select count(*) as n from artwork where item_kind = 'movie' and kind = 'thumb' and cache_file is not null`,
  );
/** Transcode requests that started in [from, to). */
const transcodesStarted = (fake: FakePlex, from: number, to = Infinity) =>
  fake.requestLog.entries.filter((e) => e.path === '/photo/:/transcode' && e.at >= from && e.at < to).length;

describe('background artwork fill', () => {
  it('runs after the sync, not during it, and fetches every poster', async () => {
    const w = await world(40, 5);
    const { service, events } = w.newService();
    await service.start();
    const all = await pollUntil(
      'every poster',
      () => posters(w.store) > 0 && cached(w.store) === posters(w.store),
      20_000,
    );
    expect(all).toBe(true);
    const started = events.find((e) => e.type === 'started')!.t;
    const finished = events.find((e) => e.type === 'finished')!.t;
    expect(transcodesStarted(w.fake, started - 1000, finished)).toBe(0);
    expect(transcodesStarted(w.fake, finished)).toBe(posters(w.store));
  });

  it('gives the connection to a sync that starts, pauses with the service, and resumes', async () => {
    const w = await world(150, 25, { artwork_concurrency: 2 });
    const { service, events } = w.newService();
    await service.start();
    await pollUntil('a few posters', () => cached(w.store) >= 10, 20_000);
    const before = events.length;
    service.requestSync({ libraryIds: [w.moviesId], kind: 'deep', trigger: 'manual' });
    await service.whenIdle();
    const run = events.slice(before);
    const startedAt = run.find((e) => e.type === 'started')!.t;
    const finishedAt = run.find((e) => e.type === 'finished')!.t;
    // Requests already on the wire when the sync started may finish; none starts after.
    expect(transcodesStarted(w.fake, startedAt + 10, finishedAt)).toBe(0);

    await pollUntil('the fill resumed', () => transcodesStarted(w.fake, finishedAt) > 0 || undefined, 10_000);
    service.pause();
    const pausedAt = Date.now();
    const atPause = cached(w.store);
    expect(atPause).toBeLessThan(posters(w.store));
    await new Promise((r) => setTimeout(r, 300));
    expect(transcodesStarted(w.fake, pausedAt + 10)).toBe(0);
    service.resume();
    await pollUntil('every poster', () => cached(w.store) === posters(w.store), 20_000);
  });

  it('survives a restart: the next service fetches what is left, not what is cached', async () => {
    const w = await world(120, 20, { artwork_concurrency: 2 });
    const first = w.newService();
    await first.service.start();
    await pollUntil('some posters', () => cached(w.store) >= 10, 20_000);
    await first.service.stop();
    const left = posters(w.store) - cached(w.store);
    expect(left).toBeGreaterThan(0);
    const restartAt = Date.now();
    const second = w.newService();
    await second.service.start();
    await pollUntil('every poster', () => cached(w.store) === posters(w.store), 20_000);
    await second.service.whenArtworkIdle();
    expect(transcodesStarted(w.fake, restartAt)).toBe(left);
  });

  it('artwork_cache false: no fill; a shown picture is still fetched', async () => {
    const w = await world(10, 0, { artwork_cache: false });
    const { service } = w.newService();
    await service.start();
    await service.whenIdle();
    await service.whenArtworkIdle();
    expect(cached(w.store)).toBe(0);
    const id = (
      w.store.sqlite
        .prepare(`select item_id as id from artwork where item_kind = 'movie' and kind = 'thumb'`)
        .get() as {
        id: number;
      }
    ).id;
    const image = await service.artwork!.image('movie', id, 'thumb');
    expect(image?.contentType).toBe('image/jpeg');
    expect(cached(w.store)).toBe(1);
  });
});
