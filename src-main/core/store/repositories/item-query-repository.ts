// Read-only queries behind the item browser: a page of items of one kind, and one item with
// everything synced about it (files, streams, chapters, ids, tags, cast).
import type Database from 'better-sqlite3';
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { ArtworkKind, ItemKind, MediaState } from '../../../../src-shared/domain';
import type { ItemDetailView, ItemRow, Page } from '../../../../src-shared/items';
import type { Db } from '../database';
import {
  artwork,
  castRoles,
  chapters,
  episodes,
  guids,
  itemTags,
  markers,
  mediaParts,
  mediaVersions,
  movies,
  people,
  seasons,
  shows,
  streams,
  tags,
} from '../schema';

export interface ItemSearch {
  kind: ItemKind;
  libraryId?: number;
  state?: MediaState;
  query?: string;
  limit: number;
  offset: number;
}

type MediaTable = typeof movies | typeof shows | typeof seasons | typeof episodes;
/** The tracking columns all four media tables share. */
type TrackedRow = Pick<
  typeof seasons.$inferSelect,
  'id' | 'libraryId' | 'title' | 'state' | 'duration' | 'fileSize' | 'updatedAt' | 'summary' | 'lastError'
>;
type ItemBase = ItemRow & Pick<ItemDetailView, 'summary' | 'lastError'>;

/** LIKE pattern for a user's search text, with the LIKE wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Lower case without accents, so "amelie" finds "Amélie" and "AMÉLIE" (SQLite's LIKE folds ASCII only). */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const SEARCH_FOLD = 'rv_search_fold';
const folding = new WeakSet<object>();

/** Registers the fold as a SQL function on this connection, once. */
function ensureFold(db: Db): void {
  // drizzle keeps the better-sqlite3 connection as $client; the Db type leaves it out.
  const client = (db as Db & { $client: Database.Database }).$client;
  if (folding.has(client)) return;
  client.function(SEARCH_FOLD, { deterministic: true }, (v: unknown) =>
    typeof v === 'string' ? foldForSearch(v) : v,
  );
  folding.add(client);
}

function tableFilters(db: Db, table: MediaTable, s: ItemSearch): SQL | undefined {
  const parts: (SQL | undefined)[] = [
    s.libraryId !== undefined ? eq(table.libraryId, s.libraryId) : undefined,
    s.state !== undefined ? eq(table.state, s.state) : undefined,
  ];
  const q = s.query?.trim();
  if (q) {
    ensureFold(db);
    parts.push(
      sql`${sql.raw(SEARCH_FOLD)}(${table.title}) like ${containsPattern(foldForSearch(q))} escape '\\'`,
    );
  }
  return and(...parts);
}

function countWhere(db: Db, table: MediaTable, where: SQL | undefined): number {
  return db.select({ n: count() }).from(table).where(where).get()?.n ?? 0;
}

function episodeCode(season: number | null, episode: number | null): string | null {
  if (season === null && episode === null) return null;
  const pad = (n: number | null) => (n === null ? '??' : String(n).padStart(2, '0'));
  return `S${pad(season)}E${pad(episode)}`;
}

function episodeSubtitle(showTitle: string, e: typeof episodes.$inferSelect): string {
  const code = episodeCode(e.seasonNumber, e.episodeNumber);
  return code ? `${showTitle} ${code}` : showTitle;
}

/** Only subtitle and year differ by kind (seasons have no year of their own: the show's is shown). */
function itemRow(kind: ItemKind, r: TrackedRow, subtitle: string | null, year: number | null): ItemRow {
  return {
    kind,
    id: r.id,
    libraryId: r.libraryId,
    title: r.title,
    subtitle,
    year,
    state: r.state,
    duration: r.duration,
    fileSize: r.fileSize,
    updatedAt: r.updatedAt,
    pictures: [],
  };
}

/** Which pictures Plex has for the rows (and we have not given up on), so views ask only for those. */
function attachPictures<T extends ItemRow>(db: Db, kind: ItemKind, rows: T[]): T[] {
  if (rows.length === 0) return rows;
  const found = db
    .select({ itemId: artwork.itemId, kind: artwork.kind })
    .from(artwork)
    .where(
      and(
        eq(artwork.itemKind, kind),
        inArray(
          artwork.itemId,
          rows.map((r) => r.id),
        ),
        eq(artwork.missing, false),
      ),
    )
    .all();
  const byItem = new Map<number, ArtworkKind[]>();
  for (const f of found) byItem.set(f.itemId, [...(byItem.get(f.itemId) ?? []), f.kind]);
  for (const r of rows) r.pictures = byItem.get(r.id) ?? [];
  return rows;
}

