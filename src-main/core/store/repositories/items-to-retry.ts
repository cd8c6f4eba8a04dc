// Items a run could not read (an error row, or a stored item whose new payload could not be had: both
// keep no etag) are fetched again by the next run until they are read fine (issue 14). The library is
// therefore never skipped as unchanged, nor a killed run resumed past them, while it holds one.
import type Database from 'better-sqlite3';

const TABLES = ['movies', 'shows', 'seasons', 'episodes'] as const;

/** Whether the library holds an item still present in Plex that a run left without its etag. */
export function libraryHasItemsToRetry(sqlite: Database.Database, libraryId: number): boolean {
  return TABLES.some(
    (table) =>
      sqlite
        .prepare(
          `select 1 from ${table} where library_id = ? and etag is null and state <> 'file_not_found' limit 1`,
        )
        .get(libraryId) !== undefined,
  );
}
