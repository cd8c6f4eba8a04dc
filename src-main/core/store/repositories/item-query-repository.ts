// Read-only queries behind the item browser: a page of items of one kind, and one item with
// everything synced about it (files, streams, chapters, ids, tags, cast).
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { ItemKind, MediaState } from '../../../../src-shared/domain';
import type { Db } from '../database';
import {
  castRoles,
  chapters,
  episodes,
  guids,
  itemTags,
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

export interface ItemRowData {
  kind: ItemKind;
  id: number;
  libraryId: number;
  title: string;
  subtitle: string | null;
  year: number | null;
  state: MediaState;
  duration: number | null;
  fileSize: number | null;
  updatedAt: number | null;
}

export interface ItemFileData {
  plexPath: string;
  localPath: string | null;
  fileState: string | null;
  size: number | null;
  container: string | null;
  streams: {
    streamType: 'video' | 'audio' | 'subtitle';
    codec: string | null;
    language: string | null;
    title: string | null;
    isDefault: boolean;
    isForced: boolean;
    isExternal: boolean;
  }[];
}

export interface ItemDetailData extends ItemRowData {
  summary: string | null;
  lastError: string | null;
  guids: { provider: string; value: string }[];
  tags: { kind: string; name: string }[];
  cast: { name: string; role: string | null }[];
  files: ItemFileData[];
  chapters: { index: number; title: string | null; startMs: number; endMs: number }[];
}

/** LIKE pattern for a user's search text, with the LIKE wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function page<T>(rows: T[], total: number): { rows: T[]; total: number } {
  return { rows, total };
}

function tableFilters(
  table: typeof movies | typeof shows | typeof seasons | typeof episodes,
  s: ItemSearch,
): SQL | undefined {
  const parts: (SQL | undefined)[] = [
    s.libraryId !== undefined ? eq(table.libraryId, s.libraryId) : undefined,
    s.state !== undefined ? eq(table.state, s.state) : undefined,
  ];
  const q = s.query?.trim();
  if (q) parts.push(sql`${table.title} like ${containsPattern(q)} escape '\\'`);
  return and(...parts);
}

function episodeCode(season: number | null, episode: number | null): string | null {
  if (season === null && episode === null) return null;
  const pad = (n: number | null) => (n === null ? '??' : String(n).padStart(2, '0'));
  return `S${pad(season)}E${pad(episode)}`;
}

/** One page of items of one kind, sorted by title, with the total for the pager. */
export function searchItems(db: Db, s: ItemSearch): { rows: ItemRowData[]; total: number } {
  switch (s.kind) {
    case 'movie': {
      const where = tableFilters(movies, s);
      const total = db.select({ n: count() }).from(movies).where(where).get()?.n ?? 0;
      const rows = db
        .select()
        .from(movies)
        .where(where)
        .orderBy(asc(movies.title), asc(movies.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      return page(
        rows.map((r) => ({
          kind: 'movie' as const,
          id: r.id,
          libraryId: r.libraryId,
          title: r.title,
          subtitle: r.editionTitle,
          year: r.year,
          state: r.state,
          duration: r.duration,
          fileSize: r.fileSize,
          updatedAt: r.updatedAt,
        })),
        total,
      );
    }
    case 'show': {
      const where = tableFilters(shows, s);
      const total = db.select({ n: count() }).from(shows).where(where).get()?.n ?? 0;
      const rows = db
        .select()
        .from(shows)
        .where(where)
        .orderBy(asc(shows.title), asc(shows.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      return page(
        rows.map((r) => ({
          kind: 'show' as const,
          id: r.id,
          libraryId: r.libraryId,
          title: r.title,
          subtitle: r.seasonCount === null ? null : `${r.seasonCount} season(s), ${r.episodeCount ?? 0} episode(s)`,
          year: r.year,
          state: r.state,
          duration: r.duration,
          fileSize: r.fileSize,
          updatedAt: r.updatedAt,
        })),
        total,
      );
    }
    case 'season': {
      const where = tableFilters(seasons, s);
      const total = db.select({ n: count() }).from(seasons).where(where).get()?.n ?? 0;
      const rows = db
        .select({ season: seasons, showTitle: shows.title, showYear: shows.year })
        .from(seasons)
        .innerJoin(shows, eq(shows.id, seasons.showId))
        .where(where)
        .orderBy(asc(shows.title), asc(seasons.seasonNumber), asc(seasons.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      return page(
        rows.map(({ season: r, showTitle, showYear }) => ({
          kind: 'season' as const,
          id: r.id,
          libraryId: r.libraryId,
          title: r.title,
          subtitle: showTitle,
          year: showYear,
          state: r.state,
          duration: r.duration,
          fileSize: r.fileSize,
          updatedAt: r.updatedAt,
        })),
        total,
      );
    }
    case 'episode': {
      const where = tableFilters(episodes, s);
      const total = db.select({ n: count() }).from(episodes).where(where).get()?.n ?? 0;
      const rows = db
        .select({ episode: episodes, showTitle: shows.title })
        .from(episodes)
        .innerJoin(shows, eq(shows.id, episodes.showId))
        .where(where)
        .orderBy(asc(shows.title), asc(episodes.seasonNumber), asc(episodes.episodeNumber), asc(episodes.id))
        .limit(s.limit)
        .offset(s.offset)
        .all();
      return page(
        rows.map(({ episode: r, showTitle }) => {
          const code = episodeCode(r.seasonNumber, r.episodeNumber);
          return {
            kind: 'episode' as const,
            id: r.id,
            libraryId: r.libraryId,
            title: r.title,
            subtitle: code ? `${showTitle} ${code}` : showTitle,
            year: r.year,
            state: r.state,
            duration: r.duration,
            fileSize: r.fileSize,
            updatedAt: r.updatedAt,
          };
        }),
        total,
      );
    }
  }
}

function rowOf(db: Db, kind: ItemKind, id: number): { row: ItemRowData; summary: string | null; lastError: string | null } | null {
  switch (kind) {
    case 'movie': {
      const r = db.select().from(movies).where(eq(movies.id, id)).get();
      if (!r) return null;
      return {
        row: { kind, id, libraryId: r.libraryId, title: r.title, subtitle: r.editionTitle, year: r.year, state: r.state, duration: r.duration, fileSize: r.fileSize, updatedAt: r.updatedAt },
        summary: r.summary,
        lastError: r.lastError,
      };
    }
    case 'show': {
      const r = db.select().from(shows).where(eq(shows.id, id)).get();
      if (!r) return null;
      return {
        row: { kind, id, libraryId: r.libraryId, title: r.title, subtitle: null, year: r.year, state: r.state, duration: r.duration, fileSize: r.fileSize, updatedAt: r.updatedAt },
        summary: r.summary,
        lastError: r.lastError,
      };
    }
    case 'season': {
      const r = db
        .select({ season: seasons, showTitle: shows.title, showYear: shows.year })
        .from(seasons)
        .innerJoin(shows, eq(shows.id, seasons.showId))
        .where(eq(seasons.id, id))
        .get();
      if (!r) return null;
      const s = r.season;
      return {
        row: { kind, id, libraryId: s.libraryId, title: s.title, subtitle: r.showTitle, year: r.showYear, state: s.state, duration: s.duration, fileSize: s.fileSize, updatedAt: s.updatedAt },
        summary: s.summary,
        lastError: s.lastError,
      };
    }
    case 'episode': {
      const r = db
        .select({ episode: episodes, showTitle: shows.title })
        .from(episodes)
        .innerJoin(shows, eq(shows.id, episodes.showId))
        .where(eq(episodes.id, id))
        .get();
      if (!r) return null;
      const e = r.episode;
      const code = episodeCode(e.seasonNumber, e.episodeNumber);
      return {
        row: { kind, id, libraryId: e.libraryId, title: e.title, subtitle: code ? `${r.showTitle} ${code}` : r.showTitle, year: e.year, state: e.state, duration: e.duration, fileSize: e.fileSize, updatedAt: e.updatedAt },
        summary: e.summary,
        lastError: e.lastError,
      };
    }
  }
}

function filesOf(db: Db, kind: ItemKind, id: number): ItemFileData[] {
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
    .where(inArray(streams.partId, parts.map((p) => p.id)))
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

function chaptersOf(db: Db, kind: ItemKind, id: number): ItemDetailData['chapters'] {
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

/** One item with its files, streams, chapters, external ids, tags and cast; null when absent. */
export function getItemDetail(db: Db, kind: ItemKind, id: number): ItemDetailData | null {
  const base = rowOf(db, kind, id);
  if (!base) return null;
  const isItem = (t: typeof guids | typeof itemTags | typeof castRoles) => and(eq(t.itemKind, kind), eq(t.itemId, id));
  return {
    ...base.row,
    summary: base.summary,
    lastError: base.lastError,
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
  };
}

/** A sample file of a library for the path-mapping check: the first movie or episode part. */
export function sampleLibraryFile(
  db: Db,
  libraryId: number,
): { title: string; plexPath: string; localPath: string | null; state: MediaState } | null {
  const movie = db
    .select({ title: movies.title, state: movies.state, plexPath: mediaParts.file, localPath: mediaParts.localPath })
    .from(mediaParts)
    .innerJoin(mediaVersions, eq(mediaVersions.id, mediaParts.versionId))
    .innerJoin(movies, eq(movies.id, mediaVersions.movieId))
    .where(eq(movies.libraryId, libraryId))
    .orderBy(asc(movies.id))
    .limit(1)
    .get();
  if (movie) return movie;
  return (
    db
      .select({ title: episodes.title, state: episodes.state, plexPath: mediaParts.file, localPath: mediaParts.localPath })
      .from(mediaParts)
      .innerJoin(mediaVersions, eq(mediaVersions.id, mediaParts.versionId))
      .innerJoin(episodes, eq(episodes.id, mediaVersions.episodeId))
      .where(eq(episodes.libraryId, libraryId))
      .orderBy(asc(episodes.id))
      .limit(1)
      .get() ?? null
  );
}
