import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ARTWORK_SIZES } from '../../src-shared/artwork-sizes';
import { MAX_ATTEMPTS } from '../../src-main/core/artwork/artwork-queue';
import { artworkStats } from '../../src-main/core/store/repositories/artwork-repository';
import { getItemDetail, searchItems } from '../../src-main/core/store/repositories/item-query-repository';
import { count, setupSync, type SyncSetup } from '../sync/helpers';
import { artworkQueue, imageRequests } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const posters = (setup: SyncSetup) =>
  count(setup.store, `select count(*) as n from artwork where kind = 'thumb' and item_kind <> 'episode'`);
const cachedPosters = (setup: SyncSetup) =>
  count(
    setup.store,
    `select count(*) as n from artwork where kind = 'thumb' and item_kind <> 'episode' and cache_file is not null`,
  );
const diskBytes = (dir: string) => {
  try {
    return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  } catch {
    return 0;
  }
};

describe('a sync fetches no artwork', () => {
  it('ends when the items are stored: artwork rows queued, no image requested, checkpoint done', async () => {
    s = await setupSync({ movies: 10, shows: 2, episodes: 6 }, { artwork_cache: true });
    s.fake.requestLog.reset();
    const results = await s.engine.syncServer(s.serverId);
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(imageRequests(s)).toEqual({ transcodes: [], originals: 0 });
    expect(posters(s)).toBeGreaterThan(0);
    expect(cachedPosters(s)).toBe(0);
    const phases = s.store.sqlite.prepare(`select phase from sync_runs`).all() as Array<{ phase: string }>;
    expect(phases.every((p) => p.phase === 'done')).toBe(true);
  });
});

describe('artwork fill', () => {
  it('fetches every poster once through the transcoder at the poster size; never originals, backgrounds or episode thumbs', async () => {
    s = await setupSync({ movies: 12, shows: 2, episodes: 8 });
    await s.engine.syncServer(s.serverId);
    const { queue } = artworkQueue(s);
    s.fake.requestLog.reset();
    const result = await queue.fill({ episodeThumbs: false });
    const expected = posters(s);
    expect(expected).toBeGreaterThan(10);
    expect(result).toMatchObject({ fetched: expected, failed: 0, cacheFull: false });
    const req = imageRequests(s);
    expect(req.originals).toBe(0);
    expect(req.transcodes).toHaveLength(expected);
    const { width, height } = ARTWORK_SIZES.poster;
    for (const q of req.transcodes) {
      const p = new URLSearchParams(q);
      expect([p.get('width'), p.get('height'), p.get('minSize'), p.get('upscale')]).toEqual([
        String(width),
        String(height),
        '1',
        '1',
      ]);
      expect(p.get('url')).toMatch(/^\/library\/metadata\/[^/]+\/thumb\/\d+$/);
    }
    expect(cachedPosters(s)).toBe(expected);
    expect(result.bytes / expected).toBeCloseTo((width * height) / 12, -2);
    expect(
      count(s.store, `select count(*) as n from artwork where kind = 'art' and cache_file is not null`),
    ).toBe(0);
    expect(
      count(
        s.store,
        `select count(*) as n from artwork where item_kind = 'episode' and cache_file is not null`,
      ),
    ).toBe(0);
    const files = readdirSync(join(s.dir, 'artwork'));
    expect(files.every((f) => /^[0-9a-f]{64}\.jpg$/.test(f))).toBe(true);

    s.fake.requestLog.reset();
    expect(await queue.fill({ episodeThumbs: false })).toMatchObject({ fetched: 0, failed: 0 });
    expect(imageRequests(s).transcodes).toHaveLength(0);

    // A new poster (Plex's thumb URL carries the item's updatedAt) is fetched again, alone.
    const movie = s.fake.control.snapshot().items.find((i) => i.type === 'movie' && i.hasThumb)!;
    await new Promise((r) => setTimeout(r, 1100));
    s.fake.control.change(movie.ratingKey, { summary: 'new poster' });
    await s.engine.syncServer(s.serverId);
    s.fake.requestLog.reset();
    expect(await queue.fill({ episodeThumbs: false })).toMatchObject({ fetched: 1 });
    expect(imageRequests(s).transcodes[0]).toContain(
      encodeURIComponent(`/library/metadata/${movie.ratingKey}/`),
    );
  });

  it('prefetches episode thumbnails only when asked, at their own size', async () => {
    s = await setupSync({ movies: 0, shows: 2, episodes: 6 });
    await s.engine.syncServer(s.serverId);
    const { queue } = artworkQueue(s);
    await queue.fill({ episodeThumbs: false });
    s.fake.requestLog.reset();
    const episodes = count(
      s.store,
      `select count(*) as n from artwork where item_kind = 'episode' and kind = 'thumb'`,
    );
    expect(episodes).toBeGreaterThan(0);
    expect((await queue.fill({ episodeThumbs: true })).fetched).toBe(episodes);
    const { width, height } = ARTWORK_SIZES.episode_thumb;
    for (const q of imageRequests(s).transcodes) {
      const p = new URLSearchParams(q);
      expect([p.get('width'), p.get('height')]).toEqual([String(width), String(height)]);
    }
  });

  it('keeps only the selected libraries', async () => {
    s = await setupSync({ movies: 5, shows: 2, episodes: 4 });
    await s.engine.syncServer(s.serverId);
    const movieLib = (
      s.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }
    ).id;
    const { queue } = artworkQueue(s);
    const r = await queue.fill({ libraryIds: [movieLib], episodeThumbs: false });
    expect(r.fetched).toBe(
      count(s.store, `select count(*) as n from artwork where item_kind = 'movie' and kind = 'thumb'`),
    );
    expect(
      count(
        s.store,
        `select count(*) as n from artwork where item_kind <> 'movie' and cache_file is not null`,
      ),
    ).toBe(0);
  });
});

