// Writes and reads of the media tables for the sync engine. It stores states as it is told:
// they are decided in the media layer (media/item-writer.ts). Raw prepared statements (cached per
// writer) because a sync writes hundreds of thousands of rows and ORM overhead per row matters;
// every statement's changes are counted for the run's metrics. Child rows are buffered
// (row-buffer.ts); seen keys (seen-keys.ts) and artwork rows (artwork-repository.ts) are the
// writer's parts. Callers wrap calls in store.transaction (one per page) and call flush() before
// it ends.
import type Database from 'better-sqlite3';
import type { ItemKind, MediaState, TagKind } from '../../../../src-shared/domain';
import { ArtworkRows } from './artwork-repository';
import { MEDIA_TABLE } from './media-tables';
import type { MappedItem, MappedVersion } from './media-rows';
import { RowBuffer } from './row-buffer';
import { SeenKeys } from './seen-keys';
import { statementCache, type StatementCache } from './statement-cache';

export interface ExistingItem {
  id: number;
  ratingKey: string;
  etag: string | null;
  detailEtag: string | null;
  state: MediaState;
  stateBeforeScan: MediaState | null;
  thumbUrl: string | null;
  artUrl: string | null;
}

/** Where one of an item's files is on this machine, as checked there (media/path-mapping.ts). */
export interface PartCheck {
  /** Null for a path that cannot name a file here. */
  localPath: string | null;
  state: 'found' | 'missing' | 'unmapped' | 'invalid';
}

/** A stored file of an item, with its last check. */
export interface StoredPart {
  id: number;
  file: string;
  localPath: string | null;
  fileState: string | null;
}

export interface WriteItemInput {
  kind: ItemKind;
  libraryId: number;
  item: MappedItem;
  existing: ExistingItem | undefined;
  etag: string;
  detailEtag: string | null;
  runId: number;
  /** Parent ids for seasons (show) and episodes (show, season). */
  parents?: { showId: number; seasonId?: number | null };
  /** Rewrite files, streams, chapters, credits (a new item, or a new or changed detail payload). */
  writeChildren: boolean;
  /** The item's state, decided from its payload and files. */
  state: MediaState;
  /** Why a file of the item cannot be checked here, noted as the row's error. */
  fileProblem: string | null;
  /** With writeChildren: the check of each file of `item.versions`' parts, in order. */
  partChecks: readonly PartCheck[];
}

export interface WriteItemResult {
  id: number;
  inserted: boolean;
  state: MediaState;
}

export interface ItemErrorInput {
  kind: ItemKind;
  libraryId: number;
  ratingKey: string;
  title: string | null;
  message: string;
  runId: number;
  parents?: { showId: number; seasonId?: number | null };
}

type Row = Record<string, string | number | null>;

const SELECT_EXISTING = (table: string) =>
  `select id, plex_rating_key as ratingKey, etag, detail_etag as detailEtag, state,
          state_before_scan as stateBeforeScan, thumb_url as thumbUrl, art_url as artUrl
     from ${table} where library_id = ? and plex_rating_key in (select value from json_each(?))`;

const STREAM_COLUMNS = [
  'part_id',
  'plex_stream_id',
  'stream_type',
  'stream_index',
  'codec',
  'language',
  'language_code',
  'title',
  'display_title',
  'is_default',
  'is_forced',
  'is_external',
  'hearing_impaired',
  'plex_key',
  'bitrate',
  'width',
  'height',
  'frame_rate',
  'channels',
  'audio_channel_layout',
  'sampling_rate',
  'profile',
];

type Owner = 'movie_id' | 'episode_id';

/** Per-run writer: statement and tag/person id caches live as long as one run. */
export class MediaWriter {
  rowsWritten = 0;
  private readonly stmt: StatementCache;
  private readonly tagIds = new Map<string, number>();
  private readonly personIds = new Map<string, number>();
  private readonly buffers: RowBuffer[] = [];
  private readonly streamRows: RowBuffer;
  private readonly chapterRows: Record<Owner, RowBuffer>;
  private readonly markerRows: Record<Owner, RowBuffer>;
  private readonly guidRows: RowBuffer;
  private readonly tagRows: RowBuffer;
  private readonly castRows: RowBuffer;
  private readonly artwork: ArtworkRows;
  /** The keys this run chain's listing had. */
  readonly seen: SeenKeys;

