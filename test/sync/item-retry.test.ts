// An item a run could not read is fetched again by the next run, until it is read fine, even when
// Plex's section stamps did not move and even when that run resumes a killed one (issue 14; found
// by the chaos simulation, seed 16).
import { afterEach, describe, expect, it } from 'vitest';
import { PAUSE } from '../../src-main/core/errors/errors';
import { count, expectConverged, setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const libraryOf = (setup: SyncSetup, type: 'movie' | 'show') =>
  (setup.store.sqlite.prepare(`select id from libraries where type = ?`).get(type) as { id: number }).id;
const keysOf = (setup: SyncSetup, type: string) =>
  setup.fake.control
    .snapshot()
    .items.filter((i) => i.type === type)
    .map((i) => i.ratingKey);
const stateOf = (setup: SyncSetup, table: string, rk: string) =>
  (
    setup.store.sqlite.prepare(`select state from ${table} where plex_rating_key = ?`).get(rk) as
      { state: string } | undefined
  )?.state;

describe('an item left unread is fetched again', () => {
  it('by the next incremental run, although the library did not change', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 });
    const bad = keysOf(s, 'movie')[4]!;
    // Its payload is broken for one run (the section's stamps stay as they are).
    s.fake.control.setFaults({ corruptItems: { [bad]: { title: null } } });
    const lib = libraryOf(s, 'movie');
    const first = await s.engine.syncLibrary(lib);
    expect(first).toMatchObject({ status: 'succeeded', errors: 1 });
    expect(stateOf(s, 'movies', bad)).toBe('error');
    s.fake.control.clearFaults();
    const second = await s.engine.syncLibrary(lib);
    expect(second.skippedUnchanged).toBe(false);
    expect(stateOf(s, 'movies', bad)).not.toBe('error');
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
    // Read fine: now the library is skipped again while Plex says nothing changed.
    const third = await s.engine.syncLibrary(lib);
    expect(third.skippedUnchanged).toBe(true);
  });

  it('by a run that resumes a killed one, however far the killed run had gone', async () => {
    s = await setupSync({ movies: 4, shows: 4, episodes: 24, latencyMs: 5 }, { batch_size: 5 });
    const lib = libraryOf(s, 'show');
    const show = keysOf(s, 'show')[1]!;
    // A first sync whose detail request for one show fails; it stops (a pause, resumed like a kill)
    // once the listing has gone on to the episodes.
    s.fake.control.addFault({
      kind: 'error',
      status: 404,
      path: new RegExp(`^/library/metadata/([^/?]*,)?${show}(,[^/?]*)?$`),
    });
    // Each listing page takes longer than one progress interval (100 ms), so a snapshot of the
    // episodes phase comes while the phase still runs, however fast the machine.
    s.fake.control.addFault({ kind: 'latency', latencyMs: 250, path: '/library/sections/*/all' });
    const ac = new AbortController();
    const first = await s.engine.syncLibrary(lib, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'episodes') ac.abort(PAUSE);
      },
    });
    expect(first.status).toBe('interrupted');
    expect(stateOf(s, 'shows', show)).toBe('error');
    expect(count(s.store, `select count(*) as n from sync_runs where phase = 'episodes'`)).toBe(1);
    s.fake.control.clearFaults();
    const next = await s.engine.syncLibrary(lib);
    expect(next).toMatchObject({ status: 'succeeded', resumedFromRunId: first.runId });
    expect(stateOf(s, 'shows', show)).toBe('normal');
    expect(expectConverged(s.store, s.fake, ['show', 'season', 'episode'])).toEqual([]);
  });
});