describe('cache limit', () => {
  it('a fill stops at the limit; a shown picture evicts the least recently used; disk never exceeds the limit', async () => {
    s = await setupSync({ movies: 30, shows: 0, episodes: 0 });
    await s.engine.syncServer(s.serverId);
    const poster = Math.round((ARTWORK_SIZES.poster.width * ARTWORK_SIZES.poster.height) / 12);
    const limit = poster * 10 + poster / 2;
    const { queue, cache } = artworkQueue(s, { limitBytes: limit });
    const dir = join(s.dir, 'artwork');
    const r = await queue.fill({ episodeThumbs: false });
    expect(r.cacheFull).toBe(true);
    expect(r.fetched).toBe(10);
    expect(diskBytes(dir)).toBeLessThanOrEqual(limit);
    expect(cache.sizeOnDisk()).toBe(diskBytes(dir));

    const rows = s.store.sqlite
      .prepare(
        `select item_id as id, cache_file as f from artwork where item_kind = 'movie' and kind = 'thumb' order by id`,
      )
      .all() as Array<{ id: number; f: string | null }>;
    const cached = rows.filter((x) => x.f);
    const uncached = rows.filter((x) => !x.f);
    // Show every cached poster but the second, so that one is now the least recently used.
    await new Promise((res) => setTimeout(res, 20));
    for (const c of cached.filter((_, i) => i !== 1))
      expect(await queue.image('movie', c.id, 'thumb')).not.toBeNull();
    s.fake.requestLog.reset();
    const shown = await queue.image('movie', uncached[0]!.id, 'thumb');
    expect(shown?.contentType).toBe('image/jpeg');
    expect(shown!.data.length).toBeGreaterThan(1000);
    expect(diskBytes(dir)).toBeLessThanOrEqual(limit);
    const after = new Map(
      (
        s.store.sqlite
          .prepare(
            `select item_id as id, cache_file as f from artwork where item_kind = 'movie' and kind = 'thumb'`,
          )
          .all() as Array<{ id: number; f: string | null }>
      ).map((x) => [x.id, x.f]),
    );
    expect(imageRequests(s).transcodes).toHaveLength(1);
    expect(after.get(uncached[0]!.id)).not.toBeNull();
    expect(after.get(cached[0]!.id)).not.toBeNull();
    expect(after.get(cached[1]!.id)).toBeNull();
    expect(readdirSync(dir).length).toBe(10);
  });

  it('limit 0 keeps nothing on disk: a fill fetches nothing, a shown picture is fetched and handed over', async () => {
    s = await setupSync({ movies: 5, shows: 0, episodes: 0 });
    await s.engine.syncServer(s.serverId);
    const { queue } = artworkQueue(s, { limitBytes: 0 });
    s.fake.requestLog.reset();
    expect(await queue.fill({ episodeThumbs: false })).toMatchObject({ fetched: 0 });
    expect(imageRequests(s).transcodes).toHaveLength(0);
    const id = (
      s.store.sqlite
        .prepare(`select item_id as id from artwork where item_kind = 'movie' and kind = 'art'`)
        .get() as { id: number }
    ).id;
    const art = await queue.image('movie', id, 'art');
    expect(art!.data.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const p = new URLSearchParams(imageRequests(s).transcodes[0]);
    expect([p.get('width'), p.get('height')]).toEqual([
      String(ARTWORK_SIZES.background.width),
      String(ARTWORK_SIZES.background.height),
    ]);
    expect(diskBytes(join(s.dir, 'artwork'))).toBe(0);
    expect(cachedPosters(s)).toBe(0);
  });
});

describe('failures', () => {
  it('are retried after a backoff, then marked missing until the URL changes; never sync errors', async () => {
    s = await setupSync({ movies: 3, shows: 0, episodes: 0 });
    await s.engine.syncServer(s.serverId);
    let now = 1_000_000;
    const { queue } = artworkQueue(s, { now: () => now, backoffBaseMs: 1000 });
    const fault = s.fake.control.addFault({ kind: 'error', status: 404, path: '/photo/:/transcode' });
    const n = posters(s);
    expect(await queue.fill({ episodeThumbs: false })).toMatchObject({ fetched: 0, failed: n });
    // Within the backoff nothing is tried.
    s.fake.requestLog.reset();
    expect(await queue.fill({ episodeThumbs: false })).toMatchObject({ fetched: 0, failed: 0 });
    expect(imageRequests(s).transcodes).toHaveLength(0);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      now += 1000 * 4 ** (attempt - 2);
      expect((await queue.fill({ episodeThumbs: false })).failed).toBe(n);
    }
    expect(count(s.store, `select count(*) as n from artwork where kind = 'thumb' and missing = 1`)).toBe(n);
    expect(artworkStats(s.store.sqlite, { episodeThumbs: false }, now)).toMatchObject({
      prefetchable: n,
      cached: 0,
      queued: 0,
      missing: n,
    });
    s.fake.control.removeFault(fault);
    now += 10 * 3_600_000;
    s.fake.requestLog.reset();
    expect(await queue.fill({ episodeThumbs: false })).toMatchObject({ fetched: 0, failed: 0 });
    expect(imageRequests(s).transcodes).toHaveLength(0);
    expect(count(s.store, `select count(*) as n from sync_errors`)).toBe(0);

    const movie = s.fake.control.snapshot().items.find((i) => i.type === 'movie' && i.hasThumb)!;
    await new Promise((r) => setTimeout(r, 1100));
    s.fake.control.change(movie.ratingKey, { summary: 'new poster' });
    await s.engine.syncServer(s.serverId);
    expect(await queue.fill({ episodeThumbs: false })).toMatchObject({ fetched: 1, failed: 0 });
  });
});