  constructor(private readonly sqlite: Database.Database) {
    this.stmt = statementCache(sqlite);
    const buffer = (table: string, columns: readonly string[], tail = '', verb = 'insert') => {
      const b = new RowBuffer(
        sqlite,
        `${verb} into ${table} (${columns.join(',')})`,
        columns.length,
        tail,
        (n) => {
          this.rowsWritten += n;
        },
      );
      this.buffers.push(b);
      return b;
    };
    this.streamRows = buffer('streams', STREAM_COLUMNS);
    const chapterColumns = ['chapter_index', 'title', 'start_ms', 'end_ms', 'thumb_url'];
    this.chapterRows = {
      movie_id: buffer('chapters', ['movie_id', ...chapterColumns]),
      episode_id: buffer('chapters', ['episode_id', ...chapterColumns]),
    };
    const markerColumns = ['marker_type', 'start_ms', 'end_ms', 'is_final', 'plex_marker_id'];
    this.markerRows = {
      movie_id: buffer('markers', ['movie_id', ...markerColumns]),
      episode_id: buffer('markers', ['episode_id', ...markerColumns]),
    };
    this.guidRows = buffer('guids', ['item_kind', 'item_id', 'provider', 'value']);
    this.tagRows = buffer(
      'item_tags',
      ['item_kind', 'item_id', 'tag_id', 'position'],
      '',
      'insert or ignore',
    );
    this.castRows = buffer('cast_roles', ['item_kind', 'item_id', 'person_id', 'role', 'sort_order']);
    this.artwork = new ArtworkRows(
      buffer,
      () => this.flush(),
      (sql, ...params) => this.run(sql, ...params),
    );
    this.seen = new SeenKeys(sqlite, (n) => {
      this.rowsWritten += n;
    });
  }

  /** Writes the buffered child rows; required before the transaction around writeItem calls ends. */
  flush(): void {
    for (const b of this.buffers) b.flush();
  }

  /** Drops the buffered rows of a transaction that rolled back (their parent ids are gone with it). */
  discard(): void {
    for (const b of this.buffers) b.discard();
  }

  private run(sql: string, ...params: unknown[]): Database.RunResult {
    const r = this.stmt(sql).run(...params);
    this.rowsWritten += r.changes;
    return r;
  }

  private insert(table: string, row: Row): number {
    const cols = Object.keys(row);
    const sql = `insert into ${table} (${cols.join(',')}) values (${cols.map((c) => `@${c}`).join(',')})`;
    return Number(this.run(sql, row).lastInsertRowid);
  }

  private update(table: string, id: number, row: Row): void {
    const cols = Object.keys(row);
    this.run(
      `update ${table} set ${cols.map((c) => `${c} = ?`).join(', ')} where id = ?`,
      ...cols.map((c) => row[c]),
      id,
    );
  }

  existing(kind: ItemKind, libraryId: number, ratingKeys: readonly string[]): Map<string, ExistingItem> {
    const out = new Map<string, ExistingItem>();
    if (ratingKeys.length === 0) return out;
    const rows = this.stmt(SELECT_EXISTING(MEDIA_TABLE[kind])).all(
      libraryId,
      JSON.stringify(ratingKeys),
    ) as ExistingItem[];
    for (const r of rows) out.set(r.ratingKey, r);
    return out;
  }

  /** ratingKey -> id of every item of a kind in a library (parent lookups). */
  idsByRatingKey(kind: 'show' | 'season', libraryId: number): Map<string, number> {
    const rows = this.stmt(
      `select plex_rating_key as rk, id from ${MEDIA_TABLE[kind]} where library_id = ?`,
    ).all(libraryId) as Array<{ rk: string; id: number }>;
    return new Map(rows.map((r) => [r.rk, r.id]));
  }

  /** Undoes `scanning` left by a run that ended (or died) before finishing those items. */
  restoreScanning(libraryId: number): number {
    const n = restoreScanning(this.sqlite, libraryId);
    this.rowsWritten += n;
    return n;
  }

  /** Stores one item (row, files, streams, chapters, credits, artwork) in its decided state; buffered, see flush(). */
  writeItem(input: WriteItemInput): WriteItemResult {
    const { kind, item, existing, state, fileProblem } = input;
    const table = MEDIA_TABLE[kind];
    const now = Date.now();
    const row: Row = {
      ...item.columns,
      library_id: input.libraryId,
      state,
      state_before_scan: null,
      last_scan_at: now,
      last_seen_run_id: input.runId,
      etag: input.etag,
      detail_etag: input.detailEtag ?? existing?.detailEtag ?? null,
      removed_at: null,
      modified_at: now,
    };
    if (!existing || existing.state !== state) row.state_changed_at = now;
    // Cleared too after a failed detail fetch, which notes the error on a row that keeps its state.
    if (existing || fileProblem) row.last_error = fileProblem;
    if (fileProblem) row.last_error_at = now;
    if (input.parents) {
      if (kind === 'season' || kind === 'episode') row.show_id = input.parents.showId;
      if (kind === 'episode') row.season_id = input.parents.seasonId ?? null;
    }
    let id: number;
    if (existing) {
      id = existing.id;
      this.update(table, id, row);
    } else {
      id = this.insert(table, row);
    }
    if (input.writeChildren || !existing) this.replaceChildren(kind, id, item, input.partChecks, !existing);
    this.artwork.upsertArtwork(kind, id, 'thumb', item.artwork.thumb, !existing);
    this.artwork.upsertArtwork(kind, id, 'art', item.artwork.art, !existing);
    return { id, inserted: !existing, state };
  }

