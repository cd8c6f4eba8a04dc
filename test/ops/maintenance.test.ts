import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/core/errors/errors';
import {
  archiveStaleItems,
  findArchiveCandidates,
  listArchived,
  restoreArchived,
} from '../../src-main/core/maintenance/archive';
import { runCleanup } from '../../src-main/core/maintenance/cleanup';
import { backupDatabase, runDatabaseMaintenance } from '../../src-main/core/maintenance/database-maintenance';
import { removeOrphans } from '../../src-main/core/maintenance/orphans';
import type { Store } from '../../src-main/core/store/database';
import { tempStore } from '../helpers/temp';
import { addLibrary, addMovie, addServer, addShow, count } from './fixtures';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 1);
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(): { store: Store; dir: string; movies: number; shows: number } {
  const t = tempStore();
  cleanups.push(t.cleanup);
  const serverId = addServer(t.store);
  return {
    store: t.store,
    dir: t.dir,
    movies: addLibrary(t.store, serverId, 'movie', '1', 'Movies'),
    shows: addLibrary(t.store, serverId, 'show', '2', 'TV'),
  };
}

/** Everything stored about a movie, ids left out, for before/after comparisons. */
function movieShape(store: Store, id: number) {
  const q = (sql: string) => store.sqlite.prepare(sql).all(id) as Record<string, unknown>[];
  const strip = (rows: Record<string, unknown>[], ...drop: string[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !drop.includes(k))));
  return {
    movie: strip(q('select * from movies where id = ?'), 'id', 'state_changed_at', 'modified_at'),
    versions: strip(q('select * from media_versions where movie_id = ?'), 'id', 'movie_id'),
    parts: strip(
      q('select p.* from media_parts p join media_versions v on v.id = p.version_id where v.movie_id = ?'),
      'id',
      'version_id',
    ),
    streams: strip(
      q(
        'select s.* from streams s join media_parts p on p.id = s.part_id join media_versions v on v.id = p.version_id where v.movie_id = ?',
      ),
      'id',
      'part_id',
    ),
    chapters: strip(q('select * from chapters where movie_id = ?'), 'id', 'movie_id'),
    guids: strip(q("select provider, value from guids where item_kind = 'movie' and item_id = ?")),
    tags: q(
      "select t.kind, t.name from item_tags it join tags t on t.id = it.tag_id where it.item_kind = 'movie' and it.item_id = ?",
    ),
    cast: q(
      "select p.name, c.role from cast_roles c join people p on p.id = c.person_id where c.item_kind = 'movie' and c.item_id = ?",
    ),
    artwork: strip(
      q("select kind, plex_url, cache_file from artwork where item_kind = 'movie' and item_id = ?"),
    ),
  };
}

