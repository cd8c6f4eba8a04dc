import type { Library } from './library';
import { XML_TAG, type TaggedNode, type XNode } from './serialize';
import type { FakeItem, FakeMedia, FakePlayable, FakeRole, FakeSection, FakeStream, FakeTag } from './types';

export interface ViewOptions {
  detail: boolean;
  includeGuids: boolean;
  includeChapters: boolean;
  includeMarkers: boolean;
  checkFiles: boolean;
  /** Put librarySectionID/Title/Key on each item (detail endpoints) instead of only on the container. */
  sectionOnItem: boolean;
  excludeFields?: Set<string>;
  excludeElements?: Set<string>;
  /** Test-chosen attribute overrides per ratingKey (`null` removes the attribute). */
  corrupt?: Map<string, Record<string, unknown>>;
}

/** Plex list views show only the first few tags of each kind. */
const LIST_TAG_LIMIT = { Genre: 2, Country: 2, Director: 1, Writer: 1, Role: 3 } as const;

export function sectionNode(section: FakeSection): XNode {
  const node: XNode = {
    allowSync: true,
    art: section.type === 'movie' ? '/:/resources/movie-fanart.jpg' : '/:/resources/show-fanart.jpg',
    composite: `/library/sections/${section.key}/composite/${section.updatedAt}`,
    filters: true,
    refreshing: false,
    thumb: section.type === 'movie' ? '/:/resources/movie.png' : '/:/resources/show.png',
    key: section.key,
    type: section.type,
    title: section.title,
    agent: section.agent,
    scanner: section.scanner,
    language: section.language,
    uuid: section.uuid,
    updatedAt: section.updatedAt,
    createdAt: section.createdAt,
    scannedAt: section.scannedAt,
    content: true,
    directory: true,
    contentChangedAt: section.contentChangedAt,
    hidden: 0,
    Location: section.locations.map((l) => ({ id: l.id, path: l.path })),
  };
  return node;
}

function imagePath(item: FakeItem, kind: 'thumb' | 'art'): string {
  return `/library/metadata/${item.ratingKey}/${kind}/${item.updatedAt}`;
}

function tags(
  kind: keyof typeof LIST_TAG_LIMIT,
  filter: string,
  list: FakeTag[],
  detail: boolean,
): XNode[] | undefined {
  if (!list.length) return undefined;
  if (!detail) return list.slice(0, LIST_TAG_LIMIT[kind]).map((t) => ({ tag: t.tag }));
  return list.map((t) => ({ id: t.id, filter: `${filter}=${t.id}`, tag: t.tag }));
}

function roles(list: FakeRole[], detail: boolean): XNode[] | undefined {
  if (!list.length) return undefined;
  if (!detail) return list.slice(0, LIST_TAG_LIMIT.Role).map((r) => ({ tag: r.person.tag }));
  return list.map((r) => ({
    id: r.person.id,
    filter: `actor=${r.person.id}`,
    tag: r.person.tag,
    tagKey: r.person.tagKey,
    role: r.role,
    thumb: r.person.thumb,
  }));
}

function streamNode(s: FakeStream): XNode {
  return { ...s } as XNode;
}

function mediaNodes(lib: Library, item: FakePlayable, opts: ViewOptions): XNode[] {
  const details = opts.detail ? lib.detailsOf(item) : undefined;
  return item.media.map((m: FakeMedia) => ({
    id: m.id,
    duration: m.duration,
    bitrate: m.bitrate,
    width: m.width,
    height: m.height,
    aspectRatio: m.aspectRatio,
    audioChannels: m.audioChannels,
    audioCodec: m.audioCodec,
    videoCodec: m.videoCodec,
    videoResolution: m.videoResolution,
    container: m.container,
    videoFrameRate: m.videoFrameRate,
    videoProfile: m.parts[0]?.videoProfile,
    proxyType: m.proxyType,
    title: m.title,
    target: m.target,
    Part: m.parts.map((p) => {
      const part: XNode = {
        id: p.id,
        key: p.key,
        duration: p.duration,
        file: p.file,
        size: p.size,
        container: p.container,
        videoProfile: p.videoProfile,
      };
      if (p.deletedAt !== undefined) part.deletedAt = p.deletedAt;
      if (opts.checkFiles) {
        part.accessible = p.deletedAt === undefined;
        part.exists = p.deletedAt === undefined;
      }
      const streams = details?.streams.get(p.id);
      if (streams) part.Stream = streams.map(streamNode);
      return part;
    }),
  }));
}

