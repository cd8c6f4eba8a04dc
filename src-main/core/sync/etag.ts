// Cheap change tests. The list etag hashes the list fields that matter (Tunarr/ErsatzTV do the
// same): unchanged etag + settled state = nothing to fetch, nothing to write. The detail etag
// hashes what only the detail endpoint has, so an unchanged detail skips rewriting child rows.
import { createHash } from 'node:crypto';
import type { PlexItem, PlexMedia } from '../plex/payloads';

function hash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url');
}

const mediaShape = (media: PlexMedia[] | undefined) =>
  (media ?? []).map((m) => [m.id, m.Part.map((p) => [p.id, p.key, p.file, p.size, p.duration, p.container])]);

const tagNames = (tags: Array<{ tag: string }> | undefined) => (tags ?? []).map((t) => t.tag);

export function listEtag(item: PlexItem): string {
  const common = [
    item.type,
    item.ratingKey,
    item.guid,
    item.title,
    item.titleSort,
    item.originalTitle,
    item.summary,
    item.year,
    item.originallyAvailableAt,
    item.contentRating,
    item.duration,
    item.addedAt,
    item.updatedAt,
    item.thumb,
    item.art,
    item.studio,
    (item.Guid ?? []).map((g) => g.id),
    tagNames(item.Genre),
    tagNames(item.Director),
    tagNames(item.Writer),
    tagNames(item.Country),
    tagNames(item.Role),
  ];
  switch (item.type) {
    case 'movie':
      return hash([common, item.tagline, item.editionTitle, mediaShape(item.Media)]);
    case 'show':
      return hash([common, item.childCount, item.leafCount]);
    case 'season':
      return hash([common, item.index, item.parentRatingKey, item.leafCount]);
    case 'episode':
      return hash([
        common,
        item.index,
        item.parentIndex,
        item.parentRatingKey,
        item.grandparentRatingKey,
        mediaShape(item.Media),
      ]);
  }
}

/** Hash of a detail payload as a whole (streams, chapters, full credits and everything else). */
export function detailEtag(item: PlexItem): string {
  return hash(item);
}
