// Media details a real Plex sends and our first fake did not: hidden seasons, optimized versions,
// markers, trash (files gone, item still listed) and an unmounted share.
import { afterEach, describe, expect, it } from 'vitest';
import { archiveItem, restoreArchived } from '../../src-main/core/maintenance/archive';
import type { FakeEpisode, FakeMovie } from '../fake-plex/index';
import { count, expectConverged, setupSync, storedStates, type SyncSetup } from './helpers';
import { libraryIdOf } from './fidelity-helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const snapshotItems = (setup: SyncSetup) => setup.fake.control.snapshot().items;

describe('hidden seasons', () => {
  it('episodes without parentRatingKey are attached to their season by parentIndex (python-plexapi Episode._season)', async () => {
    s = await setupSync({ movies: 2, shows: 6, episodes: 40, hiddenSeasons: true });
    const results = await s.engine.syncServer(s.serverId);
    expect(results.every((r) => r.status === 'succeeded' && r.errors === 0)).toBe(true);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
    const snap = snapshotItems(s);
    const hiddenShow = snap.find((i) => i.type === 'show' && i.skipChildren)!;
    const hiddenEpisodes = snap.filter(
      (i): i is FakeEpisode => i.type === 'episode' && i.showKey === hiddenShow.ratingKey,
    );
    expect(hiddenEpisodes.length).toBeGreaterThan(0);
    for (const ep of hiddenEpisodes) {
      const row = s.store.sqlite
        .prepare(
          `select se.plex_rating_key as season from episodes e left join seasons se on se.id = e.season_id where e.plex_rating_key = ?`,
        )
        .get(ep.ratingKey) as { season: string | null };
      expect(row.season).toBe(ep.seasonKey);
    }
    expect(count(s.store, `select count(*) as n from episodes where season_id is null`)).toBe(0);
  });
});

