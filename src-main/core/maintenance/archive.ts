// Archive and restore. Items whose files have been missing (state file_not_found) for longer than
// the retention period are copied, with everything that hangs off them, into archived_items and
// then removed; `restoreArchived` puts them back with fresh ids and the links rebuilt.
import type Database from 'better-sqlite3';
import type { ItemKind } from '../../../src-shared/domain';
import { UserError } from '../errors/errors';
import type { Store } from '../store/database';

type Row = Record<string, unknown>;

export const ARCHIVE_PAYLOAD_VERSION = 1;

interface PartSnapshot {
  row: Row;
  streams: Row[];
}
interface VersionSnapshot {
  row: Row;
  parts: PartSnapshot[];
}

/** Everything stored about one item, children included (a show's seasons and episodes). */
export interface ItemSnapshot {
  kind: ItemKind;
  row: Row;
  versions: VersionSnapshot[];
  chapters: Row[];
  /** Absent in archives written before markers were synced. */
  markers?: Row[];
  guids: Row[];
  tags: { kind: string; name: string; position: number }[];
  cast: {
    name: string;
    plexTagKey: string | null;
    thumbUrl: string | null;
    role: string | null;
    sortOrder: number;
  }[];
  artwork: Row[];
  children: ItemSnapshot[];
}

export interface ArchivePayload {
  version: number;
  /** Rating keys of the parents, needed to re-attach a season or an episode. */
  parent: { showRatingKey: string | null; seasonRatingKey: string | null };
  item: ItemSnapshot;
}

const TABLE: Record<ItemKind, string> = {
  movie: 'movies',
  show: 'shows',
  season: 'seasons',
  episode: 'episodes',
};

const OWNER_COLUMN: Partial<Record<ItemKind, string>> = { movie: 'movie_id', episode: 'episode_id' };

class Snapshotter {
  constructor(private readonly sqlite: Database.Database) {}

  private all(query: string, ...params: unknown[]): Row[] {
    return this.sqlite.prepare(query).all(...params) as Row[];
  }

  take(kind: ItemKind, id: number): ItemSnapshot {
    const row = this.sqlite.prepare(`select * from ${TABLE[kind]} where id = ?`).get(id) as Row | undefined;
    if (!row) throw new Error(`${kind} ${id} vanished while archiving`);
    const owner = OWNER_COLUMN[kind];
    const versions: VersionSnapshot[] = owner
      ? this.all(`select * from media_versions where ${owner} = ? order by position, id`, id).map((v) => ({
          row: v,
          parts: this.all('select * from media_parts where version_id = ? order by position, id', v.id).map(
            (p) => ({
              row: p,
              streams: this.all('select * from streams where part_id = ? order by id', p.id),
            }),
          ),
        }))
      : [];
    const chapters = owner
      ? this.all(`select * from chapters where ${owner} = ? order by chapter_index`, id)
      : [];
    const markers = owner
      ? this.all(`select * from markers where ${owner} = ? order by start_ms, id`, id)
      : [];
    const children: ItemSnapshot[] = [];
    if (kind === 'show') {
      for (const s of this.all('select id from seasons where show_id = ? order by season_number, id', id)) {
        children.push(this.take('season', s.id as number));
      }
      // Episodes of shows with hidden seasons hang off the show directly.
      for (const e of this.all(
        'select id from episodes where show_id = ? and season_id is null order by id',
        id,
      )) {
        children.push(this.take('episode', e.id as number));
      }
    } else if (kind === 'season') {
      for (const e of this.all(
        'select id from episodes where season_id = ? order by episode_number, id',
        id,
      )) {
        children.push(this.take('episode', e.id as number));
      }
    }
    return {
      kind,
      row,
      versions,
      chapters,
      markers,
      guids: this.all('select provider, value from guids where item_kind = ? and item_id = ?', kind, id),
      tags: this.all(
        `select t.kind, t.name, it.position from item_tags it join tags t on t.id = it.tag_id
         where it.item_kind = ? and it.item_id = ? order by it.position`,
        kind,
        id,
      ) as ItemSnapshot['tags'],
      cast: this.all(
        `select p.name, p.plex_tag_key as plexTagKey, p.thumb_url as thumbUrl, c.role, c.sort_order as sortOrder
         from cast_roles c join people p on p.id = c.person_id
         where c.item_kind = ? and c.item_id = ? order by c.sort_order`,
        kind,
        id,
      ) as ItemSnapshot['cast'],
      artwork: this.all(
        'select kind, plex_url, cache_file, bytes, fetched_at, last_error from artwork where item_kind = ? and item_id = ?',
        kind,
        id,
      ),
      children,
    };
  }
}