/** One metadata item as Plex shows it in a list (`detail: false`) or on its detail endpoint. */
export function itemNode(lib: Library, item: FakeItem, opts: ViewOptions): TaggedNode {
  const d = opts.detail;
  const node: TaggedNode = {
    ratingKey: item.ratingKey,
    key:
      item.type === 'show' || item.type === 'season'
        ? `/library/metadata/${item.ratingKey}/children`
        : `/library/metadata/${item.ratingKey}`,
    guid: item.guid,
    type: item.type,
    title: item.title,
  };
  const section = lib.section(item.sectionId);
  if (opts.sectionOnItem && section) {
    node.librarySectionTitle = section.title;
    node.librarySectionID = section.id;
    node.librarySectionKey = `/library/sections/${section.key}`;
  }
  if (item.type === 'season' || item.type === 'episode') {
    const show = lib.get(item.showKey);
    const season = item.type === 'episode' ? lib.get(item.seasonKey) : undefined;
    if (item.type === 'episode') {
      node.grandparentRatingKey = item.showKey;
      node.grandparentKey = `/library/metadata/${item.showKey}`;
      node.grandparentGuid = show?.guid;
      node.grandparentTitle = show?.title;
      node.grandparentThumb = show?.hasThumb ? imagePath(show, 'thumb') : undefined;
      node.grandparentArt = show?.hasArt ? imagePath(show, 'art') : undefined;
      if (season) {
        const hidden = show?.type === 'show' && show.skipChildren === true;
        // Hidden seasons: no parentKey/parentRatingKey, but parentIndex and parentThumb stay, which is how
        // python-plexapi finds the season (`plexapi/video.py` Episode `_season`; python-plexapi #655/#657).
        if (!hidden) {
          node.parentRatingKey = season.ratingKey;
          node.parentKey = `/library/metadata/${season.ratingKey}`;
          node.parentGuid = season.guid;
        }
        node.parentThumb = season.hasThumb ? imagePath(season, 'thumb') : undefined;
        node.parentTitle = season.title;
        node.parentIndex = season.type === 'season' ? season.index : undefined;
        if (hidden) node.skipParent = true;
      }
    } else {
      node.parentRatingKey = item.showKey;
      node.parentKey = `/library/metadata/${item.showKey}`;
      node.parentGuid = show?.guid;
      node.parentTitle = show?.title;
      node.parentYear = show?.year;
      node.parentThumb = show?.hasThumb ? imagePath(show, 'thumb') : undefined;
    }
  }
  node.titleSort = item.titleSort;
  node.originalTitle = item.originalTitle;
  node.studio = item.studio;
  node.contentRating = item.contentRating;
  node.summary = item.summary;
  node.rating = item.rating;
  if (item.type === 'season' || item.type === 'episode') node.index = item.index;
  if (item.type === 'show') node.index = 1;
  node.year = item.year;
  if (item.type === 'movie') {
    node.tagline = item.tagline;
    node.editionTitle = item.editionTitle;
  }
  node.thumb = item.hasThumb ? imagePath(item, 'thumb') : undefined;
  node.art = item.hasArt ? imagePath(item, 'art') : undefined;
  if (item.type === 'movie' || item.type === 'episode') node.duration = item.duration;
  node.originallyAvailableAt = item.originallyAvailableAt;
  if (item.type === 'show') {
    if (item.skipChildren) node.skipChildren = true;
    node.leafCount = lib.leafCount(item);
    node.viewedLeafCount = 0;
    node.childCount = item.seasonKeys.length;
  }
  if (item.type === 'season') {
    node.leafCount = item.episodeKeys.length;
    node.viewedLeafCount = 0;
  }
  node.addedAt = item.addedAt;
  node.updatedAt = item.updatedAt;
  if (item.type === 'movie' || item.type === 'episode') {
    // A trashed item carries `deletedAt` on the item itself: the recorded example of the Plex
    // OpenAPI description (LukeHagar/plex-api-spec plex-api-spec.yaml, /library/sections/{id}/albums:
    // a Metadata entry with `deletedAt: 1682628386`). The same stamp on its parts mirrors the PMS
    // database's media_parts.deleted_at (plex-api-notes §8); whether the API sends that one is unverified.
    const parts = item.media.filter((m) => m.proxyType !== 42).flatMap((m) => m.parts);
    if (parts.length > 0 && parts.every((p) => p.deletedAt !== undefined))
      node.deletedAt = Math.max(...parts.map((p) => p.deletedAt!));
    node.Media = mediaNodes(lib, item, opts);
    if (d && opts.includeChapters) {
      const chapters = lib.detailsOf(item).chapters;
      if (chapters.length) node.Chapter = chapters.map((c) => ({ ...c, filter: `thumb=${c.id}` }) as XNode);
    }
    if (d && opts.includeMarkers) {
      const markers = lib.detailsOf(item).markers;
      if (markers.length) node.Marker = markers.map((m) => ({ ...m }) as XNode);
    }
  }
  node.Genre = tags('Genre', 'genre', item.genres, d);
  node.Country = tags('Country', 'country', item.countries, d);
  node.Director = tags('Director', 'director', item.directors, d);
  node.Writer = tags('Writer', 'writer', item.writers, d);
  node.Role = roles(item.roles, d);
  if (d && item.labels?.length)
    node.Label = item.labels.map((t) => ({ id: t.id, filter: `label=${t.id}`, tag: t.tag }));
  if ((d || opts.includeGuids) && item.guids.length) node.Guid = item.guids.map((id) => ({ id }));
  node[XML_TAG] = item.type === 'movie' || item.type === 'episode' ? 'Video' : 'Directory';
  applyShaping(node, item.ratingKey, opts);
  return node;
}

function applyShaping(node: TaggedNode, ratingKey: string, opts: ViewOptions): void {
  if (opts.excludeFields) for (const field of opts.excludeFields) delete node[field];
  if (opts.excludeElements) for (const element of opts.excludeElements) delete node[element];
  const corrupt = opts.corrupt?.get(ratingKey);
  if (corrupt) for (const [path, value] of Object.entries(corrupt)) corruptAt(node, path.split('.'), value);
}

/**
 * Overrides one attribute, reached by a dotted path through child arrays (`duration`, `Media.0.Part.0.size`);
 * `null` removes it. Paths that do not exist in this answer (e.g. streams in a list view) are skipped.
 */
function corruptAt(node: XNode, path: string[], value: unknown): void {
  let target: unknown = node;
  for (const step of path.slice(0, -1)) {
    if (target === null || typeof target !== 'object') return;
    target = (target as Record<string, unknown>)[step];
  }
  const last = path.at(-1);
  if (last === undefined || target === null || typeof target !== 'object') return;
  const record = target as Record<string, unknown>;
  if (value === null) delete record[last];
  else record[last] = value;
}
