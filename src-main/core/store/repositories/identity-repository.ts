// Lookups that tie Plex's changing keys to our rows: seasons by number (hidden seasons), items by
// guid (re-keyed items), and the aliases that keep the ratingKeys an item had before.
import type Database from 'better-sqlite3';
import type { ItemKind } from '../../../../src-shared/domain';
import { MEDIA_TABLE } from './media-tables';
import type { ExistingItem } from './media-writer';

/** How a season is found by show and number: for episodes of shows with hidden seasons. */
export const seasonKey = (showId: number, seasonNumber: number): string => `${showId}:${seasonNumber}`;

/** Season id by show and season number, for episodes that arrive without parentRatingKey. */
export function seasonIdsByNumber(sqlite: Database.Database, libraryId: number): Map<string, number> {
  const rows = sqlite
    .prepare(
      `select show_id as showId, season_number as n, id from seasons
        where library_id = ? and season_number is not null order by id`,
    )
    .all(libraryId) as Array<{ showId: number; n: number; id: number }>;
  const out = new Map<string, number>();
  for (const r of rows) if (!out.has(seasonKey(r.showId, r.n))) out.set(seasonKey(r.showId, r.n), r.id);
  return out;
}

/** A stored item that may be the one Plex now lists under a new key: what the writer knows of it. */
export type RekeyCandidate = ExistingItem;

const CANDIDATE_COLUMNS = `i.id, i.plex_rating_key as ratingKey, i.etag, i.detail_etag as detailEtag, i.state,
  i.state_before_scan as stateBeforeScan, i.thumb_url as thumbUrl, i.art_url as artUrl`;

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** Prepared once per connection: the lookups run for every new item of a listing. */
function prepared(sqlite: Database.Database, sql: string): Database.Statement {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = sqlite.prepare(sql)));
  return stmt;
}

/** Rows listed in this run chain are live under their own key: never candidates. */
const NOT_SEEN = `not exists (select 1 from sync_seen s where s.run_id = @chain and s.item_kind = @kind
  and s.plex_rating_key = i.plex_rating_key)`;

/** Whether the library has rows of this kind that this run chain has not listed (yet). */
export function hasRowsNotSeen(
  sqlite: Database.Database,
  kind: ItemKind,
  libraryId: number,
  chainRunId: number,
): boolean {
  const row = prepared(
    sqlite,
    `select exists(select 1 from ${MEDIA_TABLE[kind]} i where i.library_id = @lib and ${NOT_SEEN}) as any`,
  ).get({ lib: libraryId, chain: chainRunId, kind }) as { any: number };
  return row.any === 1;
}

/**
 * Stored items of this kind and library that could be `identity` under another ratingKey: the same
 * Plex guid, else one of the same external ids (imdb/tmdb/tvdb), else (shows only, whose guids
 * legacy agents leave out) the same title and year. Items already listed in this run chain
 * (`chainRunId`) are left out. Oldest row first.
 */
export function findRekeyCandidates(
  sqlite: Database.Database,
  kind: ItemKind,
  libraryId: number,
  chainRunId: number,
  identity: {
    guid: string | null;
    externalIds: ReadonlyArray<{ provider: string; value: string }>;
    title: string | null;
    year: number | null;
  },
): RekeyCandidate[] {
  const table = MEDIA_TABLE[kind];
  const scope = { lib: libraryId, chain: chainRunId, kind };
  // `local://<n>` guids name one item of a personal library, never the same media under a new key.
  if (identity.guid && !identity.guid.startsWith('local://')) {
    const byGuid = prepared(
      sqlite,
      `select ${CANDIDATE_COLUMNS} from ${table} i
        where i.library_id = @lib and i.plex_guid = @guid and ${NOT_SEEN} order by i.id`,
    ).all({ ...scope, guid: identity.guid }) as RekeyCandidate[];
    if (byGuid.length > 0) return byGuid;
  }
  if (identity.externalIds.length > 0) {
    const byIds = prepared(
      sqlite,
      // json_each first (CROSS JOIN keeps that order), then guids by its (provider, value) index: a
      // lookup per external id, not a scan of every guid.
      `select distinct ${CANDIDATE_COLUMNS} from json_each(@ids) j
         cross join guids g on g.provider = json_extract(j.value, '$[0]') and g.value = json_extract(j.value, '$[1]')
         join ${table} i on i.id = g.item_id
        where g.item_kind = @kind and i.library_id = @lib and ${NOT_SEEN}
        order by i.id`,
    ).all({
      ...scope,
      ids: JSON.stringify(identity.externalIds.map((g) => [g.provider, g.value])),
    }) as RekeyCandidate[];
    if (byIds.length > 0) return byIds;
  }
  if (kind !== 'show' || identity.title === null) return [];
  return prepared(
    sqlite,
    `select ${CANDIDATE_COLUMNS} from shows i
      where i.library_id = @lib and i.title = @title and i.year is @year
        and (i.plex_guid is null or @guid is null) and ${NOT_SEEN} order by i.id`,
  ).all({ ...scope, title: identity.title, year: identity.year, guid: identity.guid }) as RekeyCandidate[];
}

/** The row takes the new ratingKey; the old one stays findable as an alias. */
export function adoptUnderNewKey(
  sqlite: Database.Database,
  kind: ItemKind,
  libraryId: number,
  id: number,
  oldKey: string,
  newKey: string,
): void {
  prepared(sqlite, `update ${MEDIA_TABLE[kind]} set plex_rating_key = ?, modified_at = ? where id = ?`).run(
    newKey,
    Date.now(),
    id,
  );
  prepared(
    sqlite,
    `insert into item_aliases (library_id, item_kind, item_id, plex_rating_key) values (?, ?, ?, ?)
       on conflict (library_id, item_kind, plex_rating_key) do update set item_id = excluded.item_id,
         replaced_at = excluded.replaced_at`,
  ).run(libraryId, kind, id, oldKey);
}
