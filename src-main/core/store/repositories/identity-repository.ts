// Lookups that tie Plex's changing keys to our rows: seasons by number (hidden seasons), items by
// guid (re-keyed items) and the ratingKeys an item had before (aliases).
import type Database from 'better-sqlite3';
import type { ItemKind, MediaState } from '../../../../src-shared/domain';
import { seasonKey } from '../../sync/phase';
import { MEDIA_TABLE } from './media-repository';

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

export interface RekeyCandidate {
  id: number;
  ratingKey: string;
  etag: string | null;
  detailEtag: string | null;
  state: MediaState;
  stateBeforeScan: MediaState | null;
  thumbUrl: string | null;
  artUrl: string | null;
}

const CANDIDATE_COLUMNS = `i.id, i.plex_rating_key as ratingKey, i.etag, i.detail_etag as detailEtag, i.state,
  i.state_before_scan as stateBeforeScan, i.thumb_url as thumbUrl, i.art_url as artUrl`;

/**
 * Stored items of this kind and library that could be `identity` under another ratingKey: the same
 * Plex guid, else one of the same external ids (imdb/tmdb/tvdb), else (shows only, whose guids
 * legacy agents leave out) the same title and year. Oldest row first.
 */
export function findRekeyCandidates(
  sqlite: Database.Database,
  kind: ItemKind,
  libraryId: number,
  identity: {
    guid: string | null;
    externalIds: ReadonlyArray<{ provider: string; value: string }>;
    title: string | null;
    year: number | null;
  },
): RekeyCandidate[] {
  const table = MEDIA_TABLE[kind];
  // `local://<n>` guids name one item of a personal library, never the same media under a new key.
  if (identity.guid && !identity.guid.startsWith('local://')) {
    const byGuid = sqlite
      .prepare(
        `select ${CANDIDATE_COLUMNS} from ${table} i where i.library_id = ? and i.plex_guid = ? order by i.id`,
      )
      .all(libraryId, identity.guid) as RekeyCandidate[];
    if (byGuid.length > 0) return byGuid;
  }
  if (identity.externalIds.length > 0) {
    const byIds = sqlite
      .prepare(
        // json_each first (CROSS JOIN keeps that order), then guids by its (provider, value) index: a
        // lookup per external id, not a scan of every guid.
        `select distinct ${CANDIDATE_COLUMNS} from json_each(?) j
           cross join guids g on g.provider = json_extract(j.value, '$[0]') and g.value = json_extract(j.value, '$[1]')
           join ${table} i on i.id = g.item_id
          where g.item_kind = ? and i.library_id = ?
          order by i.id`,
      )
      .all(
        JSON.stringify(identity.externalIds.map((g) => [g.provider, g.value])),
        kind,
        libraryId,
      ) as RekeyCandidate[];
    if (byIds.length > 0) return byIds;
  }
  if (kind !== 'show' || identity.title === null) return [];
  return sqlite
    .prepare(
      `select ${CANDIDATE_COLUMNS} from shows i
        where i.library_id = ? and i.title = ? and i.year is ? and (i.plex_guid is null or ? is null) order by i.id`,
    )
    .all(libraryId, identity.title, identity.year, identity.guid) as RekeyCandidate[];
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
  sqlite
    .prepare(`update ${MEDIA_TABLE[kind]} set plex_rating_key = ?, modified_at = ? where id = ?`)
    .run(newKey, Date.now(), id);
  sqlite
    .prepare(
      `insert into item_aliases (library_id, item_kind, item_id, plex_rating_key) values (?, ?, ?, ?)
       on conflict (library_id, item_kind, plex_rating_key) do update set item_id = excluded.item_id,
         replaced_at = excluded.replaced_at`,
    )
    .run(libraryId, kind, id, oldKey);
}

/** The row an old ratingKey now belongs to, if Plex re-keyed it. */
export function itemIdByAlias(
  sqlite: Database.Database,
  kind: ItemKind,
  libraryId: number,
  ratingKey: string,
): number | null {
  const row = sqlite
    .prepare(
      `select item_id as id from item_aliases where library_id = ? and item_kind = ? and plex_rating_key = ?`,
    )
    .get(libraryId, kind, ratingKey) as { id: number } | undefined;
  return row?.id ?? null;
}
