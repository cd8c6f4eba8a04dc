// What a real Plex does to a library that our first fake never did (issue 12), each with its source:
// silent edits, re-keyed items, trash and "empty trash", optimized versions, unmounted shares, labels.
import { mediaIdFor, partIdFor } from './generator';
import { LibraryError, checkPatch, type ItemPatch, type Library } from './library';
import type { FakeItem, FakePlayable, FakeSection, FakeTag } from './types';

function playable(lib: Library, ratingKey: string): FakePlayable {
  const item = lib.get(ratingKey);
  if (!item) throw new LibraryError(`no item ${ratingKey}`);
  if (item.type !== 'movie' && item.type !== 'episode')
    throw new LibraryError(`${ratingKey} is a ${item.type}, not a video`);
  return item;
}

/**
 * An edit that moves only the item's own `updatedAt`: the section's `updatedAt`/`contentChangedAt` stay
 * (PlexKodiConnect #689, #2095, #1980: Plex "remains silent for certain types of changes"), and no
 * notification is sent.
 */
export function editSilently(lib: Library, ratingKey: string, patch: ItemPatch): FakeItem {
  checkPatch(patch);
  const item = lib.get(ratingKey);
  if (!item) throw new LibraryError(`no item ${ratingKey}`);
  Object.assign(item, patch);
  item.updatedAt = Math.max(lib.nowSeconds(), item.updatedAt + 1);
  lib.version++;
  return item;
}

/**
 * Labels are edited without moving the item's `updatedAt` (issue 12; Kometa wiki on label-based
 * collections): only a detail fetch (`Label[]`) shows them.
 */
export function setLabels(lib: Library, ratingKey: string, labels: string[]): FakeItem {
  const item = lib.get(ratingKey);
  if (!item) throw new LibraryError(`no item ${ratingKey}`);
  item.labels = labels.map((tag): FakeTag => ({ id: 5000 + hashTag(tag), tag }));
  lib.version++;
  return item;
}

function hashTag(tag: string): number {
  let h = 0;
  for (const c of tag) h = (h * 31 + c.charCodeAt(0)) % 100_000;
  return h;
}

/**
 * Plex made an optimized version: an extra `Media` with `proxyType=42` and its own file under
 * "Plex Versions" (python-plexapi `plexapi/media.py`: `Media.isOptimizedVersion` is `proxyType == 42`).
 */
export function optimize(lib: Library, ratingKey: string, target = 'Optimized for Mobile'): FakePlayable {
  const item = playable(lib, ratingKey);
  const n = item.media.length;
  if (n >= 4) throw new LibraryError(`${ratingKey} has no room for another version`);
  const source = item.media[0]!;
  const now = lib.nowSeconds();
  const mediaId = mediaIdFor(item.ratingKey, n);
  const partId = partIdFor(mediaId, 0);
  const file = source.parts[0]!.file;
  const sep = file.includes('\\') ? '\\' : '/';
  const folder = file.slice(0, file.lastIndexOf(sep));
  const name = file.slice(file.lastIndexOf(sep) + 1).replace(/\.\w+$/, '.mp4');
  item.media.push({
    ...source,
    id: mediaId,
    bitrate: 2000,
    width: 1280,
    height: 720,
    videoResolution: '720',
    videoCodec: 'h264',
    audioCodec: 'aac',
    container: 'mp4',
    proxyType: 42,
    title: target,
    target,
    parts: [
      {
        id: partId,
        key: `/library/parts/${partId}/${now}/file.mp4`,
        file: [folder, 'Plex Versions', target, name].join(sep),
        size: Math.floor(source.duration * 0.25),
        duration: source.duration,
        container: 'mp4',
      },
    ],
  });
  item.updatedAt = Math.max(now, item.updatedAt);
  lib.touch(item.sectionId, now);
  return item;
}

/**
 * A scan found the item's files gone: the item stays listed and sits in Plex's trash until the trash
 * is emptied (support.plex.tv 200289526). The item then carries `deletedAt` (views.ts; the Plex OpenAPI
 * description's recorded example); its parts carry it too, as the PMS database keeps `deleted_at` on
 * media parts (plex-api-notes §8) — that the API sends it on parts is unverified.
 */
