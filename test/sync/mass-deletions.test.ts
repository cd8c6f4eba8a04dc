// Mass deletions are held (issue 12): when one complete listing would remove more than
// mass_delete_threshold of a library — a NAS share unmounted on the Plex server makes a real Plex
// drop most of a library at once — nothing is removed until the user confirms or the next
// complete listing agrees; a library that vanished at once is never wiped without confirmation.
import { afterEach, describe, expect, it } from 'vitest';
import { count, expectConverged, setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const movieLibrary = (setup: SyncSetup) =>
  (setup.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }).id;
const movieKeys = (setup: SyncSetup) =>
  setup.fake.control
    .snapshot()
    .items.filter((i) => i.type === 'movie')
    .map((i) => i.ratingKey);
const removedMovies = (setup: SyncSetup) =>
  count(setup.store, `select count(*) as n from movies where state = 'file_not_found'`);

describe('mass deletions', () => {
  it('removing more than the threshold is held, then applied when the next listing agrees', async () => {
    s = await setupSync({ movies: 20, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const lib = movieLibrary(s);
    for (const k of movieKeys(s).slice(0, 6)) s.fake.control.delete(k);
    const held = await s.engine.syncLibrary(lib);
    expect(held).toMatchObject({ status: 'succeeded', removed: 0 });
    expect(held.errorMessage).toBe(
      'this listing would remove 6 of 20 items — held; confirm with ' +
        '`retrovue sync --confirm-deletions` or they are applied when the next listing agrees',
    );
    expect(removedMovies(s)).toBe(0);
    expect(
      count(
        s.store,
        `select count(*) as n from sync_errors where code = 'DELETIONS_HELD' and resolved_at is null`,
      ),
    ).toBe(1);
    // Plex's stamps have not moved since, yet the next run lists, and its listing agrees.
    const agreed = await s.engine.syncLibrary(lib);
    expect(agreed).toMatchObject({
      status: 'succeeded',
      skippedUnchanged: false,
      removed: 6,
      errorMessage: null,
    });
    expect(
      count(
        s.store,
        `select count(*) as n from sync_errors where code = 'DELETIONS_HELD' and resolved_at is null`,
      ),
    ).toBe(0);
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('a listing that disagrees with the held one is held again', async () => {
    s = await setupSync({ movies: 20, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const lib = movieLibrary(s);
    const keys = movieKeys(s);
    for (const k of keys.slice(0, 6)) s.fake.control.delete(k);
    expect((await s.engine.syncLibrary(lib)).removed).toBe(0);
    s.fake.control.delete(keys[10]!);
    const again = await s.engine.syncLibrary(lib);
    expect(again.removed).toBe(0);
    expect(again.errorMessage).toMatch(/would remove 7 of 20 items — held/);
    expect((await s.engine.syncLibrary(lib)).removed).toBe(7);
  });

  it('confirmed deletions are applied at once', async () => {
    s = await setupSync({ movies: 20, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    for (const k of movieKeys(s).slice(0, 8)) s.fake.control.delete(k);
    const r = await s.engine.syncLibrary(movieLibrary(s), { confirmDeletions: true });
    expect(r).toMatchObject({ status: 'succeeded', removed: 8, errorMessage: null });
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('a few deletions, under the threshold, are applied at once', async () => {
    s = await setupSync({ movies: 20, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    for (const k of movieKeys(s).slice(0, 4)) s.fake.control.delete(k);
    expect(await s.engine.syncLibrary(movieLibrary(s))).toMatchObject({ removed: 4, errorMessage: null });
  });

  it('a library that vanished at once is never wiped, however often it is listed empty', async () => {
    s = await setupSync({ movies: 15, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const lib = movieLibrary(s);
    s.fake.control.emptyLibrary(1);
    for (let i = 0; i < 3; i++) {
      const r = await s.engine.syncLibrary(lib);
      expect(r).toMatchObject({ status: 'succeeded', removed: 0 });
      expect(r.errorMessage).toMatch(/^Plex listed no items where 15 are stored/);
    }
    expect(removedMovies(s)).toBe(0);
    const confirmed = await s.engine.syncLibrary(lib, { confirmDeletions: true });
    expect(confirmed.removed).toBe(15);
  });

  it('the threshold is the configured one', async () => {
    s = await setupSync({ movies: 20, shows: 1, episodes: 2 }, { mass_delete_threshold: 0.5 });
    await s.engine.syncServer(s.serverId);
    for (const k of movieKeys(s).slice(0, 8)) s.fake.control.delete(k);
    expect((await s.engine.syncLibrary(movieLibrary(s))).removed).toBe(8);
  });
});
