// sync_seen: the keys a listing chain (a run and the runs that continue it) has listed, so a
// complete listing can tell which stored items Plex no longer has.
import type Database from 'better-sqlite3';
import type { ItemKind, MediaState } from '../../../../src-shared/domain';
import { MEDIA_TABLE } from './media-tables';
import { statementCache, type StatementCache } from './statement-cache';

export class SeenKeys {
  private readonly stmt: StatementCache;

  /** `onWritten`: told the changes of every write to the media tables (the run's rowsWritten). */
  constructor(
    sqlite: Database.Database,
    private readonly onWritten: (changes: number) => void,
  ) {
    this.stmt = statementCache(sqlite);
  }

  private counted(sql: string, ...params: unknown[]): Database.RunResult {
    const r = this.stmt(sql).run(...params);
    this.onWritten(r.changes);
    return r;
  }

  /** Remembers that a listing of this run chain contained these items. */
  markSeen(chainRunId: number, libraryId: number, kind: ItemKind, ratingKeys: readonly string[]): void {
    if (ratingKeys.length === 0) return;
    this.stmt(
      `insert or ignore into sync_seen (run_id, library_id, item_kind, plex_rating_key)
       select ?, ?, ?, value from json_each(?)`,
    ).run(chainRunId, libraryId, kind, JSON.stringify(ratingKeys));
  }

  /** Which of these keys a listing of this run chain already had. */
  seenAmong(chainRunId: number, kind: ItemKind, ratingKeys: readonly string[]): Set<string> {
    if (ratingKeys.length === 0) return new Set();
    const rows = this.stmt(
      `select plex_rating_key as rk from sync_seen
        where run_id = ? and item_kind = ? and plex_rating_key in (select value from json_each(?))`,
    ).all(chainRunId, kind, JSON.stringify(ratingKeys)) as Array<{ rk: string }>;
    return new Set(rows.map((r) => r.rk));
  }

  /** After a complete listing: every item of the library not seen is put in `gone`. */
  markUnseenGone(
    chainRunId: number,
    libraryId: number,
    kinds: readonly ItemKind[],
    gone: MediaState,
  ): number {
    const now = Date.now();
    let n = 0;
    for (const kind of kinds) {
      n += this.counted(
        `update ${MEDIA_TABLE[kind]} set state = ?, state_before_scan = null, state_changed_at = ?, removed_at = ?, modified_at = ?
          where library_id = ? and state <> ?
            and plex_rating_key not in (select plex_rating_key from sync_seen where run_id = ? and item_kind = ?)`,
        gone,
        now,
        now,
        now,
        libraryId,
        gone,
        chainRunId,
        kind,
      ).changes;
    }
    return n;
  }

  /** `kind:ratingKey` of every live item (not in `gone`) of the library that this run chain's listing did not have. */
  unseenLive(chainRunId: number, libraryId: number, kinds: readonly ItemKind[], gone: MediaState): string[] {
    const out: string[] = [];
    for (const kind of kinds) {
      const rows = this.stmt(
        `select plex_rating_key as rk from ${MEDIA_TABLE[kind]}
          where library_id = ? and state <> ?
            and plex_rating_key not in (select plex_rating_key from sync_seen where run_id = ? and item_kind = ?)`,
      ).all(libraryId, gone, chainRunId, kind) as Array<{ rk: string }>;
      for (const r of rows) out.push(`${kind}:${r.rk}`);
    }
    return out;
  }

  /** Items of the library not in `gone`. */
  liveCount(libraryId: number, kinds: readonly ItemKind[], gone: MediaState): number {
    let n = 0;
    for (const kind of kinds) {
      n += (
        this.stmt(`select count(*) as n from ${MEDIA_TABLE[kind]} where library_id = ? and state <> ?`).get(
          libraryId,
          gone,
        ) as { n: number }
      ).n;
    }
    return n;
  }

  /** Entries this run chain's listing had. */
  seenCount(chainRunId: number): number {
    return (
      this.stmt(`select count(*) as n from sync_seen where run_id = ?`).get(chainRunId) as { n: number }
    ).n;
  }

  clearSeen(libraryId: number): void {
    this.stmt(`delete from sync_seen where library_id = ?`).run(libraryId);
  }
}
