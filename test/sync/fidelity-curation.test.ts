// Collections (regular and smart), labels and video playlists: Plex changes them without moving
// any updatedAt the listing sees (issue 12; PlexKodiConnect #689), so they are read from their own
// endpoints and compared by hashes.
import { afterEach, describe, expect, it } from 'vitest';
import { setupSync, type SyncSetup } from './helpers';
import { libraryIdOf } from './fidelity-helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const keysOf = (setup: SyncSetup, type: 'movie' | 'episode') =>
  setup.fake.control
    .snapshot()
    .items.filter((i) => i.type === type)
    .map((i) => i.ratingKey);

function collectionRows(setup: SyncSetup): Map<string, { title: string; smart: number; members: string[] }> {
  const rows = setup.store.sqlite
    .prepare(
      `select c.plex_rating_key as rk, c.title, c.smart,
              (select json_group_array(plex_rating_key) from (select plex_rating_key from collection_items i
                where i.collection_id = c.id order by position)) as members
         from collections c`,
    )
    .all() as Array<{ rk: string; title: string; smart: number; members: string }>;
  return new Map(
    rows.map((r) => [r.rk, { title: r.title, smart: r.smart, members: JSON.parse(r.members) as string[] }]),
  );
}

function playlistRows(setup: SyncSetup): Map<string, { title: string; smart: number; items: string[] }> {
  const rows = setup.store.sqlite
    .prepare(
      `select p.plex_rating_key as rk, p.title, p.smart,
              (select json_group_array(plex_rating_key) from (select plex_rating_key from playlist_items i
                where i.playlist_id = p.id order by position)) as items
         from playlists p`,
    )
    .all() as Array<{ rk: string; title: string; smart: number; items: string }>;
  return new Map(
    rows.map((r) => [r.rk, { title: r.title, smart: r.smart, items: JSON.parse(r.items) as string[] }]),
  );
}

describe('collections and labels', () => {
  it('regular and smart collections with their members; smart membership changes are caught without any stamp moving', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 });
    const movies = keysOf(s, 'movie');
    const regular = s.fake.control.addCollection({
      sectionId: 1,
      title: 'Favourites',
      memberKeys: movies.slice(0, 3),
    });
    const smart = s.fake.control.addCollection({
      sectionId: 1,
      title: 'Unwatched Sci-Fi',
      smart: true,
      memberKeys: movies.slice(3, 5),
      labels: ['kids'],
    });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib, { kind: 'full' });
    expect(collectionRows(s)).toEqual(
      new Map([
        [regular.ratingKey, { title: 'Favourites', smart: 0, members: movies.slice(0, 3) }],
        [smart.ratingKey, { title: 'Unwatched Sci-Fi', smart: 1, members: movies.slice(3, 5) }],
      ]),
    );
    // A smart collection's result follows the library; its entry, the items and the section stay put.
    s.fake.control.setCollectionMembers(smart.ratingKey, [movies[6]!, movies[3]!]);
    s.fake.control.setCollectionMembers(regular.ratingKey, [movies[2]!, movies[0]!]);
    await s.engine.syncLibrary(lib, { kind: 'full' });
    const after = collectionRows(s);
    expect(after.get(smart.ratingKey)!.members).toEqual([movies[6], movies[3]]);
    expect(after.get(regular.ratingKey)!.members).toEqual([movies[2], movies[0]]);
    // Removed in Plex: removed after a complete listing of the collections.
    s.fake.control.deleteCollection(regular.ratingKey);
    await s.engine.syncLibrary(lib, { kind: 'full' });
    expect([...collectionRows(s).keys()]).toEqual([smart.ratingKey]);
  });

  it('labels (detail Label[], no updatedAt move) are stored, and a deep scan catches a label edit by the detail hash', async () => {
    s = await setupSync({ movies: 6, shows: 1, episodes: 2 });
    const lib = libraryIdOf(s, 'movie');
    const movie = keysOf(s, 'movie')[1]!;
    s.fake.control.setLabels(movie, ['4K', 'Kids']);
    await s.engine.syncLibrary(lib);
    const labels = () =>
      (
        s!.store.sqlite
          .prepare(
            `select t.name from item_tags it join tags t on t.id = it.tag_id join movies m on m.id = it.item_id
              where it.item_kind = 'movie' and t.kind = 'label' and m.plex_rating_key = ? order by it.position`,
          )
          .all(movie) as Array<{ name: string }>
      ).map((r) => r.name);
    expect(labels()).toEqual(['4K', 'Kids']);
    s.fake.control.setLabels(movie, ['Kids', 'Classics']);
    // The list entry is unchanged: a full listing does not see it...
    await s.engine.syncLibrary(lib, { kind: 'full' });
    expect(labels()).toEqual(['4K', 'Kids']);
    // ...the deep scan compares the detail hash and rewrites it.
    const deep = await s.engine.syncLibrary(lib, { kind: 'deep' });
    expect(deep.status).toBe('succeeded');
    expect(labels()).toEqual(['Kids', 'Classics']);
  });
});