export function trash(lib: Library, ratingKey: string): FakePlayable {
  const item = playable(lib, ratingKey);
  const now = lib.nowSeconds();
  for (const media of item.media) for (const part of media.parts) part.deletedAt ??= now;
  item.updatedAt = Math.max(now, item.updatedAt);
  lib.touch(item.sectionId, now);
  return item;
}

/** Files back (a share remounted, a file restored) before the trash was emptied. */
export function untrash(lib: Library, ratingKey: string): FakePlayable {
  const item = playable(lib, ratingKey);
  const now = lib.nowSeconds();
  for (const media of item.media) for (const part of media.parts) delete part.deletedAt;
  item.updatedAt = Math.max(now, item.updatedAt);
  lib.touch(item.sectionId, now);
  return item;
}

/**
 * A network share unmounted on the Plex server: the next scan puts every file of the library in the
 * trash at once (issue 12; jecal22/PlexServer-EmptyTrash exists because "empty trash automatically"
 * then removes the whole library).
 */
export function unmountSection(lib: Library, sectionId: number): string[] {
  const section = lib.section(sectionId);
  if (!section) throw new LibraryError(`no section ${sectionId}`);
  const types = section.type === 'movie' ? (['movie'] as const) : (['episode'] as const);
  const keys = types.flatMap((t) => lib.list(section.id, t).map((i) => i.ratingKey));
  for (const rk of keys) trash(lib, rk);
  return keys;
}

/**
 * `PUT /library/sections/{id}/emptyTrash` (python-plexapi `LibrarySection.emptyTrash`): trashed items go
 * (with seasons and shows left empty), trashed versions of items that still have files go.
 */
export function emptyTrash(lib: Library, sectionId: number): string[] {
  const section = lib.section(sectionId);
  if (!section) throw new LibraryError(`no section ${sectionId}`);
  const type = section.type === 'movie' ? 'movie' : 'episode';
  const removed: string[] = [];
  for (const listed of [...lib.list(section.id, type)]) {
    const item = lib.full(listed) as FakePlayable;
    const parts = item.media.flatMap((m) => m.parts);
    if (parts.length > 0 && parts.every((p) => p.deletedAt !== undefined)) {
      removed.push(...lib.delete(item.ratingKey));
      continue;
    }
    if (parts.some((p) => p.deletedAt !== undefined)) {
      item.media = item.media.filter((m) => m.parts.some((p) => p.deletedAt === undefined));
      for (const m of item.media) m.parts = m.parts.filter((p) => p.deletedAt === undefined);
      item.updatedAt = Math.max(lib.nowSeconds(), item.updatedAt);
      lib.touch(item.sectionId, lib.nowSeconds());
    }
  }
  return removed;
}

const hidden = new WeakMap<Library, Map<number, { section: FakeSection; at: number }>>();

/**
 * The whole library vanishes from `/library/sections` at once (its share unmounted before a rescan, or a
 * library removed and added again), then maybe comes back (issue 12: a library must never be wiped
 * because a disk went offline). Its listing answers 404 meanwhile.
 */
export function vanishSection(lib: Library, sectionId: number): void {
  const at = lib.sections.findIndex((s) => s.id === sectionId);
  if (at < 0) throw new LibraryError(`no section ${sectionId}`);
  const [section] = lib.sections.splice(at, 1);
  const map = hidden.get(lib) ?? new Map<number, { section: FakeSection; at: number }>();
  map.set(sectionId, { section: section!, at });
  hidden.set(lib, map);
  lib.version++;
}

export function restoreSection(lib: Library, sectionId: number): void {
  const entry = hidden.get(lib)?.get(sectionId);
  if (!entry) throw new LibraryError(`section ${sectionId} is not vanished`);
  lib.sections.splice(Math.min(entry.at, lib.sections.length), 0, entry.section);
  hidden.get(lib)!.delete(sectionId);
  lib.version++;
}