function* flatten(s: ItemSnapshot): Generator<ItemSnapshot> {
  yield s;
  for (const c of s.children) yield* flatten(c);
}

/** Removes the item; FKs cascade to versions, parts, streams, chapters, seasons and episodes. */
function removeItem(sqlite: Database.Database, snapshot: ItemSnapshot): void {
  for (const s of flatten(snapshot)) {
    for (const table of ['guids', 'item_tags', 'cast_roles', 'artwork']) {
      sqlite.prepare(`delete from ${table} where item_kind = ? and item_id = ?`).run(s.kind, s.row.id);
    }
  }
  sqlite.prepare(`delete from ${TABLE[snapshot.kind]} where id = ?`).run(snapshot.row.id);
}

function parentKeys(sqlite: Database.Database, kind: ItemKind, row: Row): ArchivePayload['parent'] {
  const key = (table: string, id: unknown) =>
    id == null
      ? null
      : ((
          sqlite.prepare(`select plex_rating_key as k from ${table} where id = ?`).get(id) as
            { k: string } | undefined
        )?.k ?? null);
  if (kind === 'season') return { showRatingKey: key('shows', row.show_id), seasonRatingKey: null };
  if (kind === 'episode') {
    return { showRatingKey: key('shows', row.show_id), seasonRatingKey: key('seasons', row.season_id) };
  }
  return { showRatingKey: null, seasonRatingKey: null };
}

export interface ArchiveCandidate {
  kind: ItemKind;
  id: number;
  libraryId: number;
  title: string;
  missingSince: number;
}

/**
 * Items missing for longer than the retention period. Shows before seasons before episodes, so a
 * show taken whole is not also taken piece by piece.
 */
export function findArchiveCandidates(
  store: Store,
  retentionDays: number,
  now = Date.now(),
): ArchiveCandidate[] {
  const cutoff = now - retentionDays * 86_400_000;
  const out: ArchiveCandidate[] = [];
  for (const kind of ['show', 'season', 'movie', 'episode'] as ItemKind[]) {
    const rows = store.sqlite
      .prepare(
        `select id, library_id as libraryId, title, coalesce(state_changed_at, modified_at) as missingSince
         from ${TABLE[kind]}
         where state = 'file_not_found' and coalesce(state_changed_at, modified_at) < ?
         order by id`,
      )
      .all(cutoff) as Omit<ArchiveCandidate, 'kind'>[];
    out.push(...rows.map((r) => ({ ...r, kind })));
  }
  return out;
}

export interface ArchiveReport {
  archived: number;
  /** Rows removed including children (a show counts its seasons and episodes). */
  itemsRemoved: number;
  byKind: Partial<Record<ItemKind, number>>;
  archiveIds: number[];
}