describe('item rows name their pictures', () => {
  it('lists thumb and art where Plex has them, and drops a picture marked missing', async () => {
    s = await setupSync({ movies: 30, shows: 0, episodes: 0 });
    await s.engine.syncServer(s.serverId);
    const page = searchItems(s.store.db, { kind: 'movie', limit: 100, offset: 0 });
    const snapshot = new Map(s.fake.control.snapshot().items.map((i) => [i.title, i]));
    for (const row of page.rows) {
      const plex = snapshot.get(row.title)!;
      expect(row.pictures.includes('thumb')).toBe(plex.hasThumb);
      expect(row.pictures.includes('art')).toBe(plex.hasArt);
    }
    const withThumb = page.rows.find((r) => r.pictures.includes('thumb'))!;
    s.store.sqlite
      .prepare(`update artwork set missing = 1 where item_kind = 'movie' and item_id = ? and kind = 'thumb'`)
      .run(withThumb.id);
    expect(getItemDetail(s.store.db, 'movie', withThumb.id)!.pictures).not.toContain('thumb');
  });
});

describe('a refused token', () => {
  it('stops the fill without counting against any picture and drops the cached client, so a new sign-in is used', async () => {
    s = await setupSync({ movies: 6, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const forgotten: number[] = [];
    const { queue } = artworkQueue(s, { forgetClient: (id) => forgotten.push(id) });
    s.fake.control.revokeToken();
    await expect(queue.fill({ episodeThumbs: false })).rejects.toThrow(/401/);
    expect(forgotten.length).toBeGreaterThan(0);
    expect(new Set(forgotten)).toEqual(new Set([s.serverId]));
    expect(count(s.store, `select count(*) as n from artwork where attempts > 0 or missing = 1`)).toBe(0);
  });
});
