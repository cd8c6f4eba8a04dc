// Deciding that an item is gone: only a complete listing may. A failing detail request, an item
// with a bad key or two items claiming one key never remove anything (issue 14).
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerClient } from '../../src-main/core/plex/server-client';
import { SyncEngine } from '../../src-main/core/sync/engine';
import { count, expectConverged, setupSync, storedStates, type SyncSetup } from './helpers';

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
const removedCount = (setup: SyncSetup) =>
  count(
    setup.store,
    `select count(*) as n from (select state from movies union all select state from shows
       union all select state from seasons union all select state from episodes) where state = 'file_not_found'`,
  );

describe('a detail 404 never removes an item the listing has', () => {
  it('a deep scan under 404s on every detail removes nothing, fails, and the next run recovers', async () => {
    s = await setupSync({ movies: 20, shows: 3, episodes: 18 }, { retry_attempts: 0 });
    await s.engine.syncServer(s.serverId);
    expect(removedCount(s)).toBe(0);
    const rule = s.fake.control.addFault({ kind: 'error', status: 404, path: '/library/metadata/*' });
    const deep = await s.engine.syncServer(s.serverId, { kind: 'deep' });
    expect(deep.map((r) => r.removed)).toEqual([0, 0]);
    expect(deep.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(deep[0]!.errorMessage).toMatch(/details of \d+ of \d+ items could not be fetched/);
    expect(removedCount(s)).toBe(0);
    expect(count(s.store, `select count(*) as n from movies where state = 'scanning'`)).toBe(0);

    s.fake.control.removeFault(rule);
    const again = await s.engine.syncServer(s.serverId);
    expect(again.map((r) => [r.status, r.skippedUnchanged, r.removed])).toEqual([
      ['succeeded', false, 0],
      ['succeeded', false, 0],
    ]);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('a first sync under 404s on every detail is a failed run, with an error row per item', async () => {
    s = await setupSync({ movies: 12, shows: 2, episodes: 6 }, { retry_attempts: 0 });
    s.fake.control.addFault({ kind: 'error', status: 404, path: '/library/metadata/*' });
    const results = await s.engine.syncServer(s.serverId);
    expect(results.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(count(s.store, `select count(*) as n from movies where state = 'error'`)).toBe(12);
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
  });

  it('a server answering no detail at all stops the run early instead of isolating every item', async () => {
    s = await setupSync({ movies: 400, shows: 1, episodes: 2 }, { retry_attempts: 0, detail_batch_size: 20 });
    s.fake.control.addFault({ kind: 'error', status: 404, path: '/library/metadata/*' });
    const r = await s.engine.syncLibrary(movieLibrary(s));
    expect(r.status).toBe('failed');
    expect(r.errorMessage).toMatch(/could not be fetched; the run stopped, nothing was removed/);
    // Isolating all 400 would take about 780 requests.
    expect(s.fake.requestLog.count('/library/metadata/:id')).toBeLessThan(400);
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
    s.fake.control.clearFaults();
    expect(await s.engine.syncLibrary(movieLibrary(s))).toMatchObject({ status: 'succeeded', errors: 0 });
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('two movies of three without details are item errors, not a failed run (chaos seed 360)', async () => {
    s = await setupSync({ movies: 3, shows: 1, episodes: 2 }, { retry_attempts: 0 });
    // As when they are deleted between the listing and their details (seed 360: two shows of three).
    for (const k of movieKeys(s).slice(0, 2))
      s.fake.control.addFault({
        kind: 'error',
        status: 404,
        path: new RegExp(`^/library/metadata/([^/?]*,)?${k}(,[^/?]*)?$`),
      });
    const results = await s.engine.syncServer(s.serverId);
    expect(results.find((r) => r.libraryTitle === 'Movies')).toMatchObject({
      status: 'succeeded',
      removed: 0,
      errors: 2,
    });
    expect(count(s.store, `select count(*) as n from movies where state = 'error'`)).toBe(2);
    s.fake.control.clearFaults();
    await s.engine.syncServer(s.serverId);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('a detail 404 for one listed item is an error for that item, retried next run', async () => {
    s = await setupSync({ movies: 20, shows: 2, episodes: 6 }, { retry_attempts: 0, detail_batch_size: 5 });
    await s.engine.syncServer(s.serverId);
    const keys = movieKeys(s);
    const victim = keys[7]!;
    const stateBefore = storedStates(s.store, 'movie').get(victim);
    for (const k of [keys[2]!, victim, keys[11]!]) s.fake.control.change(k, { title: `Retitled ${k}` });
    // Every detail request that includes it, alone or in a batch.
    s.fake.control.addFault({
      kind: 'error',
      status: 404,
      path: new RegExp(`^/library/metadata/([^/?]*,)?${victim}(,[^/?]*)?$`),
    });
    const lib = movieLibrary(s);
    const r = await s.engine.syncLibrary(lib);
    expect(r).toMatchObject({ status: 'succeeded', removed: 0, updated: 2, errors: 1 });
    // Still listed: it keeps its stored data and state, with the error noted.
    const row = s.store.sqlite
      .prepare(`select title, state, last_error from movies where plex_rating_key = ?`)
      .get(victim) as { title: string; state: string; last_error: string };
    expect(row.state).toBe(stateBefore);
    expect(row.title).not.toBe(`Retitled ${victim}`);
    expect(row.last_error).toMatch(/^details could not be fetched: .*404/);
    expect(
      count(
        s.store,
        `select count(*) as n from sync_errors where plex_rating_key = ? and resolved_at is null`,
        victim,
      ),
    ).toBe(1);
    s.fake.control.clearFaults();
    // Plex's section stamps did not move, yet the item is fetched again.
    const again = await s.engine.syncLibrary(lib);
    expect(again).toMatchObject({ status: 'succeeded', skippedUnchanged: false, updated: 1, errors: 0 });
    expect(
      s.store.sqlite.prepare(`select title, last_error from movies where plex_rating_key = ?`).get(victim),
    ).toEqual({ title: `Retitled ${victim}`, last_error: null });
    expect(
      count(
        s.store,
        `select count(*) as n from sync_errors where plex_rating_key = ? and resolved_at is null`,
        victim,
      ),
    ).toBe(0);
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
    // And the library is a clean baseline again: the next incremental is the one-request skip.
    expect(await s.engine.syncLibrary(lib)).toMatchObject({ skippedUnchanged: true });
  });
});

describe('bad keys never remove stored rows', () => {
  for (const [label, bad] of [
    ['missing', null],
    ['empty', ''],
    ['a number', 4242],
    ['an object', { id: 1 }],
  ] as const) {
    it(`a listed movie whose ratingKey is ${label} is an error and removes nothing`, async () => {
      s = await setupSync({ movies: 15, shows: 2, episodes: 6 });
      await s.engine.syncServer(s.serverId);
      const keys = movieKeys(s);
      const target = keys[4]!;
      const deleted = keys[9]!;
      // A genuine deletion in the same listing: held too, since the listing is not trustworthy.
      s.fake.control.delete(deleted);
      s.fake.control.setFaults({ corruptItems: { [target]: { ratingKey: bad } } });
      const r = await s.engine.syncLibrary(movieLibrary(s), { kind: 'full' });
      expect(r).toMatchObject({ status: 'succeeded', removed: 0, errors: 1 });
      const states = storedStates(s.store, 'movie');
      expect(states.get(target)).not.toBe('file_not_found');
      expect(states.get(deleted)).not.toBe('file_not_found');
      expect([...states.values()].filter((st) => st === 'file_not_found')).toEqual([]);
      expect(
        count(
          s.store,
          `select count(*) as n from sync_errors where error_class = 'data' and message like '%ratingKey%'`,
        ),
      ).toBe(1);
      // Fixed in Plex: the next listing is complete and applies the deletion.
      s.fake.control.clearFaults();
      const again = await s.engine.syncLibrary(movieLibrary(s));
      expect(again).toMatchObject({ status: 'succeeded', removed: 1 });
      expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
    });
  }

  it('two listed items claiming one ratingKey are errors for that key and remove nothing', async () => {
    s = await setupSync({ movies: 15, shows: 2, episodes: 6 }, { batch_size: 10 });
    await s.engine.syncServer(s.serverId);
    const keys = movieKeys(s);
    const stored = storedStates(s.store, 'movie');
    // One on the same page as the item it copies, one on the next page.
    s.fake.control.setFaults({
      corruptItems: { [keys[3]!]: { ratingKey: keys[1]! }, [keys[12]!]: { ratingKey: keys[2]! } },
    });
    const r = await s.engine.syncLibrary(movieLibrary(s), { kind: 'full' });
    expect(r).toMatchObject({ status: 'succeeded', removed: 0 });
    expect(r.errors).toBeGreaterThanOrEqual(2);
    const states = storedStates(s.store, 'movie');
    expect([...states.values()].filter((st) => st === 'file_not_found')).toEqual([]);
    // Nothing says which entry is the item stored under the key: it keeps its last good state, with
    // the error noted on it, and is fetched again next run.
    expect(states.get(keys[1]!)).toBe(stored.get(keys[1]!));
    expect(states.get(keys[2]!)).toBe(stored.get(keys[2]!));
    expect(
      count(
        s.store,
        `select count(*) as n from movies where last_error like '%listed twice%' and etag is null and plex_rating_key in (?, ?)`,
        keys[1],
        keys[2],
      ),
    ).toBe(2);
    expect(
      count(
        s.store,
        `select count(*) as n from sync_errors where message like '%listed twice%' and plex_rating_key in (?, ?)`,
        keys[1],
        keys[2],
      ),
    ).toBe(2);
    s.fake.control.clearFaults();
    await s.engine.syncLibrary(movieLibrary(s));
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('an entry listed again because the listing shifted (an item added mid-listing) is no error', async () => {
    s = await setupSync({ movies: 30, shows: 1, episodes: 2 }, { batch_size: 10 });
    await s.engine.syncServer(s.serverId);
    const fake = s.fake;
    // Pages one at a time; after the first, Plex gets a movie that sorts first, so the first
    // page's last entry comes again at the top of the second.
    const shifting = (c: ServerClient): ServerClient => ({
      ...c,
      scoped: () => shifting(c.scoped()),
      async *paginate(path, opts) {
        let pages = 0;
        for await (const page of c.paginate(path, { ...opts, concurrency: 1 })) {
          yield page;
          if (++pages === 1 && path.startsWith('/library/sections/1/'))
            fake.control.addMovie({ title: '0000 New' });
        }
      },
    });
    const engine = new SyncEngine({
      store: s.store,
      config: s.config,
      clientFor: () => shifting(s!.client),
    });
    const r = await engine.syncLibrary(movieLibrary(s), { kind: 'full' });
    expect(r).toMatchObject({ status: 'succeeded', errors: 0, removed: 0 });
    expect(count(s.store, `select count(*) as n from sync_errors`)).toBe(0);
    expect(count(s.store, `select count(*) as n from movies where state = 'error'`)).toBe(0);
    await s.engine.syncLibrary(movieLibrary(s));
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });
});