describe('playlists', () => {
  it('video playlists, regular and smart, with their items in order; reorders and removals follow', async () => {
    s = await setupSync({ movies: 6, shows: 2, episodes: 8 });
    const movies = keysOf(s, 'movie');
    const episodes = keysOf(s, 'episode');
    const mixed = s.fake.control.addPlaylist({
      title: 'Saturday',
      itemKeys: [episodes[2]!, movies[0]!, episodes[0]!],
    });
    const smart = s.fake.control.addPlaylist({
      title: 'Unwatched',
      smart: true,
      itemKeys: episodes.slice(0, 4),
    });
    await s.engine.syncServer(s.serverId, { kind: 'full' });
    expect(playlistRows(s)).toEqual(
      new Map([
        [mixed.ratingKey, { title: 'Saturday', smart: 0, items: [episodes[2], movies[0], episodes[0]] }],
        [smart.ratingKey, { title: 'Unwatched', smart: 1, items: episodes.slice(0, 4) }],
      ]),
    );
    const kinds = s.store.sqlite
      .prepare(
        `select i.item_kind as k from playlist_items i join playlists p on p.id = i.playlist_id where p.plex_rating_key = ? order by position`,
      )
      .all(mixed.ratingKey) as Array<{ k: string }>;
    expect(kinds.map((k) => k.k)).toEqual(['episode', 'movie', 'episode']);
    s.fake.control.setPlaylistItems(mixed.ratingKey, [movies[0]!, episodes[2]!]);
    s.fake.control.setPlaylistItems(smart.ratingKey, episodes.slice(1, 3));
    await s.engine.syncServer(s.serverId, { kind: 'full' });
    expect(playlistRows(s).get(mixed.ratingKey)!.items).toEqual([movies[0], episodes[2]]);
    expect(playlistRows(s).get(smart.ratingKey)!.items).toEqual(episodes.slice(1, 3));
  });
});

describe('a failing collections or playlists endpoint', () => {
  const openErrors = (setup: SyncSetup) =>
    setup.store.sqlite
      .prepare(`select message from sync_errors where resolved_at is null order by id`)
      .all()
      .map((r) => (r as { message: string }).message);
  const titleOf = (setup: SyncSetup, rk: string) =>
    (
      setup.store.sqlite.prepare(`select title from movies where plex_rating_key = ?`).get(rk) as {
        title: string;
      }
    ).title;

  it('a 5xx from /library/sections/X/collections is an error for collections only: items synced, stored collections kept', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 }, { retry_attempts: 1 });
    const movies = keysOf(s, 'movie');
    s.fake.control.addCollection({ sectionId: 1, title: 'Favourites', memberKeys: movies.slice(0, 3) });
    s.fake.control.addPlaylist({ title: 'Saturday', itemKeys: [movies[4]!] });
    await s.engine.syncServer(s.serverId, { kind: 'full' });
    expect([...collectionRows(s).values()].map((c) => c.title)).toEqual(['Favourites']);
    s.fake.control.change(movies[5]!, { title: 'Retitled meanwhile' });
    s.fake.control.addFault({ kind: 'error', status: 500, path: '/library/sections/1/collections' });
    const r = await s.engine.syncLibrary(libraryIdOf(s, 'movie'), { kind: 'full' });
    expect(r.status).toBe('succeeded');
    expect(titleOf(s, movies[5]!)).toBe('Retitled meanwhile');
    // Nothing removed from a listing that failed; the playlists part still ran.
    expect([...collectionRows(s).values()].map((c) => c.title)).toEqual(['Favourites']);
    expect([...playlistRows(s).values()].map((p) => p.title)).toEqual(['Saturday']);
    const errors = openErrors(s);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('/library/sections/1/collections');
    expect(errors[0]).toContain('collections could not be read');
    // The part that failed is read again by the next run, though Plex's stamps did not move.
    s.fake.control.clearFaults();
    const favourites = [...collectionRows(s).keys()][0]!;
    s.fake.control.setCollectionMembers(favourites, movies.slice(0, 1));
    const next = await s.engine.syncLibrary(libraryIdOf(s, 'movie'));
    expect(next).toMatchObject({ status: 'succeeded', skippedUnchanged: false });
    expect(collectionRows(s).get(favourites)!.members).toEqual(movies.slice(0, 1));
    expect(openErrors(s)).toEqual([]);
  });

  it('garbage from /playlists is an error for playlists only: stored playlists kept, collections synced', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 }, { retry_attempts: 1 });
    const movies = keysOf(s, 'movie');
    s.fake.control.addPlaylist({ title: 'Saturday', itemKeys: [movies[4]!] });
    await s.engine.syncServer(s.serverId, { kind: 'full' });
    s.fake.control.addCollection({ sectionId: 1, title: 'New one', memberKeys: movies.slice(0, 2) });
    s.fake.control.addFault({ kind: 'malformed', path: '/playlists' });
    const r = await s.engine.syncLibrary(libraryIdOf(s, 'movie'), { kind: 'full' });
    expect(r.status).toBe('succeeded');
    expect([...playlistRows(s).values()].map((p) => p.title)).toEqual(['Saturday']);
    expect([...collectionRows(s).values()].map((c) => c.title)).toEqual(['New one']);
    const errors = openErrors(s);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('playlists could not be read from /playlists');
    // Once the endpoint answers again, the next run stores what it lists and the error is resolved.
    s.fake.control.clearFaults();
    expect((await s.engine.syncLibrary(libraryIdOf(s, 'movie'), { kind: 'full' })).status).toBe('succeeded');
    expect(openErrors(s)).toEqual([]);
  });
});
