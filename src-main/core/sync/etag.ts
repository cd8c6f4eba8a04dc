// Cheap change tests, computed on the raw payload before any validation (validation is the costly
// part, and an unchanged item needs none). The list etag hashes every list field except per-user
// watch state (Tunarr/ErsatzTV hash a similar subset): unchanged etag + settled state = nothing to
// fetch, nothing to write. The detail etag hashes the detail fields that become child rows (files,
// streams, chapters, ids, tags, credits), so a detail whose children did not change (a deep scan,
// or an edit of the summary or title) skips rewriting them.
import { hash as digest } from 'node:crypto';

/** Per-user fields that change with watching, not with the library. */
const VOLATILE = new Set([
  'viewCount',
  'viewOffset',
  'lastViewedAt',
  'skipCount',
  'lastRatedAt',
  'userRating',
  'viewedLeafCount',
  'lastSkippedAt',
]);

function hash(text: string): string {
  return digest('sha1', text, 'base64url');
}

/** The item without its watch-state fields (they sit on the item itself, never deeper). */
function stable(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  let volatile = false;
  for (const k of VOLATILE) if (k in raw) volatile = true;
  if (!volatile) return raw;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!VOLATILE.has(k)) out[k] = v;
  return out;
}

export function listEtag(raw: unknown): string {
  return hash(JSON.stringify(stable(raw)) ?? '');
}

/** Every field MediaWriter turns into child rows (replaceChildren), in a fixed order. */
const CHILD_FIELDS = [
  'guid',
  'Guid',
  'studio',
  'Genre',
  'Director',
  'Writer',
  'Country',
  'Role',
  'Media',
  'Chapter',
  'Marker',
  'Label',
];

export function detailEtag(raw: unknown): string {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return hash(JSON.stringify(raw) ?? '');
  const r = raw as Record<string, unknown>;
  return hash(JSON.stringify(CHILD_FIELDS.map((k) => r[k] ?? null)));
}

/**
 * ratingKey of an unvalidated entry, when it has a usable one. Plex's JSON always sends it as a
 * string; a number, an object or an empty string is a broken entry, not a key to store.
 */
export function rawRatingKey(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return null;
  const rk = (raw as { ratingKey?: unknown }).ratingKey;
  // eslint-disable-next-line no-control-regex
  if (typeof rk === 'string' && rk.length > 0 && rk.length <= 200 && !/[\u0000-\u001f]/.test(rk)) return rk;
  return null;
}

export function rawField(raw: unknown, field: string): string | number | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const v = (raw as Record<string, unknown>)[field];
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}