  /** Records a payload that could not be processed, in `state`: the row keeps its data. */
  writeItemError(
    input: ItemErrorInput,
    existing: ExistingItem | undefined,
    state: MediaState,
  ): number | null {
    const table = MEDIA_TABLE[input.kind];
    const now = Date.now();
    if (existing) {
      this.run(
        `update ${table} set state = ?, state_before_scan = null, state_changed_at = case when state = ? then state_changed_at else ? end,
           last_error = ?, last_error_at = ?, error_count = error_count + 1, etag = null, last_seen_run_id = ?,
           removed_at = null, modified_at = ?
         where id = ?`,
        state,
        state,
        now,
        input.message,
        now,
        input.runId,
        now,
        existing.id,
      );
      return existing.id;
    }
    const needsShow = input.kind === 'season' || input.kind === 'episode';
    if (needsShow && !input.parents) return null;
    const row: Row = {
      library_id: input.libraryId,
      plex_rating_key: input.ratingKey,
      title: input.title ?? `(item ${input.ratingKey})`,
      state,
      state_changed_at: now,
      last_error: input.message,
      last_error_at: now,
      error_count: 1,
      last_seen_run_id: input.runId,
      modified_at: now,
    };
    if (needsShow && input.parents) row.show_id = input.parents.showId;
    if (input.kind === 'episode' && input.parents) row.season_id = input.parents.seasonId ?? null;
    return this.insert(table, row);
  }

  /**
   * A listed item whose new payload could not be had (details not fetched or unreadable, or its key
   * claimed twice): its last good data and state stay, the error is noted on the row, and its etag is
   * cleared so the next run fetches it again whatever the listing says (items-to-retry.ts).
   */
  noteFetchFailure(kind: ItemKind, id: number, message: string, runId: number): void {
    const now = Date.now();
    this.run(
      `update ${MEDIA_TABLE[kind]} set last_error = ?, last_error_at = ?, error_count = error_count + 1,
         etag = null, last_seen_run_id = ?
       where id = ?`,
      message,
      now,
      runId,
      id,
    );
  }

  private owner(kind: ItemKind): 'movie_id' | 'episode_id' | null {
    return kind === 'movie' ? 'movie_id' : kind === 'episode' ? 'episode_id' : null;
  }

  /**
   * `checks`: the existence checks of the item's files, in `item.files` order. `fresh`: the item
   * row was just inserted, so it has no children to delete.
   */
  private replaceChildren(
    kind: ItemKind,
    id: number,
    item: MappedItem,
    checks: readonly PartCheck[],
    fresh: boolean,
  ): void {
    const owner = this.owner(kind);
    if (!fresh) {
      // Buffered rows could belong to this item (listed twice in one page): out before the delete.
      this.flush();
      if (owner) {
        this.run(`delete from media_versions where ${owner} = ?`, id);
        this.run(`delete from chapters where ${owner} = ?`, id);
        this.run(`delete from markers where ${owner} = ?`, id);
      }
      this.run(`delete from guids where item_kind = ? and item_id = ?`, kind, id);
      this.run(`delete from item_tags where item_kind = ? and item_id = ?`, kind, id);
      this.run(`delete from cast_roles where item_kind = ? and item_id = ?`, kind, id);
    }
    if (owner) {
      this.insertVersions(owner, id, item.versions, checks);
      const chapters = this.chapterRows[owner];
      for (const c of item.chapters)
        chapters.add(id, c.chapter_index, c.title, c.start_ms, c.end_ms, c.thumb_url);
      const markers = this.markerRows[owner];
      for (const m of item.markers)
        markers.add(id, m.marker_type, m.start_ms, m.end_ms, m.is_final, m.plex_marker_id);
    }
    for (const g of item.guids) this.guidRows.add(kind, id, g.provider, g.value);
    for (const t of item.tags) this.tagRows.add(kind, id, this.tagId(t.kind, t.name), t.position);
    for (const c of item.cast)
      this.castRows.add(kind, id, this.personId(c.name, c.tagKey, c.thumb), c.role, c.order);
  }

