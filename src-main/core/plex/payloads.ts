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
export type PlexSectionPayload = z.infer<typeof sectionSchema>;

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
  file: z.string().min(1).max(4096),
  size: positiveInt.optional(),
  duration: durationMs.optional(),
  container: shortStr.optional(),
  Stream: z.array(streamSchema).optional(),
});
export type PlexPart = z.infer<typeof partSchema>;

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
  thumb: shortStr.optional(),
  art: shortStr.optional(),
  studio: shortStr.optional(),
  Guid: z.array(guid).optional(),
  Genre: z.array(tag).optional(),
  Director: z.array(tag).optional(),
  Writer: z.array(tag).optional(),
  Country: z.array(tag).optional(),
  Role: z.array(role).optional(),
};

export const movieSchema = z.object({
  ...itemBase,
  type: z.literal('movie'),
  tagline: shortStr.optional(),
  editionTitle: shortStr.optional(),
  Media: z.array(mediaSchema).default([]),
  Chapter: z.array(chapterSchema).optional(),
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
  grandparentRatingKey: id,
  Media: z.array(mediaSchema).default([]),
  Chapter: z.array(chapterSchema).optional(),
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

/** Validates one list or detail entry; a failure names the first bad field. */
export function parseItem<K extends PlexItemType>(kind: K, raw: unknown): ItemParse<K> {
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
