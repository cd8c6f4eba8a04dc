// Lookups that tie Plex's changing keys to our rows: seasons by number (hidden seasons), items by
// guid (re-keyed items) and the ratingKeys an item had before (aliases).
import type Database from 'better-sqlite3';
import { seasonKey } from '../../sync/phase';

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
