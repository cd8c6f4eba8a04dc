// zod schemas for what a Plex Media Server sends. Tolerant where Plex is loose (absent fields,
// booleans sent as 0/1, ids as numbers or strings), strict where a wrong value would corrupt the
// copy (wrong types, negative sizes, absurd dates): such an item fails validation on its own and
// the rest of its page goes on.
//
// contentChangedAt is an int64 counter that can exceed 2^53. We accept it as a JSON number and keep
// its decimal string: it is only ever compared for equality with what the same server said before,
// so a value rounded identically by JSON.parse on both occasions still detects every change that
// moves it by more than the double's precision (any change below 2^53, which covers real servers).
import { z } from 'zod';

/** Plex ids (`ratingKey`, `key`) are strings; tolerate numbers and keep them as strings. */
const id = z.union([z.string().min(1).max(200), z.number().int().nonnegative()]).transform(String);
const boolish = z.union([z.boolean(), z.literal(0), z.literal(1)]).transform((v) => v === true || v === 1);
const str = z.string().max(100_000);
const shortStr = z.string().max(2000);
/** Unix seconds between 1900 and 2200; anything else is absurd. */
const unixSeconds = z.number().int().min(-2_208_988_800).max(7_258_118_400);
/** Milliseconds, up to 30 days (a 720-hour "movie" is not real data). */
const durationMs = z.number().int().min(0).max(2_592_000_000);
const smallInt = z.number().int().min(0).max(1_000_000);
const year = z.number().int().min(1800).max(2200);
const positiveInt = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const dateStr = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected YYYY-MM-DD');

export const sectionSchema = z.object({
  key: id,
  type: z.string(),
  title: shortStr,
  agent: shortStr.optional(),
  scanner: shortStr.optional(),
  language: shortStr.optional(),
  uuid: shortStr.optional(),
  updatedAt: unixSeconds.optional(),
  scannedAt: unixSeconds.optional(),
  contentChangedAt: z
    .union([z.number().nonnegative(), z.string().regex(/^\d+$/)])
    .transform((v) => (typeof v === 'number' ? BigInt(Math.trunc(v)).toString() : v))
    .optional(),
  Location: z.array(z.object({ path: str })).optional(),
});

const tag = z.object({ tag: shortStr, id: z.number().int().optional() });
const role = z.object({
  tag: shortStr,
  id: z.number().int().optional(),
  role: shortStr.optional(),
  tagKey: shortStr.optional(),
  thumb: shortStr.optional(),
});
const guid = z.object({ id: shortStr });

export const streamSchema = z.object({
  id: positiveInt,
  streamType: z.number().int(),
  index: smallInt.optional(),
  codec: shortStr.optional(),
  language: shortStr.optional(),
  languageCode: shortStr.optional(),
  title: shortStr.optional(),
  displayTitle: shortStr.optional(),
  default: boolish.optional(),
  forced: boolish.optional(),
  hearingImpaired: boolish.optional(),
  key: shortStr.optional(),
  bitrate: positiveInt.optional(),
  width: smallInt.optional(),
  height: smallInt.optional(),
  frameRate: z.number().min(0).max(1000).optional(),
  channels: smallInt.optional(),
  audioChannelLayout: shortStr.optional(),
  samplingRate: positiveInt.optional(),
  profile: shortStr.optional(),
});
export type PlexStream = z.infer<typeof streamSchema>;

export const partSchema = z.object({
  id: positiveInt,
  key: shortStr.optional(),
  /** Set while the file is gone and the item sits in Plex's trash (support.plex.tv 200289526). */
  deletedAt: unixSeconds.optional(),
  file: z.string().min(1).max(4096),
  size: positiveInt.optional(),
  duration: durationMs.optional(),
  container: shortStr.optional(),
  Stream: z.array(streamSchema).optional(),
});

export const mediaSchema = z.object({
  id: positiveInt,
  duration: durationMs.optional(),
  bitrate: positiveInt.optional(),
  width: smallInt.optional(),
  height: smallInt.optional(),
  aspectRatio: z.number().min(0).max(100).optional(),
  audioChannels: smallInt.optional(),
  videoCodec: shortStr.optional(),
  audioCodec: shortStr.optional(),
  videoResolution: shortStr.optional(),
  videoFrameRate: shortStr.optional(),
  container: shortStr.optional(),
  /** 42: an optimized version Plex made (python-plexapi `Media.isOptimizedVersion`). */
  proxyType: z.number().int().optional(),
  Part: z.array(partSchema).default([]),
});
export type PlexMedia = z.infer<typeof mediaSchema>;