describe('optimized versions', () => {
  it('a Media with proxyType=42 is stored as an optimized version and not counted in file_size', async () => {
    s = await setupSync({ movies: 8, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const movie = snapshotItems(s).find((i): i is FakeMovie & { details?: never } => i.type === 'movie')!;
    const ownSize = movie.media.flatMap((m) => m.parts).reduce((n, p) => n + p.size, 0);
    const ownVersions = movie.media.length;
    s.fake.control.optimize(movie.ratingKey);
    const r = await s.engine.syncLibrary(libraryIdOf(s, 'movie'));
    expect(r).toMatchObject({ status: 'succeeded', updated: 1 });
    const row = s.store.sqlite
      .prepare(`select id, file_size from movies where plex_rating_key = ?`)
      .get(movie.ratingKey) as { id: number; file_size: number };
    expect(row.file_size).toBe(ownSize);
    const versions = s.store.sqlite
      .prepare(`select proxy_type as p from media_versions where movie_id = ? order by position`)
      .all(row.id) as Array<{ p: number | null }>;
    expect(versions.map((v) => v.p)).toEqual([...new Array<null>(ownVersions).fill(null), 42]);
    expect(
      count(
        s.store,
        `select count(*) as n from media_parts p join media_versions v on v.id = p.version_id where v.movie_id = ? and p.file like '%Plex Versions%'`,
        row.id,
      ),
    ).toBe(1);
  });
});

describe('markers', () => {
  it('intro, credits and commercial markers are stored with their offsets (includeMarkers=1)', async () => {
    s = await setupSync({ movies: 10, shows: 3, episodes: 60 });
    await s.engine.syncServer(s.serverId);
    const snap = snapshotItems(s);
    const expected = snap.flatMap((i) =>
      (i.type === 'movie' || i.type === 'episode') && i.details
        ? i.details.markers.map(
            (m) => `${i.type}:${i.ratingKey}:${m.type}:${m.startTimeOffset}:${m.endTimeOffset}`,
          )
        : [],
    );
    const kinds = new Set(expected.map((e) => e.split(':')[2]));
    expect([...kinds].sort()).toEqual(['commercial', 'credits', 'intro']);
    const stored = s.store.sqlite
      .prepare(
        `select 'movie:' || m.plex_rating_key || ':' || k.marker_type || ':' || k.start_ms || ':' || k.end_ms as x
           from markers k join movies m on m.id = k.movie_id
         union all
         select 'episode:' || e.plex_rating_key || ':' || k.marker_type || ':' || k.start_ms || ':' || k.end_ms
           from markers k join episodes e on e.id = k.episode_id`,
      )
      .all() as Array<{ x: string }>;
    expect(stored.map((r) => r.x).sort()).toEqual([...expected].sort());
    // Cleanup's archive keeps them: an archived and restored episode has its markers back.
    const withMarkers = s.store.sqlite
      .prepare(
        `select episode_id as id, count(*) as n from markers where episode_id is not null group by episode_id limit 1`,
      )
      .get() as { id: number; n: number };
    const { archiveId } = archiveItem(s.store, 'episode', withMarkers.id);
    expect(count(s.store, `select count(*) as n from markers where episode_id = ?`, withMarkers.id)).toBe(0);
    restoreArchived(s.store, archiveId);
    const restored = s.store.sqlite
      .prepare(
        `select count(*) as n from markers k join episodes e on e.id = k.episode_id where e.plex_rating_key = (select plex_rating_key from archived_items where id = ?)`,
      )
      .get(archiveId) as { n: number };
    expect(restored.n).toBe(withMarkers.n);
    const detailCalls = s.fake.requestLog.entries.filter((e) => e.route === '/library/metadata/:id');
    expect(detailCalls.every((e) => new URLSearchParams(e.query).get('includeMarkers') === '1')).toBe(true);
  });
});

describe('trash', () => {
  it('Plex marking the item itself deletedAt (parts without a stamp) is trash too', async () => {
    s = await setupSync({ movies: 10, shows: 1, episodes: 2 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const [movie, other] = snapshotItems(s).filter((i) => i.type === 'movie');
    // The shape of the Plex OpenAPI description's recorded example: `deletedAt` on the Metadata entry.
    s.fake.control.setFaults({ corruptItems: { [movie!.ratingKey]: { deletedAt: 1_682_628_386 } } });
    const r = await s.engine.syncLibrary(lib, { kind: 'full' });
    expect(r).toMatchObject({ status: 'succeeded', removed: 0 });
    expect(storedStates(s.store, 'movie').get(movie!.ratingKey)).toBe('trashed');
    expect(storedStates(s.store, 'movie').get(other!.ratingKey)).not.toBe('trashed');
  });

  it('an item listed with its files gone is trashed (not live, not deleted) until Plex empties the trash', async () => {
    s = await setupSync({ movies: 10, shows: 1, episodes: 2 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const movie = snapshotItems(s).find((i) => i.type === 'movie')!;
    s.fake.control.trash(movie.ratingKey);
    const r = await s.engine.syncLibrary(lib);
    expect(r).toMatchObject({ status: 'succeeded', removed: 0 });
    expect(storedStates(s.store, 'movie').get(movie.ratingKey)).toBe('trashed');
    expect(
      count(
        s.store,
        `select count(*) as n from media_parts p join media_versions v on v.id = p.version_id join movies m on m.id = v.movie_id where m.plex_rating_key = ? and p.deleted_at is not null`,
        movie.ratingKey,
      ),
    ).toBeGreaterThan(0);
    // Unchanged and trashed: settled, the next run does not fetch it again.
    s.fake.control.change(snapshotItems(s).filter((i) => i.type === 'movie')[3]!.ratingKey, {
      title: 'Other',
    });
    s.fake.requestLog.reset();
    await s.engine.syncLibrary(lib);
    expect(s.fake.requestLog.entries.some((e) => e.path === `/library/metadata/${movie.ratingKey}`)).toBe(
      false,
    );
    expect(storedStates(s.store, 'movie').get(movie.ratingKey)).toBe('trashed');
    // Plex empties the trash: now it is gone.
    s.fake.control.emptyTrash(1);
    const emptied = await s.engine.syncLibrary(lib);
    expect(emptied).toMatchObject({ status: 'succeeded', removed: 1 });
    expect(storedStates(s.store, 'movie').get(movie.ratingKey)).toBe('file_not_found');
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('a share unmounted on the server: every item trashed at once, none deleted, all back when it returns', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 });
    const lib = libraryIdOf(s, 'movie');
    await s.engine.syncLibrary(lib);
    const keys = s.fake.control.unmountLibrary(1);
    expect(keys).toHaveLength(12);
    const r = await s.engine.syncLibrary(lib);
    expect(r).toMatchObject({ status: 'succeeded', removed: 0 });
    expect([...storedStates(s.store, 'movie').values()].every((st) => st === 'trashed')).toBe(true);
    for (const rk of keys) s.fake.control.untrash(rk);
    await s.engine.syncLibrary(lib);
    expect([...storedStates(s.store, 'movie').values()].some((st) => st === 'trashed')).toBe(false);
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });
});
