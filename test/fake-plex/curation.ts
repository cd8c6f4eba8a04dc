// Collections and video playlists at their real endpoints (plex-api-notes §8; python-plexapi
// `plexapi/collection.py`, `plexapi/playlist.py`; ErsatzTV `PlexServerApiClient.cs` pages
// `/library/collections/{id}/children`). Collection and label edits do not move the members' `updatedAt`
// nor the section's stamps (issue 12; PlexKodiConnect #689: "new collections" go unnoticed).
import { LibraryError, type Library } from './library';
import type { FakeCollection, FakePlaylist, ListedItem } from './types';
import { XML_TAG, type TaggedNode } from './serialize';

/** Collections and playlists get ratingKeys from their own range, so adding one shifts no item key. */
const nextKeys = new WeakMap<Library, number>();
function newKey(lib: Library): string {
  const key = nextKeys.get(lib) ?? 900_000;
  nextKeys.set(lib, key + 1);
  return String(key);
}

export interface CollectionInput {
  sectionId: number;
  title: string;
  smart?: boolean;
  memberKeys: string[];
  labels?: string[];
}

export interface PlaylistInput {
  title: string;
  smart?: boolean;
  itemKeys: string[];
}

function requireItems(lib: Library, keys: string[]): void {
  const missing = keys.filter((k) => !lib.get(k));
  if (missing.length) throw new LibraryError(`no item ${missing.join(', ')}`);
}

export function addCollection(lib: Library, input: CollectionInput): FakeCollection {
  if (!lib.section(input.sectionId)) throw new LibraryError(`no section ${input.sectionId}`);
  requireItems(lib, input.memberKeys);
  const now = lib.nowSeconds();
  const ratingKey = newKey(lib);
  const collection: FakeCollection = {
    ratingKey,
    sectionId: input.sectionId,
    guid: `collection://${ratingKey.padStart(32, '0')}`,
    title: input.title,
    smart: input.smart ?? false,
    ...(input.smart ? { content: `/library/sections/${input.sectionId}/all?type=1&label=1` } : {}),
    memberKeys: [...input.memberKeys],
    labels: input.labels ?? [],
    addedAt: now,
    updatedAt: now,
  };
  lib.collections.push(collection);
  lib.version++;
  return collection;
}

/**
 * New members. A regular collection's own `updatedAt`/`childCount` move; a smart collection's result
 * changes silently (its members follow the library, the collection entry stays the same).
 */
export function setCollectionMembers(lib: Library, ratingKey: string, memberKeys: string[]): FakeCollection {
  const collection = lib.collections.find((c) => c.ratingKey === ratingKey);
  if (!collection) throw new LibraryError(`no collection ${ratingKey}`);
  requireItems(lib, memberKeys);
  collection.memberKeys = [...memberKeys];
  if (!collection.smart) collection.updatedAt = Math.max(lib.nowSeconds(), collection.updatedAt + 1);
  lib.version++;
  return collection;
}

export function deleteCollection(lib: Library, ratingKey: string): void {
  const i = lib.collections.findIndex((c) => c.ratingKey === ratingKey);
  if (i < 0) throw new LibraryError(`no collection ${ratingKey}`);
  lib.collections.splice(i, 1);
  lib.version++;
}

export function addPlaylist(lib: Library, input: PlaylistInput): FakePlaylist {
  requireItems(lib, input.itemKeys);
  const now = lib.nowSeconds();
  const ratingKey = newKey(lib);
  const playlist: FakePlaylist = {
    ratingKey,
    guid: `com.plexapp.agents.none://${ratingKey.padStart(32, '0')}`,
    title: input.title,
    smart: input.smart ?? false,
    ...(input.smart ? { content: `/library/sections/2/all?type=4&unwatched=1` } : {}),
    itemKeys: [...input.itemKeys],
    addedAt: now,
    updatedAt: now,
  };
  lib.playlists.push(playlist);
  lib.version++;
  return playlist;
}

/** Reorders or replaces a playlist's items; a regular playlist's `updatedAt` moves, a smart one's does not. */
export function setPlaylistItems(lib: Library, ratingKey: string, itemKeys: string[]): FakePlaylist {
  const playlist = lib.playlists.find((p) => p.ratingKey === ratingKey);
  if (!playlist) throw new LibraryError(`no playlist ${ratingKey}`);
  requireItems(lib, itemKeys);
  playlist.itemKeys = [...itemKeys];
  if (!playlist.smart) playlist.updatedAt = Math.max(lib.nowSeconds(), playlist.updatedAt + 1);
  lib.version++;
  return playlist;
}

/** Members still in the library (a deleted item leaves its collections and playlists, as in Plex). */
export function liveMembers(lib: Library, keys: string[]): ListedItem[] {
  return keys.map((k) => lib.get(k)).filter((i): i is NonNullable<typeof i> => i !== undefined);
}

export function collectionNode(lib: Library, c: FakeCollection): TaggedNode {
  const section = lib.section(c.sectionId);
  return {
    [XML_TAG]: 'Directory',
    ratingKey: c.ratingKey,
    key: `/library/collections/${c.ratingKey}/children`,
    guid: c.guid,
    type: 'collection',
    title: c.title,
    subtype: section?.type === 'show' ? 'show' : 'movie',
    // Plex sends smart as 0/1 on collections (python-plexapi reads it with utils.cast(bool, ...)).
    smart: c.smart ? 1 : 0,
    content: c.content,
    librarySectionID: c.sectionId,
    librarySectionTitle: section?.title,
    childCount: liveMembers(lib, c.memberKeys).length,
    addedAt: c.addedAt,
    updatedAt: c.updatedAt,
    thumb: `/library/collections/${c.ratingKey}/composite/${c.updatedAt}`,
    Label: c.labels.length ? c.labels.map((tag) => ({ tag })) : undefined,
  };
}

export function playlistNode(lib: Library, p: FakePlaylist): TaggedNode {
  const items = liveMembers(lib, p.itemKeys);
  return {
    [XML_TAG]: 'Playlist',
    ratingKey: p.ratingKey,
    key: `/playlists/${p.ratingKey}/items`,
    guid: p.guid,
    type: 'playlist',
    title: p.title,
    playlistType: 'video',
    smart: p.smart,
    content: p.content,
    leafCount: items.length,
    duration: items.reduce((n, i) => n + ('duration' in i ? i.duration : 0), 0),
    addedAt: p.addedAt,
    updatedAt: p.updatedAt,
    composite: `/playlists/${p.ratingKey}/composite/${p.updatedAt}`,
  };
}
