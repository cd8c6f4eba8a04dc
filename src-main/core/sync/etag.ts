// Cheap change tests, computed on the raw payload before any validation (validation is the costly
// part, and an unchanged item needs none). The list etag hashes every list field except per-user
// watch state (Tunarr/ErsatzTV hash a similar subset): unchanged etag + settled state = nothing to
// fetch, nothing to write. The detail etag hashes the whole detail payload, so an unchanged detail
// (a deep scan) skips rewriting streams, chapters and credits.
import { createHash } from 'node:crypto';

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
  return createHash('sha1').update(text).digest('base64url');
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

export function detailEtag(raw: unknown): string {
  return hash(JSON.stringify(stable(raw)) ?? '');
}

/** ratingKey of an unvalidated entry, when it has a usable one. */
export function rawRatingKey(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object') return null;
  const rk = (raw as { ratingKey?: unknown }).ratingKey;
  if (typeof rk === 'string' && rk.length > 0 && rk.length <= 200) return rk;
  if (typeof rk === 'number' && Number.isInteger(rk) && rk >= 0) return String(rk);
  return null;
}

export function rawField(raw: unknown, field: string): string | number | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const v = (raw as Record<string, unknown>)[field];
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}
