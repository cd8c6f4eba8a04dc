// Plex re-keys an item when its file is replaced or it is re-matched: new ratingKey, same guid
// (Tunarr #464; Kometa wiki). The stored row must survive it.
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMovie } from '../fake-plex/index';
import { count, expectConverged, setupSync, type SyncSetup } from './helpers';
import { libraryIdOf } from './fidelity-helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

type Row = { id: number; state: string; created_at: number; plex_rating_key: string };
const rowOf = (setup: SyncSetup, table: string, rk: string) =>
  setup.store.sqlite
    .prepare(`select id, state, created_at, plex_rating_key from ${table} where plex_rating_key = ?`)
    .get(rk) as Row | undefined;
const aliasOf = (setup: SyncSetup, kind: string, rk: string) =>
  setup.store.sqlite
    .prepare(`select item_id as id from item_aliases where item_kind = ? and plex_rating_key = ?`)
    .get(kind, rk) as { id: number } | undefined;

describe('re-keyed items are adopted by guid', () => {
  it('a movie and an episode under new ratingKeys keep their rows, with the old keys as aliases', async () => {
    s = await setupSync({ movies: 10, shows: 2, episodes: 8 });
    await s.engine.syncServer(s.serverId);
    const snap = s.fake.control.snapshot().items;
    const movie = snap.find((i) => i.type === 'movie' && i.guid?.startsWith('plex://'))!;
    const episode = snap.find((i) => i.type === 'episode' && i.guid?.startsWith('plex://'))!;
    const movieRow = rowOf(s, 'movies', movie.ratingKey)!;
    const episodeRow = rowOf(s, 'episodes', episode.ratingKey)!;
    const newMovie = s.fake.control.rekey(movie.ratingKey);
    const newEpisode = s.fake.control.rekey(episode.ratingKey);
    expect(newMovie.ratingKey).not.toBe(movie.ratingKey);
    expect(newMovie.guid).toBe(movie.guid);

    const results = await s.engine.syncServer(s.serverId);
    expect(results.map((r) => [r.status, r.added, r.removed])).toEqual([
      ['succeeded', 0, 0],
      ['succeeded', 0, 0],
    ]);
    const adoptedMovie = rowOf(s, 'movies', newMovie.ratingKey)!;
    expect(adoptedMovie).toMatchObject({ id: movieRow.id, created_at: movieRow.created_at });
    expect(adoptedMovie.state).not.toBe('file_not_found');
    expect(rowOf(s, 'movies', movie.ratingKey)).toBeUndefined();
    expect(aliasOf(s, 'movie', movie.ratingKey)).toEqual({ id: movieRow.id });
    expect(rowOf(s, 'episodes', newEpisode.ratingKey)).toMatchObject({ id: episodeRow.id });
    expect(aliasOf(s, 'episode', episode.ratingKey)).toEqual({ id: episodeRow.id });
    // The new files (new part ids) replaced the old ones on the same row.
    const parts = s.store.sqlite
      .prepare(
        `select p.plex_part_id as id from media_parts p join media_versions v on v.id = p.version_id where v.movie_id = ?`,
      )
      .all(movieRow.id) as Array<{ id: number }>;
    expect(parts.map((p) => p.id).sort()).toEqual(
      (newMovie as FakeMovie).media.flatMap((m) => m.parts.map((p) => p.id)).sort(),
    );
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('a re-matched season keeps its row; its episodes stay attached to it', async () => {
    s = await setupSync({ movies: 2, shows: 3, episodes: 18 });
    await s.engine.syncServer(s.serverId);
    const season = s.fake.control
      .snapshot()
      .items.find((i) => i.type === 'season' && i.guid?.startsWith('plex://') && i.episodeKeys.length > 1)!;
    const row = rowOf(s, 'seasons', season.ratingKey)!;
    const fresh = s.fake.control.rekey(season.ratingKey);
    const results = await s.engine.syncServer(s.serverId);
    const shows = results.find((r) => r.libraryId === libraryIdOf(s!, 'show'))!;
    expect(shows).toMatchObject({ status: 'succeeded', added: 0, removed: 0, errors: 0 });
    expect(rowOf(s, 'seasons', fresh.ratingKey)).toMatchObject({ id: row.id });
    expect(aliasOf(s, 'season', season.ratingKey)).toEqual({ id: row.id });
    expect(count(s.store, `select count(*) as n from episodes where season_id = ?`, row.id)).toBe(
      season.type === 'season' ? season.episodeKeys.length : -1,
    );
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('a movie deleted, synced as gone, then re-added with the same external ids gets its row back', async () => {
    s = await setupSync({ movies: 10, shows: 1, episodes: 2 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const movie = s.fake.control
      .snapshot()
      .items.find((i): i is FakeMovie & { details?: never } => i.type === 'movie' && i.guids.length > 0)!;
    const before = rowOf(s, 'movies', movie.ratingKey)!;
    s.fake.control.delete(movie.ratingKey);
    await s.engine.syncLibrary(lib);
    expect(rowOf(s, 'movies', movie.ratingKey)!.state).toBe('file_not_found');
    // Re-matched by a legacy agent: another guid string, the same imdb/tmdb ids.
    const { details: _d, ratingKey: _rk, media: _m, ...rest } = movie;
    const back = s.fake.control.addMovie({
      ...rest,
      guid: `com.plexapp.agents.imdb://x${movie.ratingKey}?lang=en`,
    });
    expect(back.ratingKey).not.toBe(movie.ratingKey);
    const r = await s.engine.syncLibrary(lib);
    expect(r).toMatchObject({ status: 'succeeded', added: 0, updated: 1 });
    expect(rowOf(s, 'movies', back.ratingKey)).toMatchObject({ id: before.id });
    expect(rowOf(s, 'movies', back.ratingKey)!.state).not.toBe('file_not_found');
    expect(count(s.store, `select count(*) as n from movies`)).toBe(10);
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });
});