describe('archive and restore', () => {
  it('archives only items missing longer than the retention period, with their metadata', () => {
    const { store, movies } = setup();
    const old = addMovie(store, movies, '100', 'Gone Long Ago', {
      state: 'file_not_found',
      stateChangedAt: NOW - 40 * DAY,
      tag: 'Noir',
    });
    addMovie(store, movies, '101', 'Gone Recently', {
      state: 'file_not_found',
      stateChangedAt: NOW - 5 * DAY,
    });
    addMovie(store, movies, '102', 'Still Here', { state: 'normal', stateChangedAt: NOW - 400 * DAY });
    addMovie(store, movies, '103', 'Shares The Tag', { tag: 'Noir' });
    const before = movieShape(store, old);

    expect(findArchiveCandidates(store, 30, NOW).map((c) => c.title)).toEqual(['Gone Long Ago']);
    const report = archiveStaleItems(store, { retentionDays: 30, now: NOW });
    expect(report).toMatchObject({ archived: 1, itemsRemoved: 1, byKind: { movie: 1 } });
    expect(count(store, 'movies')).toBe(3);
    expect(count(store, 'movies', 'id = ?', old)).toBe(0);
    // Cascades and polymorphic links are gone with it.
    expect(count(store, 'media_versions', 'movie_id = ?', old)).toBe(0);
    expect(count(store, 'chapters', 'movie_id = ?', old)).toBe(0);
    expect(count(store, 'guids', "item_kind = 'movie' and item_id = ?", old)).toBe(0);
    expect(count(store, 'artwork', "item_kind = 'movie' and item_id = ?", old)).toBe(0);
    // The shared tag stays (another movie uses it).
    expect(count(store, 'tags', "name = 'Noir'")).toBe(1);

    const listed = listArchived(store);
    expect(listed).toEqual([
      expect.objectContaining({
        libraryId: movies,
        itemKind: 'movie',
        plexRatingKey: '100',
        title: 'Gone Long Ago',
        restoredAt: null,
      }),
    ]);

    const restored = restoreArchived(store, listed[0]!.id, NOW + DAY);
    expect(restored).toMatchObject({ kind: 'movie', title: 'Gone Long Ago', rowsRestored: 1 });
    expect(movieShape(store, restored.itemId)).toEqual(before);
    // Restored with a fresh clock: the next cleanup does not take it straight back.
    expect(findArchiveCandidates(store, 30, NOW + 2 * DAY).map((c) => c.title)).toEqual([]);
    expect(listArchived(store)).toEqual([]);
    expect(listArchived(store, { includeRestored: true })[0]!.restoredAt).toBe(NOW + DAY);
    expect(() => restoreArchived(store, listed[0]!.id)).toThrow(/already restored/);
  });

  it('a missing show is archived whole (seasons, episodes, their files) and restored whole', () => {
    const { store, shows } = setup();
    const { showId } = addShow(store, shows, '500', 'Lost Show', {
      state: 'file_not_found',
      stateChangedAt: NOW - 90 * DAY,
    });
    addShow(store, shows, '600', 'Kept Show');
    const episodesBefore = store.sqlite
      .prepare(
        'select plex_rating_key, title, season_number, episode_number from episodes where show_id = ? order by plex_rating_key',
      )
      .all(showId);

    const report = archiveStaleItems(store, { retentionDays: 30, now: NOW });
    // The show took its seasons and episodes along: one archive entry, 7 items removed.
    expect(report).toMatchObject({ archived: 1, itemsRemoved: 7, byKind: { show: 1 } });
    expect(count(store, 'shows')).toBe(1);
    expect(count(store, 'seasons')).toBe(2);
    expect(count(store, 'episodes')).toBe(4);
    expect(count(store, 'guids', "item_kind = 'episode'")).toBe(4);
    expect(count(store, 'streams')).toBe(8);

    const [entry] = listArchived(store);
    const restored = restoreArchived(store, entry!.id, NOW);
    expect(restored.rowsRestored).toBe(7);
    expect(count(store, 'shows')).toBe(2);
    expect(count(store, 'seasons', 'show_id = ?', restored.itemId)).toBe(2);
    const episodesAfter = store.sqlite
      .prepare(
        'select plex_rating_key, title, season_number, episode_number from episodes where show_id = ? order by plex_rating_key',
      )
      .all(restored.itemId);
    expect(episodesAfter).toEqual(episodesBefore);
    // Episodes point at the restored seasons, and their files, streams, chapters and links are back.
    expect(
      count(
        store,
        'episodes',
        'show_id = ? and season_id in (select id from seasons where show_id = ?)',
        restored.itemId,
        restored.itemId,
      ),
    ).toBe(4);
    expect(count(store, 'streams')).toBe(16);
    expect(count(store, 'chapters')).toBe(8);
    expect(count(store, 'guids', "item_kind = 'episode'")).toBe(8);
    expect(count(store, 'cast_roles', "item_kind = 'season'")).toBe(4);
    expect(store.sqlite.pragma('foreign_key_check')).toEqual([]);
  });

  it('refuses to restore over an item that synced back, or into a deleted library, changing nothing', () => {
    const { store, movies } = setup();
    addMovie(store, movies, '100', 'Comes Back', { state: 'file_not_found', stateChangedAt: NOW - 40 * DAY });
    archiveStaleItems(store, { retentionDays: 30, now: NOW });
    const [entry] = listArchived(store);
    addMovie(store, movies, '100', 'Comes Back');
    const err = (() => {
      try {
        restoreArchived(store, entry!.id);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/in the library again/);
    expect(count(store, 'movies')).toBe(1);
    expect(listArchived(store)[0]!.restoredAt).toBeNull();

    store.sqlite.prepare('delete from libraries where id = ?').run(movies);
    expect(() => restoreArchived(store, entry!.id)).toThrow(/library .* no longer exists/);
    expect(() => restoreArchived(store, 9999)).toThrow(/no archived item 9999/);
  });

  it('an episode needs its show back first', () => {
    const { store, shows } = setup();
    const { episodeIds } = addShow(store, shows, '700', 'Partly Gone');
    store.sqlite
      .prepare("update episodes set state = 'file_not_found', state_changed_at = ? where id = ?")
      .run(NOW - 60 * DAY, episodeIds[0]);
    const report = archiveStaleItems(store, { retentionDays: 30, now: NOW });
    expect(report).toMatchObject({ archived: 1, byKind: { episode: 1 } });
    const [entry] = listArchived(store);
    const restored = restoreArchived(store, entry!.id, NOW);
    expect(restored.kind).toBe('episode');
    const ep = store.sqlite
      .prepare('select season_id, show_id from episodes where id = ?')
      .get(restored.itemId) as { season_id: number; show_id: number };
    expect(ep.season_id).not.toBeNull();

    store.sqlite
      .prepare("update episodes set state = 'file_not_found', state_changed_at = ? where id = ?")
      .run(NOW - 60 * DAY, restored.itemId);
    archiveStaleItems(store, { retentionDays: 30, now: NOW });
    store.sqlite.prepare("delete from shows where plex_rating_key = '700'").run();
    const again = listArchived(store)[0]!;
    expect(() => restoreArchived(store, again.id)).toThrow(/restore the show first/);
  });
});

describe('orphans', () => {
  it('removes links, tags, people and cached files nothing refers to', () => {
    const { store, dir, movies } = setup();
    const keep = addMovie(store, movies, '1', 'Keeper', { tag: 'Drama' });
    const gone = addMovie(store, movies, '2', 'Deleted Raw', { tag: 'Western' });
    // A writer that deleted the movie without its polymorphic links.
    store.sqlite.prepare('delete from movies where id = ?').run(gone);
    store.sqlite.prepare("insert into people (name) values ('Nobody')").run();
    // Rows that only appear when foreign keys were off.
    store.sqlite.pragma('foreign_keys = OFF');
    store.sqlite
      .prepare("insert into streams (part_id, plex_stream_id, stream_type) values (99999, 1, 'video')")
      .run();
    store.sqlite.pragma('foreign_keys = ON');

    const artworkDir = join(dir, 'artwork');
    mkdirSync(join(artworkDir, 'ab'), { recursive: true });
    writeFileSync(join(artworkDir, `movie-${keep}.jpg`), 'keep');
    writeFileSync(join(artworkDir, 'ab', 'stale.jpg'), 'stale-bytes');
    writeFileSync(join(artworkDir, 'fresh-download.jpg'), 'new');
    const old = (NOW - DAY) / 1000;
    utimesSync(join(artworkDir, `movie-${keep}.jpg`), old, old);
    utimesSync(join(artworkDir, 'ab', 'stale.jpg'), old, old);

    const preview = removeOrphans(store, { artworkDir, dryRun: true, now: NOW + 60_000 });
    expect(preview.rows).toMatchObject({
      guids: 1,
      item_tags: 1,
      cast_roles: 1,
      artwork: 1,
      streams: 1,
      people: 1,
    });
    expect(count(store, 'guids')).toBe(2);
    expect(existsSync(join(artworkDir, 'ab', 'stale.jpg'))).toBe(true);

    const report = removeOrphans(store, { artworkDir, now: NOW + 60_000 });
    expect(report.rows).toMatchObject({
      guids: 1,
      item_tags: 1,
      cast_roles: 1,
      artwork: 1,
      streams: 1,
      tags: 1,
      people: 2,
    });
    expect(report).toMatchObject({ artworkFiles: 1, artworkBytes: 'stale-bytes'.length });
    expect(count(store, 'guids')).toBe(1);
    expect(count(store, 'tags', "name = 'Western'")).toBe(0);
    expect(count(store, 'tags', "name = 'Drama'")).toBe(1);
    expect(count(store, 'people')).toBe(1);
    expect(existsSync(join(artworkDir, `movie-${keep}.jpg`))).toBe(true);
    expect(existsSync(join(artworkDir, 'ab', 'stale.jpg'))).toBe(false);
    // Too new to judge: a download may be about to register it.
    expect(existsSync(join(artworkDir, 'fresh-download.jpg'))).toBe(true);
    // Nothing left to do on a second pass.
    expect(removeOrphans(store, { artworkDir, now: NOW + 60_000 }).totalRows).toBe(0);
  });
});

describe('cleanup and database maintenance', () => {
  it('cleanup takes a backup, archives, sweeps and writes a metric; dry run changes nothing', () => {
    const { store, dir, movies } = setup();
    addMovie(store, movies, '100', 'Old Gone', { state: 'file_not_found', stateChangedAt: NOW - 40 * DAY });
    addMovie(store, movies, '101', 'Fine');
    const backupDir = join(dir, 'backups');

    const dry = runCleanup(store, { retentionDays: 30, historyDays: 90, backupDir, dryRun: true, now: NOW });
    expect(dry).toMatchObject({ dryRun: true, candidates: 1, archive: null, backupPath: null });
    expect(count(store, 'movies')).toBe(2);
    expect(existsSync(backupDir)).toBe(false);

    const report = runCleanup(store, { retentionDays: 30, historyDays: 90, backupDir, now: NOW });
    expect(report.archive).toMatchObject({ archived: 1 });
    expect(report.backupPath).not.toBeNull();
    // The backup holds the database as it was before cleanup.
    const backup = new Database(report.backupPath!, { readonly: true });
    expect((backup.prepare('select count(*) as n from movies').get() as { n: number }).n).toBe(2);
    backup.close();
    expect(count(store, 'movies')).toBe(1);
    const metric = store.sqlite
      .prepare('select * from sync_metrics where id = ?')
      .get(report.metricId) as Record<string, number | string>;
    expect(metric).toMatchObject({ operation: 'cleanup', items_processed: 1 });

    // Nothing to remove: no backup taken.
    expect(
      runCleanup(store, { retentionDays: 30, historyDays: 90, backupDir, now: NOW }).backupPath,
    ).toBeNull();
  });

  it('optimizes, checkpoints and vacuums past the free-page threshold after a backup', () => {
    const { store, dir, movies } = setup();
    for (let i = 0; i < 300; i++) addMovie(store, movies, String(1000 + i), `Filler ${i} ${'x'.repeat(200)}`);
    store.sqlite.prepare('delete from movies').run();
    const backupDir = join(dir, 'backups');

    const light = runDatabaseMaintenance(store, { backupDir, vacuumFreeRatio: 0.99 });
    expect(light).toMatchObject({
      ok: true,
      integrity: 'ok',
      optimized: true,
      vacuumed: false,
      backupPath: null,
    });
    expect(light.checkpoint).not.toBeNull();
    expect(light.freePages).toBeGreaterThan(0);
    expect(count(store, 'sqlite_stat1')).toBeGreaterThan(0);

    const full = runDatabaseMaintenance(store, { backupDir, vacuumFreeRatio: 0.1 });
    expect(full.vacuumed).toBe(true);
    expect(full.backupPath).toMatch(/pre-vacuum\.bak$/);
    expect(existsSync(full.backupPath!)).toBe(true);
    expect(full.sizeAfter).toBeLessThan(full.sizeBefore);
    expect(store.sqlite.pragma('freelist_count', { simple: true })).toBe(0);
    const rows = store.sqlite
      .prepare("select id, operation from sync_metrics where operation = 'maintenance' order by id")
      .all();
    expect(rows).toEqual([
      { id: light.metricId, operation: 'maintenance' },
      { id: full.metricId, operation: 'maintenance' },
    ]);
  });

  it('keeps only the newest backups', () => {
    const { store, dir } = setup();
    const backupDir = join(dir, 'backups');
    for (let i = 0; i < 5; i++)
      backupDatabase(store, { dir: backupDir, keep: 2, reason: 'manual', now: NOW + i * 1000 });
    expect(readdirSync(backupDir)).toHaveLength(2);
  });

  it('a damaged database is reported and not vacuumed', () => {
    const { store, dir, movies } = setup();
    for (let i = 0; i < 200; i++) addMovie(store, movies, String(i), `Movie ${i}`);
    // Scribble over an index page: the kind of damage integrity checks exist to catch.
    const { rootpage } = store.sqlite
      .prepare("select rootpage from sqlite_master where name = 'movies_title_idx'")
      .get() as { rootpage: number };
    const pageSize = store.sqlite.pragma('page_size', { simple: true }) as number;
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const fd = openSync(store.path, 'r+');
    writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, (rootpage - 1) * pageSize + 8);
    closeSync(fd);
    const reopened = new Database(store.path);
    const fake = { ...store, sqlite: reopened } as Store;
    const report = runDatabaseMaintenance(fake, {
      backupDir: join(dir, 'b'),
      forceVacuum: true,
      integrity: 'full',
    });
    reopened.close();
    expect(report.ok).toBe(false);
    expect(report.integrity).not.toBe('ok');
    expect(report.vacuumed).toBe(false);
    expect(existsSync(join(dir, 'b'))).toBe(false);
  });
});