/** Archives one item and everything under it, in one transaction. Returns the archive id. */
export function archiveItem(
  store: Store,
  kind: ItemKind,
  id: number,
  now = Date.now(),
): { archiveId: number; itemsRemoved: number } {
  return store.transaction(() => {
    const snapshot = new Snapshotter(store.sqlite).take(kind, id);
    const payload: ArchivePayload = {
      version: ARCHIVE_PAYLOAD_VERSION,
      parent: parentKeys(store.sqlite, kind, snapshot.row),
      item: snapshot,
    };
    const info = store.sqlite
      .prepare(
        `insert into archived_items (library_id, item_kind, plex_rating_key, title, payload_json, archived_at)
         values (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        snapshot.row.library_id,
        kind,
        snapshot.row.plex_rating_key,
        snapshot.row.title,
        JSON.stringify(payload),
        now,
      );
    removeItem(store.sqlite, snapshot);
    return { archiveId: Number(info.lastInsertRowid), itemsRemoved: [...flatten(snapshot)].length };
  });
}

export function archiveStaleItems(
  store: Store,
  opts: { retentionDays: number; now?: number },
): ArchiveReport {
  const now = opts.now ?? Date.now();
  const report: ArchiveReport = { archived: 0, itemsRemoved: 0, byKind: {}, archiveIds: [] };
  for (const c of findArchiveCandidates(store, opts.retentionDays, now)) {
    // An earlier candidate (its show or season) may already have taken this one with it.
    const still = store.sqlite.prepare(`select 1 from ${TABLE[c.kind]} where id = ?`).get(c.id);
    if (!still) continue;
    const { archiveId, itemsRemoved } = archiveItem(store, c.kind, c.id, now);
    report.archived += 1;
    report.itemsRemoved += itemsRemoved;
    report.byKind[c.kind] = (report.byKind[c.kind] ?? 0) + 1;
    report.archiveIds.push(archiveId);
  }
  return report;
}

export interface ArchivedSummary {
  id: number;
  libraryId: number;
  itemKind: ItemKind;
  plexRatingKey: string;
  title: string;
  archivedAt: number;
  restoredAt: number | null;
}

export function listArchived(
  store: Store,
  opts: { libraryId?: number; includeRestored?: boolean; limit?: number } = {},
): ArchivedSummary[] {
  return store.sqlite
    .prepare(
      `select id, library_id as libraryId, item_kind as itemKind, plex_rating_key as plexRatingKey, title,
              archived_at as archivedAt, restored_at as restoredAt
       from archived_items
       where (? is null or library_id = ?) and (? = 1 or restored_at is null)
       order by archived_at desc, id desc limit ?`,
    )
    .all(
      opts.libraryId ?? null,
      opts.libraryId ?? null,
      opts.includeRestored ? 1 : 0,
      opts.limit ?? 100,
    ) as ArchivedSummary[];
}

class Restorer {
  restoredRows = 0;
  constructor(
    private readonly sqlite: Database.Database,
    private readonly now: number,
  ) {}

  private insert(table: string, row: Row, overrides: Row): number {
    const data: Row = { ...row, ...overrides };
    delete data.id;
    const cols = Object.keys(data);
    const info = this.sqlite
      .prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`)
      .run(...cols.map((c) => data[c]));
    return Number(info.lastInsertRowid);
  }

  private tagId(kind: string, name: string): number {
    this.sqlite.prepare('insert into tags (kind, name) values (?, ?) on conflict do nothing').run(kind, name);
    return (
      this.sqlite.prepare('select id from tags where kind = ? and name = ?').get(kind, name) as { id: number }
    ).id;
  }

  private personId(p: ItemSnapshot['cast'][number]): number {
    const found = this.sqlite
      .prepare('select id from people where name = ? and plex_tag_key is ?')
      .get(p.name, p.plexTagKey) as { id: number } | undefined;
    if (found) return found.id;
    return Number(
      this.sqlite
        .prepare('insert into people (name, plex_tag_key, thumb_url) values (?, ?, ?)')
        .run(p.name, p.plexTagKey, p.thumbUrl).lastInsertRowid,
    );
  }

  restore(s: ItemSnapshot, links: { showId?: number; seasonId?: number | null }): number {
    const overrides: Row = {};
    if (s.kind === 'season' || s.kind === 'episode') overrides.show_id = links.showId;
    if (s.kind === 'episode') overrides.season_id = links.seasonId ?? null;
    // Back as it was, but with a fresh clock so the next cleanup does not take it straight away.
    if (s.row.state === 'file_not_found') overrides.state_changed_at = this.now;
    overrides.modified_at = this.now;
    const id = this.insert(TABLE[s.kind], s.row, overrides);
    this.restoredRows += 1;
    const owner = OWNER_COLUMN[s.kind];
    if (owner) {
      for (const v of s.versions) {
        const versionId = this.insert('media_versions', v.row, {
          movie_id: null,
          episode_id: null,
          [owner]: id,
        });
        for (const p of v.parts) {
          const partId = this.insert('media_parts', p.row, { version_id: versionId });
          for (const st of p.streams) this.insert('streams', st, { part_id: partId });
        }
      }
      for (const c of s.chapters)
        this.insert('chapters', c, { movie_id: null, episode_id: null, [owner]: id });
      for (const m of s.markers ?? [])
        this.insert('markers', m, { movie_id: null, episode_id: null, [owner]: id });
    }
    for (const g of s.guids) this.insert('guids', g, { item_kind: s.kind, item_id: id });
    for (const t of s.tags) {
      this.sqlite
        .prepare('insert or ignore into item_tags (item_kind, item_id, tag_id, position) values (?, ?, ?, ?)')
        .run(s.kind, id, this.tagId(t.kind, t.name), t.position);
    }
    for (const c of s.cast) {
      this.sqlite
        .prepare(
          'insert into cast_roles (item_kind, item_id, person_id, role, sort_order) values (?, ?, ?, ?, ?)',
        )
        .run(s.kind, id, this.personId(c), c.role, c.sortOrder);
    }
    for (const a of s.artwork) this.insert('artwork', a, { item_kind: s.kind, item_id: id });
    for (const child of s.children) {
      if (s.kind === 'show') this.restore(child, { showId: id, seasonId: null });
      else if (s.kind === 'season') this.restore(child, { showId: links.showId, seasonId: id });
    }
    return id;
  }
}

export interface RestoreReport {
  archiveId: number;
  kind: ItemKind;
  itemId: number;
  title: string;
  rowsRestored: number;
}

/** Puts an archived item back. Refuses (UserError) when it cannot go back cleanly. */
export function restoreArchived(store: Store, archiveId: number, now = Date.now()): RestoreReport {
  return store.transaction(() => {
    const archived = store.sqlite.prepare('select * from archived_items where id = ?').get(archiveId) as
      Row | undefined;
    if (!archived) throw new UserError(`no archived item ${archiveId}`, 'NOT_FOUND');
    if (archived.restored_at != null) {
      throw new UserError(`archived item ${archiveId} was already restored`, 'ALREADY_RESTORED');
    }
    const payload = JSON.parse(archived.payload_json as string) as ArchivePayload;
    if (payload.version !== ARCHIVE_PAYLOAD_VERSION) {
      throw new UserError(
        `archived item ${archiveId} has payload version ${payload.version}; cannot restore`,
      );
    }
    const kind = payload.item.kind;
    const libraryId = archived.library_id as number;
    if (!store.sqlite.prepare('select 1 from libraries where id = ?').get(libraryId)) {
      throw new UserError(`archived item ${archiveId}: its library ${libraryId} no longer exists`);
    }
    const clash = store.sqlite
      .prepare(`select id from ${TABLE[kind]} where library_id = ? and plex_rating_key = ?`)
      .get(libraryId, archived.plex_rating_key);
    if (clash) {
      throw new UserError(
        `archived item ${archiveId}: "${String(archived.title)}" is in the library again (synced back); nothing to restore`,
        'CONFLICT',
      );
    }
    const findId = (table: string, ratingKey: string | null): number | undefined =>
      ratingKey === null
        ? undefined
        : (
            store.sqlite
              .prepare(`select id from ${table} where library_id = ? and plex_rating_key = ?`)
              .get(libraryId, ratingKey) as { id: number } | undefined
          )?.id;
    const links: { showId?: number; seasonId?: number | null } = {};
    if (kind === 'season' || kind === 'episode') {
      links.showId = findId('shows', payload.parent.showRatingKey);
      if (links.showId === undefined) {
        throw new UserError(
          `archived item ${archiveId}: its show is not in the library; restore the show first`,
        );
      }
      links.seasonId = findId('seasons', payload.parent.seasonRatingKey) ?? null;
    }
    const restorer = new Restorer(store.sqlite, now);
    const itemId = restorer.restore(payload.item, links);
    store.sqlite.prepare('update archived_items set restored_at = ? where id = ?').run(now, archiveId);
    return { archiveId, kind, itemId, title: String(archived.title), rowsRestored: restorer.restoredRows };
  });
}
