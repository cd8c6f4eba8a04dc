// Paging drift (issue 12): Plex pages by offset, so an item removed or added while a library is
// being listed shifts the items after it. The product lists again only the stretch that can have
// shifted (not the whole library), stores every item once, and never decides deletions from a
// listing that moved under it — even when Plex's section stamps say nothing changed.
import { afterEach, describe, expect, it } from 'vitest';
import { count, expectConverged, setupSync, storedStates, type SyncSetup } from './helpers';
import { libraryIdOf, movieRatingKeysInListingOrder } from './fidelity-helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

/** Offsets of the movie listing requests the fake answered, in order. */
function recordMovieListings(setup: SyncSetup): number[] {
  const starts: number[] = [];
  setup.fake.library.on('listing', (e) => {
    if (e.sectionId === 1 && e.type === 'movie') starts.push(e.start);
  });
  return starts;
}

const titles = (setup: SyncSetup) =>
  new Map(
    (
      setup.store.sqlite.prepare(`select plex_rating_key as rk, title from movies`).all() as Array<{
        rk: string;
        title: string;
      }>
    ).map((r) => [r.rk, r.title]),
  );

describe('paging drift', () => {
  it('a removal mid-listing re-lists only the shifted stretch: no item skipped, none counted twice', async () => {
    s = await setupSync({ movies: 100, shows: 1, episodes: 2 }, { batch_size: 10 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const order = movieRatingKeysInListingOrder(s.fake);
    for (const rk of order) s.fake.control.change(rk, { title: `Retitled ${rk}` });
    const victim = order[2]!;
    const starts = recordMovieListings(s);
    let removed = false;
    s.fake.library.on('listing', (e) => {
      if (!removed && e.sectionId === 1 && e.start === 50) {
        removed = true;
        s!.fake.control.delete(victim);
      }
    });
    const r = await s.engine.syncLibrary(lib);
    expect(removed).toBe(true);
    expect(r.status).toBe('succeeded');
    // order[50] slid back onto the page at 40, fetched already: the re-listed stretch has it.
    const stored = titles(s);
    for (const rk of order.filter((k) => k !== victim)) expect(stored.get(rk)).toBe(`Retitled ${rk}`);
    // Each listed item counted once: the victim was updated on the first page, before it went.
    expect(r.updated).toBe(100);
    // Ten pages, then one or two short stretches before the pages that saw the total move —
    // where walking again from offset 0 would have cost ten more.
    const relisted = starts.slice(10);
    expect(starts.slice(0, 10)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(relisted.length).toBeGreaterThanOrEqual(1);
    expect(relisted.length).toBeLessThanOrEqual(3);
    expect(relisted.every((at) => at >= 40)).toBe(true);
    // The listing moved under the run: the removal waits for the next, complete one.
    expect(storedStates(s.store, 'movie').get(victim)).not.toBe('file_not_found');
    expect(await s.engine.syncLibrary(lib)).toMatchObject({ status: 'succeeded', removed: 1 });
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('an item added mid-listing is stored in the same run, and the shifted item is not counted twice', async () => {
    s = await setupSync({ movies: 30, shows: 1, episodes: 2 }, { batch_size: 10 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    let added: string | null = null;
    s.fake.library.on('listing', (e) => {
      if (added === null && e.sectionId === 1 && e.start === 10)
        added = s!.fake.control.addMovie({ title: 'Added While Listing' }).ratingKey;
    });
    const r = await s.engine.syncLibrary(lib, { kind: 'full' });
    expect(added).not.toBeNull();
    expect(r).toMatchObject({ status: 'succeeded', added: 1, removed: 0 });
    expect(r.added + r.updated + r.unchanged).toBe(31);
    expect(titles(s).get(added!)).toBe('Added While Listing');
    expect(count(s.store, `select count(*) as n from movies`)).toBe(31);
  });

  it('a listing that drifted decides no deletions, even when the section stamps did not move', async () => {
    s = await setupSync({ movies: 30, shows: 1, episodes: 2 }, { batch_size: 10 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const victim = movieRatingKeysInListingOrder(s.fake)[3]!;
    const section = s.fake.library.section(1)!;
    let removed = false;
    s.fake.library.on('listing', (e) => {
      if (removed || e.sectionId !== 1 || e.start !== 10) return;
      removed = true;
      // A removal Plex's section stamps do not show (they are not a complete change signal).
      const stamps = { updatedAt: section.updatedAt, contentChangedAt: section.contentChangedAt };
      s!.fake.control.delete(victim);
      Object.assign(section, stamps);
    });
    const r = await s.engine.syncLibrary(lib, { kind: 'full' });
    expect(removed).toBe(true);
    expect(r).toMatchObject({ status: 'succeeded', removed: 0 });
    expect(storedStates(s.store, 'movie').get(victim)).not.toBe('file_not_found');
    // Not recorded as a good listing: the next run lists (the stamps alone would skip it) and removes it.
    const next = await s.engine.syncLibrary(lib);
    expect(next).toMatchObject({ status: 'succeeded', skippedUnchanged: false, removed: 1 });
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('a library that keeps moving is re-listed a few rounds at most; the next quiet run converges', async () => {
    s = await setupSync({ movies: 100, shows: 1, episodes: 2 }, { batch_size: 10 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const victims = movieRatingKeysInListingOrder(s.fake).slice(0, 15);
    const starts = recordMovieListings(s);
    s.fake.library.on('listing', (e) => {
      const next = victims.shift();
      if (next && e.sectionId === 1) s!.fake.control.delete(next);
    });
    const r = await s.engine.syncLibrary(lib, { kind: 'full' });
    expect(r).toMatchObject({ status: 'succeeded', removed: 0 });
    // Ten pages and a bounded number of short stretches, never a loop.
    expect(starts.length).toBeLessThan(10 + 4 * 10);
    expect(victims.length).toBeLessThan(15);
    victims.length = 0;
    const quiet = await s.engine.syncLibrary(lib);
    expect(quiet.status).toBe('succeeded');
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });
});