  private insertVersions(
    owner: Owner,
    id: number,
    versions: MappedVersion[],
    checks: readonly PartCheck[],
  ): void {
    const now = Date.now();
    const versionStmt = this.stmt(
      `insert into media_versions (${owner}, plex_media_id, position, duration, bitrate, width, height,
         aspect_ratio, audio_channels, video_codec, audio_codec, video_resolution, video_frame_rate, container,
         proxy_type)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const partStmt = this.stmt(
      `insert into media_parts (version_id, plex_part_id, position, plex_key, file, size, duration, container,
         local_path, file_state, checked_at, deleted_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let partNo = 0;
    for (const v of versions) {
      const version = versionStmt.run(
        id,
        v.plex_media_id,
        v.position,
        v.duration,
        v.bitrate,
        v.width,
        v.height,
        v.aspect_ratio,
        v.audio_channels,
        v.video_codec,
        v.audio_codec,
        v.video_resolution,
        v.video_frame_rate,
        v.container,
        v.proxy_type,
      );
      this.rowsWritten += version.changes;
      for (const p of v.parts) {
        const check = checks[partNo++];
        if (!check) throw new Error(`no file check for part ${p.plex_part_id} of item ${id}`);
        const part = partStmt.run(
          version.lastInsertRowid,
          p.plex_part_id,
          p.position,
          p.plex_key,
          storablePath(p.file),
          p.size,
          p.duration,
          p.container,
          check.localPath,
          check.state,
          now,
          p.deleted_at,
        );
        this.rowsWritten += part.changes;
        const partId = Number(part.lastInsertRowid);
        for (const st of p.streams)
          this.streamRows.add(
            partId,
            st.plex_stream_id,
            st.stream_type,
            st.stream_index,
            st.codec,
            st.language,
            st.language_code,
            st.title,
            st.display_title,
            st.is_default,
            st.is_forced,
            st.is_external,
            st.hearing_impaired,
            st.plex_key,
            st.bitrate,
            st.width,
            st.height,
            st.frame_rate,
            st.channels,
            st.audio_channel_layout,
            st.sampling_rate,
            st.profile,
          );
      }
    }
  }

  /** The stored files of an item (to check them again). */
  storedParts(kind: ItemKind, id: number): StoredPart[] {
    const owner = this.owner(kind);
    if (!owner) return [];
    return this.stmt(
      `select p.id, p.file, p.local_path as localPath, p.file_state as fileState from media_parts p
         join media_versions v on v.id = p.version_id where v.${owner} = ?`,
    ).all(id) as StoredPart[];
  }

  /** A stored file checked again: written only when the check changed. */
  recordPartCheck(part: StoredPart, check: PartCheck, now: number): void {
    if (check.localPath === part.localPath && check.state === part.fileState) return;
    this.run(
      `update media_parts set local_path = ?, file_state = ?, checked_at = ? where id = ?`,
      check.localPath,
      check.state,
      now,
      part.id,
    );
  }

  private tagId(kind: TagKind, name: string): number {
    const key = `${kind}\u0000${name}`;
    const cached = this.tagIds.get(key);
    if (cached !== undefined) return cached;
    this.run(`insert or ignore into tags (kind, name) values (?, ?)`, kind, name);
    const row = this.stmt(`select id from tags where kind = ? and name = ?`).get(kind, name) as {
      id: number;
    };
    this.tagIds.set(key, row.id);
    return row.id;
  }

  private personId(name: string, tagKey: string | null, thumb: string | null): number {
    const key = `${name}\u0000${tagKey ?? ''}`;
    const cached = this.personIds.get(key);
    if (cached !== undefined) return cached;
    const found = this.stmt(
      `select id, thumb_url as thumb from people where name = ? and plex_tag_key is ?`,
    ).get(name, tagKey) as { id: number; thumb: string | null } | undefined;
    let id: number;
    if (found) {
      id = found.id;
      if (thumb && found.thumb !== thumb) this.run(`update people set thumb_url = ? where id = ?`, thumb, id);
    } else {
      id = this.insert('people', { name, plex_tag_key: tagKey, thumb_url: thumb });
    }
    this.personIds.set(key, id);
    return id;
  }
}

/**
 * The state a `scanning` mark that remembered none is undone to (rows an older version marked;
 * runs no longer mark any). media/states.ts's scan_abandoned says the same, and
 * test/sync/units.test.ts holds the two together.
 */
export const UNREMEMBERED_SCAN_STATE: MediaState = 'normal';

/** A stored Plex path never holds a raw NUL (media/path-mapping.ts reads U+FFFD as one). */
function storablePath(plexPath: string): string {
  return plexPath.replaceAll('\u0000', '\uFFFD');
}

/**
 * Undoes the `scanning` marks of a run of this library that ended (or died) before finishing those
 * items: each goes back to the state the mark remembered.
 */
export function restoreScanning(sqlite: Database.Database, libraryId: number): number {
  const fallback = UNREMEMBERED_SCAN_STATE;
  let n = 0;
  for (const table of Object.values(MEDIA_TABLE)) {
    n += sqlite
      .prepare(
        `update ${table} set state = coalesce(state_before_scan, ?), state_before_scan = null
          where library_id = ? and state = 'scanning'`,
      )
      .run(fallback, libraryId).changes;
  }
  return n;
}
