// A real Plex is less kind than our old fake: it refuses pages above 1000 items or without a size,
// its listing order is undocumented and moves while it is paged, and an expired JWT token answers 498.
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src-shared/config-schema';
import { PlexAuthError } from '../../src-main/core/errors/errors';
import { count, expectConverged, setupSync, storedStates, type SyncSetup } from './helpers';
import { libraryIdOf, movieRatingKeysInListingOrder } from './fidelity-helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('paging as a real Plex pages', () => {
  it('pages of at most 1000 with a size and an explicit sort: the 400-refusing fake syncs completely', async () => {
    s = await setupSync({ movies: 1200, shows: 1, episodes: 2 }, { batch_size: 1000 });
    const results = await s.engine.syncServer(s.serverId);
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
    const listings = s.fake.requestLog.entries.filter((e) => e.route === '/library/sections/:id/all');
    expect(listings.length).toBeGreaterThan(0);
    expect(listings.every((e) => e.status === 200)).toBe(true);
    expect(listings.every((e) => new URLSearchParams(e.query).get('sort') === 'addedAt,id')).toBe(true);
    // Two movie pages (1000 + 200), not one of 1200.
    expect(listings.filter((e) => new URLSearchParams(e.query).get('type') === '1')).toHaveLength(2);
  });

  it('batch_size is capped at 1000 in the config', () => {
    expect(configSchema.safeParse({ batch_size: 1000 }).success).toBe(true);
    expect(configSchema.safeParse({ batch_size: 1001 }).success).toBe(false);
  });

  it('a removal between two pages (totalSize drift) is re-listed, so no changed item is skipped', async () => {
    s = await setupSync({ movies: 30, shows: 1, episodes: 2 }, { batch_size: 10 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const order = movieRatingKeysInListingOrder(s.fake);
    for (const rk of order) s.fake.control.change(rk, { title: `Retitled ${rk}` });
    const victim = order[2]!;
    let removed = false;
    s.fake.library.on('listing', (e) => {
      if (!removed && e.sectionId === 1 && e.start === 10) {
        removed = true;
        s!.fake.control.delete(victim);
      }
    });
    s.fake.requestLog.reset();
    const r = await s.engine.syncLibrary(lib);
    expect(removed).toBe(true);
    expect(r.status).toBe('succeeded');
    // order[10] moved onto the first page, already fetched: only listing that stretch again sees it.
    const titles = new Map(
      (
        s.store.sqlite.prepare(`select plex_rating_key as rk, title from movies`).all() as Array<{
          rk: string;
          title: string;
        }>
      ).map((row) => [row.rk, row.title]),
    );
    for (const rk of order.filter((k) => k !== victim)) expect(titles.get(rk)).toBe(`Retitled ${rk}`);
    const movieListings = s.fake.requestLog.entries.filter(
      (e) => e.route === '/library/sections/:id/all' && new URLSearchParams(e.query).get('type') === '1',
    );
    // Three pages, then only the short stretch before the page that saw the total move (one or two
    // requests, as the pages fetched ahead were answered before or after the removal), not a second
    // walk from offset 0.
    expect(movieListings.length).toBeGreaterThanOrEqual(4);
    expect(movieListings.length).toBeLessThanOrEqual(5);
    // The listing changed under the run: the removal waits for a complete listing, the next run.
    expect(storedStates(s.store, 'movie').get(victim)).not.toBe('file_not_found');
    const again = await s.engine.syncLibrary(lib);
    expect(again).toMatchObject({ status: 'succeeded', removed: 1 });
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });
});

describe('auth expiry', () => {
  it('498 (expired JWT) is a login matter like 401: PlexAuthError, not retried, no data error, nothing marked gone', async () => {
    s = await setupSync({ movies: 20, shows: 1, episodes: 2 }, { retry_attempts: 2 });
    await s.engine.syncServer(s.serverId);
    s.fake.control.change(s.fake.control.snapshot().items.find((i) => i.type === 'movie')!.ratingKey, {
      title: 'Changed',
    });
    s.fake.control.setFaults({ expiredTokens: [s.fake.token] });
    s.fake.requestLog.reset();
    const err = await s.engine.syncLibrary(libraryIdOf(s, 'movie')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlexAuthError);
    expect((err as PlexAuthError).status).toBe(498);
    // Not retried: one request, answered 498.
    expect(s.fake.requestLog.entries.map((e) => e.status)).toEqual([498]);
    expect(count(s.store, `select count(*) as n from sync_errors where error_class = 'data'`)).toBe(0);
    expect(
      count(s.store, `select count(*) as n from movies where state <> 'normal' and state <> 'remote_only'`),
    ).toBe(0);
    s.fake.control.clearFaults();
    expect((await s.engine.syncLibrary(libraryIdOf(s, 'movie'))).status).toBe('succeeded');
  });
});