export const chapterSchema = z.object({
  index: smallInt,
  tag: shortStr.optional(),
  startTimeOffset: durationMs,
  endTimeOffset: durationMs,
  thumb: shortStr.optional(),
});
export type PlexChapter = z.infer<typeof chapterSchema>;

/** `includeMarkers=1` on details: intro, credits, commercial (plex-api-notes §4.5). */
export const markerSchema = z.object({
  id: positiveInt.optional(),
  type: shortStr,
  startTimeOffset: durationMs,
  endTimeOffset: durationMs,
  final: boolish.optional(),
});
export type PlexMarker = z.infer<typeof markerSchema>;

const itemBase = {
  ratingKey: id,
  guid: shortStr.optional(),
  title: z.string().min(1).max(2000),
  titleSort: shortStr.optional(),
  originalTitle: shortStr.optional(),
  summary: str.optional(),
  year: year.optional(),
  originallyAvailableAt: dateStr.optional(),
  contentRating: shortStr.optional(),
  duration: durationMs.optional(),
  addedAt: unixSeconds.optional(),
  updatedAt: unixSeconds.optional(),
  /**
   * Set while the item sits in Plex's trash (its files gone): on the item itself in the recorded example
   * of the Plex OpenAPI description (LukeHagar/plex-api-spec, `/library/sections/{id}/albums`).
   */
  deletedAt: unixSeconds.optional(),
  thumb: shortStr.optional(),
  art: shortStr.optional(),
  studio: shortStr.optional(),
  Guid: z.array(guid).optional(),
  Genre: z.array(tag).optional(),
  Director: z.array(tag).optional(),
  Writer: z.array(tag).optional(),
  Country: z.array(tag).optional(),
  Role: z.array(role).optional(),
  Label: z.array(tag).optional(),
};

export const movieSchema = z.object({
  ...itemBase,
  type: z.literal('movie'),
  tagline: shortStr.optional(),
  editionTitle: shortStr.optional(),
  Media: z.array(mediaSchema).default([]),
  Chapter: z.array(chapterSchema).optional(),
  Marker: z.array(markerSchema).optional(),
});
export type PlexMovie = z.infer<typeof movieSchema>;

export const showSchema = z.object({
  ...itemBase,
  type: z.literal('show'),
  childCount: smallInt.optional(),
  leafCount: smallInt.optional(),
});
export type PlexShow = z.infer<typeof showSchema>;

export const seasonSchema = z.object({
  ...itemBase,
  type: z.literal('season'),
  index: smallInt.optional(),
  parentRatingKey: id,
  leafCount: smallInt.optional(),
});
export type PlexSeason = z.infer<typeof seasonSchema>;

export const episodeSchema = z.object({
  ...itemBase,
  type: z.literal('episode'),
  index: smallInt.optional(),
  parentIndex: smallInt.optional(),
  /** Absent when the show hides its seasons. */
  parentRatingKey: id.optional(),
  /** Kept when seasons are hidden: `/library/metadata/{seasonRatingKey}/thumb/...` (python-plexapi Episode._season). */
  parentThumb: shortStr.optional(),
  grandparentRatingKey: id,
  Media: z.array(mediaSchema).default([]),
  Chapter: z.array(chapterSchema).optional(),
  Marker: z.array(markerSchema).optional(),
});
export type PlexEpisode = z.infer<typeof episodeSchema>;

export type PlexItem = PlexMovie | PlexShow | PlexSeason | PlexEpisode;
export type PlexItemType = PlexItem['type'];

export const ITEM_SCHEMAS = {
  movie: movieSchema,
  show: showSchema,
  season: seasonSchema,
  episode: episodeSchema,
} as const;

export type ParsedItem<K extends PlexItemType> = z.infer<(typeof ITEM_SCHEMAS)[K]>;

export type ItemParse<K extends PlexItemType> =
  | { ok: true; item: ParsedItem<K> }
  | { ok: false; ratingKey: string | null; title: string | null; message: string };

// The fast path. zod's parse rebuilds every payload object by object, which measured at a tenth
// of an initial sync's CPU. Entries in the shape Plex normally sends (ids as strings, flags as
// booleans, Media and Part present) are checked field by field against the same bounds as the
// schemas above and used as they are: the mapper reads only the fields checked here, so the extra
// fields of the raw entry are never seen. Anything else (a wrong value, a tolerated variant that
// needs a transform) goes through zod, which stays the authority for what is valid and for the
// error message. A unit test holds both paths to the same verdict and the same mapped rows.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown, max: number) => v === undefined || (typeof v === 'string' && v.length <= max);
const optInt = (v: unknown, min: number, max: number) =>
  v === undefined || (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max);
