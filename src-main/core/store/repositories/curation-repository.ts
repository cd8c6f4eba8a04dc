// Collections (per library) and video playlists (per server) with their ordered members. Each row
// keeps two hashes, of its list entry and of its ordered member keys, so an unchanged collection or
// playlist costs no write.
import type Database from 'better-sqlite3';
import type { ItemKind } from '../../../../src-shared/domain';

export interface Member {
  kind: ItemKind;
  ratingKey: string;
  /** Playlists only: Plex's playlistItemID. */
  plexItemId?: number | null;
}

export interface CurationEntry {
  ratingKey: string;
  guid: string | null;
  title: string;
  smart: boolean;
  content: string | null;
  addedAt: number | null;
  updatedAt: number | null;
  etag: string;
}

export interface CollectionEntry extends CurationEntry {
  childCount: number | null;
  labels: string[];
}

export interface PlaylistEntry extends CurationEntry {
  leafCount: number | null;
  duration: number | null;
}

export interface StoredCuration {
  id: number;
  ratingKey: string;
  etag: string | null;
  membersHash: string | null;
}

export function storedCollections(sqlite: Database.Database, libraryId: number): Map<string, StoredCuration> {
  const rows = sqlite
    .prepare(
      `select id, plex_rating_key as ratingKey, etag, members_hash as membersHash from collections where library_id = ?`,
    )
    .all(libraryId) as StoredCuration[];
  return new Map(rows.map((r) => [r.ratingKey, r]));
}

export function storedPlaylists(sqlite: Database.Database, serverId: number): Map<string, StoredCuration> {
  const rows = sqlite
    .prepare(
      `select id, plex_rating_key as ratingKey, etag, items_hash as membersHash from playlists where server_id = ?`,
    )
    .all(serverId) as StoredCuration[];
  return new Map(rows.map((r) => [r.ratingKey, r]));
}

/** Inserts or updates one collection; members are replaced only when given (their hash moved). */
export function writeCollection(
  sqlite: Database.Database,
  libraryId: number,
  entry: CollectionEntry,
  stored: StoredCuration | undefined,
  members: { hash: string; list: Member[] } | null,
): number {
  let changes = 0;
  const values = {
    library_id: libraryId,
    plex_rating_key: entry.ratingKey,
    plex_guid: entry.guid,
    title: entry.title,
    smart: entry.smart ? 1 : 0,
    content: entry.content,
    child_count: entry.childCount,
    labels_json: JSON.stringify(entry.labels),
    added_at: entry.addedAt,
    updated_at: entry.updatedAt,
    etag: entry.etag,
    modified_at: Date.now(),
  };
  let id = stored?.id;
  if (!stored) {
    const r = sqlite
      .prepare(
        `insert into collections (library_id, plex_rating_key, plex_guid, title, smart, content, child_count,
           labels_json, added_at, updated_at, etag, modified_at)
         values (@library_id, @plex_rating_key, @plex_guid, @title, @smart, @content, @child_count,
           @labels_json, @added_at, @updated_at, @etag, @modified_at)`,
      )
      .run(values);
    id = Number(r.lastInsertRowid);
    changes += r.changes;
  } else if (stored.etag !== entry.etag) {
    changes += sqlite
      .prepare(
        `update collections set plex_guid = @plex_guid, title = @title, smart = @smart, content = @content,
           child_count = @child_count, labels_json = @labels_json, added_at = @added_at, updated_at = @updated_at,
           etag = @etag, modified_at = @modified_at where id = @id`,
      )
      .run({ ...values, id }).changes;
  }
  if (members && members.hash !== stored?.membersHash) {
    changes += replaceMembers(sqlite, 'collection_items', 'collection_id', id!, members.list, false);
    changes += sqlite
      .prepare(`update collections set members_hash = ? where id = ?`)
      .run(members.hash, id).changes;
  }
  return changes;
}

export function writePlaylist(
  sqlite: Database.Database,
  serverId: number,
  entry: PlaylistEntry,
  stored: StoredCuration | undefined,
  items: { hash: string; list: Member[] } | null,
): number {
  let changes = 0;
  const values = {
    server_id: serverId,
    plex_rating_key: entry.ratingKey,
    plex_guid: entry.guid,
    title: entry.title,
    smart: entry.smart ? 1 : 0,
    content: entry.content,
    leaf_count: entry.leafCount,
    duration: entry.duration,
    added_at: entry.addedAt,
    updated_at: entry.updatedAt,
    etag: entry.etag,
    modified_at: Date.now(),
  };
  let id = stored?.id;
  if (!stored) {
    const r = sqlite
      .prepare(
        `insert into playlists (server_id, plex_rating_key, plex_guid, title, smart, content, leaf_count, duration,
           added_at, updated_at, etag, modified_at)
         values (@server_id, @plex_rating_key, @plex_guid, @title, @smart, @content, @leaf_count, @duration,
           @added_at, @updated_at, @etag, @modified_at)`,
      )
      .run(values);
    id = Number(r.lastInsertRowid);
    changes += r.changes;
  } else if (stored.etag !== entry.etag) {
    changes += sqlite
      .prepare(
        `update playlists set plex_guid = @plex_guid, title = @title, smart = @smart, content = @content,
           leaf_count = @leaf_count, duration = @duration, added_at = @added_at, updated_at = @updated_at,
           etag = @etag, modified_at = @modified_at where id = @id`,
      )
      .run({ ...values, id }).changes;
  }
  if (items && items.hash !== stored?.membersHash) {
    changes += replaceMembers(sqlite, 'playlist_items', 'playlist_id', id!, items.list, true);
    changes += sqlite.prepare(`update playlists set items_hash = ? where id = ?`).run(items.hash, id).changes;
  }
  return changes;
}

function replaceMembers(
  sqlite: Database.Database,
  table: 'collection_items' | 'playlist_items',
  owner: 'collection_id' | 'playlist_id',
  id: number,
  list: Member[],
  withItemId: boolean,
): number {
  let changes = sqlite.prepare(`delete from ${table} where ${owner} = ?`).run(id).changes;
  const insert = sqlite.prepare(
    withItemId
      ? `insert into ${table} (${owner}, position, item_kind, plex_rating_key, plex_item_id) values (?, ?, ?, ?, ?)`
      : `insert into ${table} (${owner}, position, item_kind, plex_rating_key) values (?, ?, ?, ?)`,
  );
  list.forEach((m, position) => {
    const params: unknown[] = [id, position, m.kind, m.ratingKey];
    if (withItemId) params.push(m.plexItemId ?? null);
    changes += insert.run(...params).changes;
  });
  return changes;
}

/** Removes collections/playlists a complete listing no longer has. */
export function removeCurations(
  sqlite: Database.Database,
  table: 'collections' | 'playlists',
  ids: number[],
): number {
  if (ids.length === 0) return 0;
  return sqlite
    .prepare(`delete from ${table} where id in (select value from json_each(?))`)
    .run(JSON.stringify(ids)).changes;
}
