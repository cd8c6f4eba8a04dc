// Section stamps are not a complete change signal (issue 12): a real Plex leaves
// /library/sections updatedAt/contentChangedAt alone for some edits (PlexKodiConnect re-lists every
// 60 minutes for that reason). The one-request skip holds only while the library's last complete
// listing is younger than listing_max_age_minutes; `--full` always lists.
import { afterEach, describe, expect, it } from 'vitest';
import { setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const movieLibrary = (setup: SyncSetup) =>
  (setup.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }).id;

/** An edit that moves the item's own updatedAt but not its section's stamps, as Plex does for some. */
function quietRetitle(setup: SyncSetup, title: string): string {
  const movie = setup.fake.control.snapshot().items.find((i) => i.type === 'movie')!;
  const section = setup.fake.control.library.section(movie.sectionId)!;
  const stamps = { updatedAt: section.updatedAt, contentChangedAt: section.contentChangedAt };
  setup.fake.control.change(movie.ratingKey, { title });
  Object.assign(section, stamps);
  return movie.ratingKey;
}

const titleOf = (setup: SyncSetup, rk: string) =>
  (
    setup.store.sqlite.prepare(`select title from movies where plex_rating_key = ?`).get(rk) as {
      title: string;
    }
  ).title;

/** The library's last complete listing, `minutes` ago. */
function listedAgo(setup: SyncSetup, minutes: number): void {
  setup.store.sqlite
    .prepare(`update libraries set last_good_sync_at = ? where type = 'movie'`)
    .run(Date.now() - minutes * 60_000);
}

describe('the unchanged-library skip', () => {
  it('is kept while the last listing is young, and gives way to a listing once it is older', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const lib = movieLibrary(s);
    const rk = quietRetitle(s, 'Quietly Retitled');
    listedAgo(s, 59);
    expect(await s.engine.syncLibrary(lib)).toMatchObject({ skippedUnchanged: true });
    expect(titleOf(s, rk)).not.toBe('Quietly Retitled');
    listedAgo(s, 61);
    const listed = await s.engine.syncLibrary(lib);
    expect(listed).toMatchObject({ status: 'succeeded', skippedUnchanged: false, updated: 1 });
    expect(titleOf(s, rk)).toBe('Quietly Retitled');
    // That listing was complete: the skip is back.
    expect(await s.engine.syncLibrary(lib)).toMatchObject({ skippedUnchanged: true });
  });

  it('reads listing_max_age_minutes (0: always list)', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 }, { listing_max_age_minutes: 0 });
    await s.engine.syncServer(s.serverId);
    const rk = quietRetitle(s, 'Listed Every Time');
    const r = await s.engine.syncLibrary(movieLibrary(s));
    expect(r).toMatchObject({ skippedUnchanged: false, updated: 1 });
    expect(titleOf(s, rk)).toBe('Listed Every Time');
  });

  it('a full sync always lists', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const rk = quietRetitle(s, 'Found By Full');
    const r = await s.engine.syncLibrary(movieLibrary(s), { kind: 'full' });
    expect(r).toMatchObject({ skippedUnchanged: false, updated: 1, kind: 'full' });
    expect(titleOf(s, rk)).toBe('Found By Full');
  });
});
