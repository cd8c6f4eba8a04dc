// The artwork table is the artwork queue: a row without a cache file, not missing and not waiting
// out a backoff, is work to do. Rows survive restarts, so the queue does too.
import type Database from 'better-sqlite3';
import type { ArtworkKind, ItemKind } from '../../../../src-shared/domain';
import { MEDIA_TABLE } from './media-tables';
import type { RowBuffer } from './row-buffer';

export interface QueuedArtwork {
  id: number;
  serverId: number;
  libraryId: number;
  itemKind: ItemKind;
  itemId: number;
  kind: ArtworkKind;
  plexUrl: string;
  attempts: number;
}

export interface ArtworkRow extends QueuedArtwork {
  cacheFile: string | null;
  bytes: number | null;
  missing: boolean;
  retryAt: number | null;
}

/** Which artwork a background fill fetches ahead of being shown. */
export interface PrefetchSelection {
  libraryIds?: number[];
  episodeThumbs: boolean;
}

const COLUMNS = `a.id, l.server_id as serverId, i.library_id as libraryId, a.item_kind as itemKind,
  a.item_id as itemId, a.kind, a.plex_url as plexUrl, a.attempts`;

function fromItems(kind: ItemKind): string {
  return `from artwork a join ${MEDIA_TABLE[kind]} i on i.id = a.item_id join libraries l on l.id = i.library_id
    where a.item_kind = '${kind}'`;
}

/**
 * The next prefetchable rows after `afterId`: posters (thumbs of movies, shows, seasons), episode
 * thumbs only when asked. Backgrounds are fetched when a view shows one, never ahead.
 */
export function nextPrefetch(
  sqlite: Database.Database,
  selection: PrefetchSelection,
  opts: { afterId: number; now: number; limit: number },
): QueuedArtwork[] {
  const kinds: ItemKind[] = [
    'movie',
    'show',
    'season',
    ...(selection.episodeThumbs ? ['episode' as const] : []),
  ];
  const libraries = selection.libraryIds;
  const libraryFilter = libraries ? `and i.library_id in (${libraries.map(Number).join(',') || 'null'})` : '';
  const parts = kinds.map(
    (kind) =>
      `select ${COLUMNS} ${fromItems(kind)} and a.kind = 'thumb' and a.cache_file is null and a.missing = 0
        and (a.retry_at is null or a.retry_at <= @now) and a.id > @after ${libraryFilter}`,
  );
  return sqlite
    .prepare(`select * from (${parts.join(' union all ')}) order by id limit @limit`)
    .all({ now: opts.now, after: opts.afterId, limit: opts.limit }) as QueuedArtwork[];
}

/** One item's picture of a kind, whatever its cache state. */
export function getArtwork(
  sqlite: Database.Database,
  itemKind: ItemKind,
  itemId: number,
  kind: ArtworkKind,
): ArtworkRow | undefined {
  const row = sqlite
    .prepare(
      `select ${COLUMNS}, a.cache_file as cacheFile, a.bytes, a.missing, a.retry_at as retryAt
         ${fromItems(itemKind)} and a.item_id = ? and a.kind = ?`,
    )
    .get(itemId, kind) as (Omit<ArtworkRow, 'missing'> & { missing: number }) | undefined;
  return row ? { ...row, missing: row.missing === 1 } : undefined;
}

export function markArtworkFetched(
  sqlite: Database.Database,
  id: number,
  result: { cacheFile: string | null; bytes: number },
  now: number,
): void {
  sqlite
    .prepare(
      `update artwork set cache_file = ?, bytes = ?, fetched_at = ?, last_error = null, attempts = 0,
         retry_at = null, missing = 0 where id = ?`,
    )
    .run(result.cacheFile, result.bytes, now, id);
}

