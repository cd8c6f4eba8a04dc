// Edits Plex does not announce in the section stamps, and a library that vanishes at once.
import { afterEach, describe, expect, it } from 'vitest';
import { count, expectConverged, setupSync, storedStates, type SyncSetup } from './helpers';
import { libraryIdOf } from './fidelity-helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('edits that leave the section stamps alone (PlexKodiConnect #689, #2095)', () => {
  it('a full sync lists whatever the stamps say and picks up a silent retitle', async () => {
    s = await setupSync({ movies: 10, shows: 1, episodes: 2 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const movie = s.fake.control.snapshot().items.find((i) => i.type === 'movie')!;
    const sectionsBefore = s.fake.control.snapshot().sections[0]!;
    s.fake.control.editSilently(movie.ratingKey, { title: 'Silently Retitled' });
    const sectionsAfter = s.fake.control.snapshot().sections[0]!;
    expect([sectionsAfter.updatedAt, sectionsAfter.contentChangedAt]).toEqual([
      sectionsBefore.updatedAt,
      sectionsBefore.contentChangedAt,
    ]);
    const r = await s.engine.syncLibrary(lib, { kind: 'full' });
    expect(r).toMatchObject({ status: 'succeeded', skippedUnchanged: false, updated: 1 });
    expect(
      s.store.sqlite.prepare(`select title from movies where plex_rating_key = ?`).get(movie.ratingKey),
    ).toEqual({ title: 'Silently Retitled' });
  });
});

describe('a whole library vanishing at once', () => {
  it('fails that library with a clear message and marks nothing gone; it syncs again when the library is back', async () => {
    s = await setupSync({ movies: 10, shows: 2, episodes: 6 });
    await s.engine.syncServer(s.serverId);
    const lib = libraryIdOf(s, 'movie');
    s.fake.control.vanishLibrary(1);
    const results = await s.engine.syncServer(s.serverId);
    const movies = results.find((r) => r.libraryId === lib)!;
    expect(movies.status).toBe('failed');
    expect(movies.errorMessage).toMatch(/no longer on the server/);
    expect(results.find((r) => r.libraryId !== lib)!.status).not.toBe('failed');
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
    s.fake.control.restoreLibrary(1);
    const back = await s.engine.syncLibrary(lib);
    expect(back.status).toBe('succeeded');
    expect([...storedStates(s.store, 'movie').values()].every((st) => st !== 'file_not_found')).toBe(true);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });
});