const optNum = (v: unknown, min: number, max: number) =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max);
const optBool = (v: unknown) => v === undefined || typeof v === 'boolean';
const strId = (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 200;
const optList = (v: unknown, each: (e: unknown) => boolean) => v === undefined || list(v, each);
function list(v: unknown, each: (e: unknown) => boolean): boolean {
  if (!Array.isArray(v)) return false;
  for (const e of v) if (!each(e)) return false;
  return true;
}

const SHORT = 2000;
const MAX_INT = Number.MAX_SAFE_INTEGER;
const UNIX_MIN = -2_208_988_800;
const UNIX_MAX = 7_258_118_400;
const DURATION_MAX = 2_592_000_000;
const SMALL_MAX = 1_000_000;
const DATE = /^\d{4}-\d{2}-\d{2}/;

const fastTag = (t: unknown) =>
  isObj(t) &&
  typeof t.tag === 'string' &&
  t.tag.length <= SHORT &&
  (t.id === undefined || Number.isSafeInteger(t.id));
const fastRole = (r: unknown) =>
  fastTag(r) &&
  optStr((r as Obj).role, SHORT) &&
  optStr((r as Obj).tagKey, SHORT) &&
  optStr((r as Obj).thumb, SHORT);
const fastGuid = (g: unknown) => isObj(g) && typeof g.id === 'string' && g.id.length <= SHORT;

const fastStream = (v: unknown) =>
  isObj(v) &&
  optInt(v.id, 0, MAX_INT) &&
  v.id !== undefined &&
  Number.isSafeInteger(v.streamType) &&
  optInt(v.index, 0, SMALL_MAX) &&
  optStr(v.codec, SHORT) &&
  optStr(v.language, SHORT) &&
  optStr(v.languageCode, SHORT) &&
  optStr(v.title, SHORT) &&
  optStr(v.displayTitle, SHORT) &&
  optBool(v.default) &&
  optBool(v.forced) &&
  optBool(v.hearingImpaired) &&
  optStr(v.key, SHORT) &&
  optInt(v.bitrate, 0, MAX_INT) &&
  optInt(v.width, 0, SMALL_MAX) &&
  optInt(v.height, 0, SMALL_MAX) &&
  optNum(v.frameRate, 0, 1000) &&
  optInt(v.channels, 0, SMALL_MAX) &&
  optStr(v.audioChannelLayout, SHORT) &&
  optInt(v.samplingRate, 0, MAX_INT) &&
  optStr(v.profile, SHORT);

const fastPart = (v: unknown) =>
  isObj(v) &&
  v.id !== undefined &&
  optInt(v.id, 0, MAX_INT) &&
  optStr(v.key, SHORT) &&
  optInt(v.deletedAt, UNIX_MIN, UNIX_MAX) &&
  typeof v.file === 'string' &&
  v.file.length >= 1 &&
  v.file.length <= 4096 &&
  optInt(v.size, 0, MAX_INT) &&
  optInt(v.duration, 0, DURATION_MAX) &&
  optStr(v.container, SHORT) &&
  optList(v.Stream, fastStream);

const fastMedia = (v: unknown) =>
  isObj(v) &&
  v.id !== undefined &&
  optInt(v.id, 0, MAX_INT) &&
  optInt(v.duration, 0, DURATION_MAX) &&
  optInt(v.bitrate, 0, MAX_INT) &&
  optInt(v.width, 0, SMALL_MAX) &&
  optInt(v.height, 0, SMALL_MAX) &&
  optNum(v.aspectRatio, 0, 100) &&
  optInt(v.audioChannels, 0, SMALL_MAX) &&
  optStr(v.videoCodec, SHORT) &&
  optStr(v.audioCodec, SHORT) &&
  optStr(v.videoResolution, SHORT) &&
  optStr(v.videoFrameRate, SHORT) &&
  optStr(v.container, SHORT) &&
  (v.proxyType === undefined || Number.isSafeInteger(v.proxyType)) &&
  // Absent Part needs zod's default.
  list(v.Part, fastPart);

const fastChapter = (v: unknown) =>
  isObj(v) &&
  v.index !== undefined &&
  optInt(v.index, 0, SMALL_MAX) &&
  optStr(v.tag, SHORT) &&
  v.startTimeOffset !== undefined &&
  optInt(v.startTimeOffset, 0, DURATION_MAX) &&
  v.endTimeOffset !== undefined &&
  optInt(v.endTimeOffset, 0, DURATION_MAX) &&
  optStr(v.thumb, SHORT);

const fastMarker = (v: unknown) =>
  isObj(v) &&
  optInt(v.id, 0, MAX_INT) &&
  typeof v.type === 'string' &&
  v.type.length <= SHORT &&
  v.startTimeOffset !== undefined &&
  optInt(v.startTimeOffset, 0, DURATION_MAX) &&
  v.endTimeOffset !== undefined &&
  optInt(v.endTimeOffset, 0, DURATION_MAX) &&
  optBool(v.final);

function fastBase(v: Obj): boolean {
  return (
    strId(v.ratingKey) &&
    optStr(v.guid, SHORT) &&
    typeof v.title === 'string' &&
    v.title.length >= 1 &&
    v.title.length <= 2000 &&
    optStr(v.titleSort, SHORT) &&
    optStr(v.originalTitle, SHORT) &&
    optStr(v.summary, 100_000) &&
    optInt(v.year, 1800, 2200) &&
    (v.originallyAvailableAt === undefined ||
      (typeof v.originallyAvailableAt === 'string' && DATE.test(v.originallyAvailableAt))) &&
    optStr(v.contentRating, SHORT) &&
    optInt(v.duration, 0, DURATION_MAX) &&
    optInt(v.addedAt, UNIX_MIN, UNIX_MAX) &&
    optInt(v.updatedAt, UNIX_MIN, UNIX_MAX) &&
    optInt(v.deletedAt, UNIX_MIN, UNIX_MAX) &&
    optStr(v.thumb, SHORT) &&
    optStr(v.art, SHORT) &&
    optStr(v.studio, SHORT) &&
    optList(v.Guid, fastGuid) &&
    optList(v.Genre, fastTag) &&
    optList(v.Director, fastTag) &&
    optList(v.Writer, fastTag) &&
    optList(v.Country, fastTag) &&
    optList(v.Role, fastRole) &&
    optList(v.Label, fastTag)
  );
}

/** True when `raw` is a `kind` entry in the usual shape: valid, and equal to its zod output for every schema field. */
export function isUsualItem(kind: PlexItemType, raw: unknown): boolean {
  if (!isObj(raw) || raw.type !== kind || !fastBase(raw)) return false;
  switch (kind) {
    case 'movie':
      return (
        optStr(raw.tagline, SHORT) &&
        optStr(raw.editionTitle, SHORT) &&
        list(raw.Media, fastMedia) &&
        optList(raw.Chapter, fastChapter) &&
        optList(raw.Marker, fastMarker)
      );
    case 'show':
      return optInt(raw.childCount, 0, SMALL_MAX) && optInt(raw.leafCount, 0, SMALL_MAX);
    case 'season':
      return (
        optInt(raw.index, 0, SMALL_MAX) && strId(raw.parentRatingKey) && optInt(raw.leafCount, 0, SMALL_MAX)
      );
    case 'episode':
      return (
        optInt(raw.index, 0, SMALL_MAX) &&
        optInt(raw.parentIndex, 0, SMALL_MAX) &&
        (raw.parentRatingKey === undefined || strId(raw.parentRatingKey)) &&
        optStr(raw.parentThumb, SHORT) &&
        strId(raw.grandparentRatingKey) &&
        list(raw.Media, fastMedia) &&
        optList(raw.Chapter, fastChapter) &&
        optList(raw.Marker, fastMarker)
      );
  }
}

/**
 * Validates one list or detail entry; a failure names the first bad field. An entry in the usual
 * shape is returned as it is (see isUsualItem); its fields outside the schema are to be ignored.
 */
export function parseItem<K extends PlexItemType>(kind: K, raw: unknown): ItemParse<K> {
  if (isUsualItem(kind, raw)) return { ok: true, item: raw as ParsedItem<K> };
  const result = ITEM_SCHEMAS[kind].safeParse(raw);
  if (result.success) return { ok: true, item: result.data as ParsedItem<K> };
  const obj = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const rk = obj.ratingKey;
  const title = obj.title;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'item';
  return {
    ok: false,
    ratingKey:
      typeof rk === 'string' && rk.length > 0 && rk.length <= 200
        ? rk
        : typeof rk === 'number'
          ? String(rk)
          : null,
    title: typeof title === 'string' && title.length > 0 ? title.slice(0, 500) : null,
    message: `invalid ${kind} payload: ${where}: ${issue?.message ?? 'invalid'}`,
  };
}

/** Plex's `/all?type=` codes. */
export const TYPE_CODES: Record<PlexItemType, number> = { movie: 1, show: 2, season: 3, episode: 4 };