function itemBase(kind: ItemKind, r: TrackedRow, subtitle: string | null, year: number | null): ItemBase {
  return { ...itemRow(kind, r, subtitle, year), summary: r.summary, lastError: r.lastError };
}

const seasonsWithShow = (db: Db) =>
  db
    .select({ season: seasons, showTitle: shows.title, showYear: shows.year })
    .from(seasons)
    .innerJoin(shows, eq(shows.id, seasons.showId));

const episodesWithShow = (db: Db) =>
  db
    .select({ episode: episodes, showTitle: shows.title })
    .from(episodes)
    .innerJoin(shows, eq(shows.id, episodes.showId));

/** One page of items of one kind, sorted by title, with the total for the pager. */
export function searchItems(db: Db, s: ItemSearch): Page<ItemRow> {
  const page = listItems(db, s);
  return { ...page, rows: attachPictures(db, s.kind, page.rows) };
}

function listItems(db: Db, s: ItemSearch): Page<ItemRow> {
  switch (s.kind) {
    case 'movie': {
      const where = tableFilters(db, movies, s);
      const rows = db
        .select()
        .from(movies)
        .where(where)
        .orderBy(asc(movies.title), asc(movies.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      return {
        rows: rows.map((r) => itemRow('movie', r, r.editionTitle, r.year)),
        total: countWhere(db, movies, where),
      };
    }
    case 'show': {
      const where = tableFilters(db, shows, s);
      const rows = db
        .select()
        .from(shows)
        .where(where)
        .orderBy(asc(shows.title), asc(shows.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      const counts = (r: typeof shows.$inferSelect) =>
        r.seasonCount === null ? null : `${r.seasonCount} season(s), ${r.episodeCount ?? 0} episode(s)`;
      return {
        rows: rows.map((r) => itemRow('show', r, counts(r), r.year)),
        total: countWhere(db, shows, where),
      };
    }
    case 'season': {
      const where = tableFilters(db, seasons, s);
      const rows = seasonsWithShow(db)
        .where(where)
        .orderBy(asc(shows.title), asc(seasons.seasonNumber), asc(seasons.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      return {
        rows: rows.map((r) => itemRow('season', r.season, r.showTitle, r.showYear)),
        total: countWhere(db, seasons, where),
      };
    }
    case 'episode': {
      const where = tableFilters(db, episodes, s);
      const rows = episodesWithShow(db)
        .where(where)
        .orderBy(asc(shows.title), asc(episodes.seasonNumber), asc(episodes.episodeNumber), asc(episodes.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      return {
        rows: rows.map((r) =>
          itemRow('episode', r.episode, episodeSubtitle(r.showTitle, r.episode), r.episode.year),
        ),
        total: countWhere(db, episodes, where),
      };
    }
  }
}

function itemOf(db: Db, kind: ItemKind, id: number): ItemBase | null {
  switch (kind) {
    case 'movie': {
      const r = db.select().from(movies).where(eq(movies.id, id)).get();
      return r ? itemBase(kind, r, r.editionTitle, r.year) : null;
    }
    case 'show': {
      const r = db.select().from(shows).where(eq(shows.id, id)).get();
      return r ? itemBase(kind, r, null, r.year) : null;
    }
    case 'season': {
      const r = seasonsWithShow(db).where(eq(seasons.id, id)).get();
      return r ? itemBase(kind, r.season, r.showTitle, r.showYear) : null;
    }
    case 'episode': {
      const r = episodesWithShow(db).where(eq(episodes.id, id)).get();
      return r ? itemBase(kind, r.episode, episodeSubtitle(r.showTitle, r.episode), r.episode.year) : null;
    }
  }
}

function filesOf(db: Db, kind: ItemKind, id: number): ItemDetailView['files'] {
  if (kind !== 'movie' && kind !== 'episode') return [];
  const owner = kind === 'movie' ? eq(mediaVersions.movieId, id) : eq(mediaVersions.episodeId, id);
  const parts = db
    .select({ part: mediaParts })
    .from(mediaParts)
    .innerJoin(mediaVersions, eq(mediaVersions.id, mediaParts.versionId))
    .where(owner)
    .orderBy(asc(mediaVersions.position), asc(mediaParts.position), asc(mediaParts.id))
    .all()
    .map((r) => r.part);
  if (parts.length === 0) return [];
  const streamRows = db
    .select()
    .from(streams)
    .where(
      inArray(
        streams.partId,
        parts.map((p) => p.id),
      ),
    )
    .orderBy(asc(streams.partId), asc(streams.streamIndex), asc(streams.id))
    .all();
  return parts.map((p) => ({
    plexPath: p.file,
    localPath: p.localPath,
    fileState: p.fileState,
    size: p.size,
    container: p.container,
    streams: streamRows
      .filter((s) => s.partId === p.id)
      .map((s) => ({
        streamType: s.streamType,
        codec: s.codec,
        language: s.language,
        title: s.displayTitle ?? s.title,
        isDefault: s.isDefault,
        isForced: s.isForced,
        isExternal: s.isExternal,
      })),
  }));
}

function chaptersOf(db: Db, kind: ItemKind, id: number): ItemDetailView['chapters'] {
  if (kind !== 'movie' && kind !== 'episode') return [];
  const owner = kind === 'movie' ? eq(chapters.movieId, id) : eq(chapters.episodeId, id);
  return db
    .select()
    .from(chapters)
    .where(owner)
    .orderBy(asc(chapters.chapterIndex))
    .all()
    .map((c) => ({ index: c.chapterIndex, title: c.title, startMs: c.startMs, endMs: c.endMs }));
}

function markersOf(db: Db, kind: ItemKind, id: number): ItemDetailView['markers'] {
  if (kind !== 'movie' && kind !== 'episode') return [];
  const owner = kind === 'movie' ? eq(markers.movieId, id) : eq(markers.episodeId, id);
  return db
    .select({ type: markers.markerType, startMs: markers.startMs, endMs: markers.endMs })
    .from(markers)
    .where(owner)
    .orderBy(asc(markers.startMs))
    .all();
}

/** One item with its files, streams, chapters, external ids, tags and cast; null when absent. */
export function getItemDetail(db: Db, kind: ItemKind, id: number): Omit<ItemDetailView, 'history'> | null {
  const found = itemOf(db, kind, id);
  if (!found) return null;
  const base = attachPictures(db, kind, [found])[0]!;
  const isItem = (t: typeof guids | typeof itemTags | typeof castRoles) =>
    and(eq(t.itemKind, kind), eq(t.itemId, id));
  return {
    ...base,
    guids: db
      .select({ provider: guids.provider, value: guids.value })
      .from(guids)
      .where(isItem(guids))
      .orderBy(asc(guids.provider))
      .all(),
    tags: db
      .select({ kind: tags.kind, name: tags.name })
      .from(itemTags)
      .innerJoin(tags, eq(tags.id, itemTags.tagId))
      .where(isItem(itemTags))
      .orderBy(asc(tags.kind), asc(itemTags.position))
      .all(),
    cast: db
      .select({ name: people.name, role: castRoles.role })
      .from(castRoles)
      .innerJoin(people, eq(people.id, castRoles.personId))
      .where(isItem(castRoles))
      .orderBy(asc(castRoles.sortOrder))
      .all(),
    files: filesOf(db, kind, id),
    chapters: chaptersOf(db, kind, id),
    markers: markersOf(db, kind, id),
  };
}

type SampleFile = { title: string; plexPath: string; localPath: string | null; state: MediaState };

function firstFileOf(
  db: Db,
  table: typeof movies | typeof episodes,
  owner: typeof mediaVersions.movieId | typeof mediaVersions.episodeId,
  libraryId: number,
): SampleFile | undefined {
  return (
    db
      .select({
        title: table.title,
        state: table.state,
        plexPath: mediaParts.file,
        localPath: mediaParts.localPath,
      })
      .from(mediaParts)
      .innerJoin(mediaVersions, eq(mediaVersions.id, mediaParts.versionId))
      .innerJoin(table, eq(table.id, owner))
      .where(eq(table.libraryId, libraryId))
      // A file a mapping covers says more about the mapping than one under an unmapped root.
      .orderBy(sql`coalesce(${mediaParts.fileState}, 'unmapped') = 'unmapped'`, asc(table.id))
      .limit(1)
      .get()
  );
}

/** A sample file of a library for the path-mapping check: the first mapped (else first) movie or episode part. */
export function sampleLibraryFile(db: Db, libraryId: number): SampleFile | null {
  return (
    firstFileOf(db, movies, mediaVersions.movieId, libraryId) ??
    firstFileOf(db, episodes, mediaVersions.episodeId, libraryId) ??
    null
  );
}