/** A failed fetch: tried again after `retryAt`, or never again (missing) until the URL changes. */
export function markArtworkFailed(
  sqlite: Database.Database,
  id: number,
  failure: { error: string; retryAt: number | null; missing: boolean },
  now: number,
): void {
  sqlite
    .prepare(
      `update artwork set last_error = ?, fetched_at = ?, attempts = attempts + 1, retry_at = ?, missing = ?
        where id = ?`,
    )
    .run(failure.error, now, failure.retryAt, failure.missing ? 1 : 0, id);
}

/** Cache files that were evicted: their rows are queued again (fetched when shown or when there is room). */
export function forgetCacheFiles(sqlite: Database.Database, names: string[]): void {
  const stmt = sqlite.prepare(`update artwork set cache_file = null, bytes = null where cache_file = ?`);
  const tx = sqlite.transaction((all: string[]) => {
    for (const name of all) stmt.run(name);
  });
  tx(names);
}

export interface ArtworkStats {
  /** Posters (and episode thumbs when prefetched) that a fill fetches. */
  prefetchable: number;
  cached: number;
  /** Waiting for a fetch (never tried, or a retry after its backoff). */
  queued: number;
  /** Failed at least once and waiting out the backoff. */
  retrying: number;
  /** Given up on until Plex gives a new URL. */
  missing: number;
  cachedBytes: number;
}

export function artworkStats(
  sqlite: Database.Database,
  selection: PrefetchSelection,
  now: number,
): ArtworkStats {
  const kinds: ItemKind[] = [
    'movie',
    'show',
    'season',
    ...(selection.episodeThumbs ? ['episode' as const] : []),
  ];
  const libraries = selection.libraryIds;
  const libraryFilter = libraries ? `and i.library_id in (${libraries.map(Number).join(',') || 'null'})` : '';
  const parts = kinds.map(
    (kind) =>
      `select a.cache_file, a.bytes, a.missing, a.retry_at ${fromItems(kind)} and a.kind = 'thumb' ${libraryFilter}`,
  );
  const row = sqlite
    .prepare(
      `select count(*) as prefetchable,
         coalesce(sum(cache_file is not null), 0) as cached,
         coalesce(sum(cache_file is null and missing = 0 and (retry_at is null or retry_at <= @now)), 0) as queued,
         coalesce(sum(cache_file is null and missing = 0 and retry_at > @now), 0) as retrying,
         coalesce(sum(missing = 1), 0) as missing,
         coalesce(sum(case when cache_file is not null then bytes else 0 end), 0) as cachedBytes
       from (${parts.join(' union all ')})`,
    )
    .get({ now }) as ArtworkStats;
  return row;
}

/**
 * A sync's side of the queue: an item's Plex URL for each picture, buffered with the writer's other
 * child rows. A changed URL means a new image: the cached file and past failures are forgotten, so
 * the artwork queue fetches it again; a picture Plex no longer has is dropped.
 */
export class ArtworkRows {
  private readonly rows: RowBuffer;

  constructor(
    buffer: (table: string, columns: readonly string[], tail: string) => RowBuffer,
    /** Writes every buffered row of the writer (a row of this item may be among them). */
    private readonly flush: () => void,
    private readonly run: (sql: string, ...params: unknown[]) => unknown,
  ) {
    this.rows = buffer(
      'artwork',
      ['item_kind', 'item_id', 'kind', 'plex_url'],
      `on conflict (item_kind, item_id, kind) do update set plex_url = excluded.plex_url, cache_file = null,
         bytes = null, fetched_at = null, last_error = null, attempts = 0, retry_at = null, missing = 0
       where artwork.plex_url <> excluded.plex_url`,
    );
  }

  /** `fresh`: a just-inserted item, which has no artwork rows yet. */
  upsertArtwork(
    kind: ItemKind,
    id: number,
    artKind: 'thumb' | 'art',
    url: string | null,
    fresh: boolean,
  ): void {
    if (url) {
      this.rows.add(kind, id, artKind, url);
      return;
    }
    if (fresh) return;
    this.flush();
    this.run(`delete from artwork where item_kind = ? and item_id = ? and kind = ?`, kind, id, artKind);
  }
}
