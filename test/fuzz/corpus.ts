// Malformed Plex answers, each served by the fake Plex: item attributes overridden in both the
// listing and the detail views (`corruptItems`), or whole listing pages and detail answers replaced
// by a hand-made body (the `body` fault kind). Values are what broken servers, agents and proxies
// have been seen to send, plus the absurd ones a parser must survive.

/** What a correct sync makes of the entry. */
export type Verdict =
  /** The item is an error row with a clear one-line message; everything beside it is stored. */
  | 'item-error'
  /**
   * As item-error, but the item cannot have a row of its own in a new database (an episode whose show
   * is unknown: episodes.show_id is required): the error is in sync_errors under its ratingKey.
   */
  | 'orphan-error'
  /** The item cannot be identified: an error with a clear message; nothing stored is lost. */
  | 'bad-key'
  /** Plex's file path cannot be trusted: the item is stored, but never `normal`, and no NUL is stored. */
  | 'untrusted-path'
  /**
   * The answer does not deliver a readable item (a detail body that cannot be read, that leaves the
   * item out or names another): a new item is an error row; a stored one keeps its last good data
   * and state, with the error noted on its row and in sync_errors, and is fetched again next run. An
   * item whose own data is invalid (item-error) is known to be broken at Plex; here nothing new is
   * known about the item, exactly as when its detail request fails.
   */
  | 'unfetched'
  /** The whole request is unusable: its library fails (or is retried) with a clear error; nothing is lost. */
  | 'request-error'
  /** Harmless: everything stored exactly. */
  | 'tolerated';

export interface CorpusEntry {
  name: string;
  verdict: Verdict;
  /** Attribute overrides of the target item (null removes; dotted paths reach into Media/Part/Stream). */
  corrupt?: Record<string, unknown>;
  /** Target an episode instead of a movie. */
  episode?: boolean;
  /** A listing page of Movies rebuilt from the real one. */
  listing?: (real: Container, target: string) => unknown;
  /** The detail answer of any batch holding the target, rebuilt from the real one. */
  detail?: (real: Container, target: string) => unknown;
  /** A raw body as it is (truncated JSON, HTML), for `listing` or `detail` (`raw.of`). */
  raw?: { of: 'listing' | 'detail'; body: (realText: string) => string; contentType?: string };
}

export interface Container {
  MediaContainer: Record<string, unknown> & { Metadata?: Array<Record<string, unknown>> };
}

const HUGE = 'x'.repeat(5000);
const items = (c: Container) => c.MediaContainer.Metadata ?? [];
const page = (c: Container, metadata: unknown[]) => ({
  MediaContainer: {
    ...c.MediaContainer,
    size: metadata.length,
    totalSize: metadata.length,
    Metadata: metadata,
  },
});
const only = (c: Container, target: string) => items(c).find((i) => i.ratingKey === target)!;

const field = (name: string, verdict: Verdict, corrupt: Record<string, unknown>): CorpusEntry => ({
  name,
  verdict,
  corrupt,
});

export const CORPUS: CorpusEntry[] = [
  // Wrong types and missing fields on the item itself.
  field('title missing', 'item-error', { title: null }),
  field('title empty', 'item-error', { title: '' }),
  field('title a number', 'item-error', { title: 42 }),
  field('title an object', 'item-error', { title: { text: 'Heat' } }),
  field('title an array', 'item-error', { title: ['Heat'] }),
  field('title 5000 characters', 'item-error', { title: HUGE }),
  field('year a word', 'item-error', { year: 'nineteen ninety' }),
  field('year 10^12', 'item-error', { year: 1e12 }),
  field('year negative', 'item-error', { year: -5 }),
  field('addedAt 10^20', 'item-error', { addedAt: 1e20 }),
  field('addedAt a word', 'item-error', { addedAt: 'yesterday' }),
  field('updatedAt -10^15', 'item-error', { updatedAt: -1e15 }),
  field('duration negative', 'item-error', { duration: -1 }),
  field('duration 10^13 ms', 'item-error', { duration: 1e13 }),
  field('duration a word', 'item-error', { duration: 'long' }),
  field('originallyAvailableAt free text', 'item-error', { originallyAvailableAt: 'last tuesday' }),
  field('summary 200 000 characters', 'item-error', { summary: 'y'.repeat(200_000) }),
  field('type says episode', 'item-error', { type: 'episode' }),
  // Wrong nesting of child elements.
  field('Genre a string', 'item-error', { Genre: 'Drama' }),
  field('Guid an object', 'item-error', { Guid: { id: 'imdb://tt0113277' } }),
  field('Guid id a number', 'item-error', { 'Guid.0.id': 5 }),
  field('Role a string', 'item-error', { Role: 'everyone' }),
  field('Media a string', 'item-error', { Media: 'one' }),
  field('Media an object', 'item-error', { Media: { id: 1 } }),
  field('Media id a word', 'item-error', { 'Media.0.id': 'abc' }),
  field('Media id missing', 'item-error', { 'Media.0.id': null }),
  field('Media width 10^9', 'item-error', { 'Media.0.width': 1e9 }),
  field('Media aspectRatio a word', 'item-error', { 'Media.0.aspectRatio': 'wide' }),
  field('Part a string', 'item-error', { 'Media.0.Part': 'p' }),
  field('Part id negative', 'item-error', { 'Media.0.Part.0.id': -1 }),
  field('Part file a number', 'item-error', { 'Media.0.Part.0.file': 42 }),
  field('Part file empty', 'item-error', { 'Media.0.Part.0.file': '' }),
  field('Part file missing', 'item-error', { 'Media.0.Part.0.file': null }),
  field('Part file 5000 characters', 'item-error', { 'Media.0.Part.0.file': `/data/movies/${HUGE}.mkv` }),
  field('Part size negative', 'item-error', { 'Media.0.Part.0.size': -10 }),
  field('Part size a word', 'item-error', { 'Media.0.Part.0.size': 'huge' }),
  field('Part size 10^300', 'item-error', { 'Media.0.Part.0.size': 1e300 }),
  field('Stream list a string', 'item-error', { 'Media.0.Part.0.Stream': 'streams' }),
  field('Stream id a word', 'item-error', { 'Media.0.Part.0.Stream.0.id': 'x' }),
  field('Stream streamType a word', 'item-error', { 'Media.0.Part.0.Stream.0.streamType': 'video' }),
  field('Chapter a string', 'item-error', { Chapter: 'c' }),
  field('Chapter start negative', 'item-error', { 'Chapter.0.startTimeOffset': -100 }),
  // Episodes: broken parent links.
  {
    name: 'episode grandparentRatingKey missing',
    verdict: 'orphan-error',
    episode: true,
    corrupt: { grandparentRatingKey: null },
  },
  {
    name: 'episode parentRatingKey an object',
    verdict: 'item-error',
    episode: true,
    corrupt: { parentRatingKey: { k: 1 } },
  },
  { name: 'episode index negative', verdict: 'item-error', episode: true, corrupt: { index: -1 } },
  { name: 'episode type says movie', verdict: 'item-error', episode: true, corrupt: { type: 'movie' } },
  // ratingKeys nobody can use.
  field('ratingKey missing', 'bad-key', { ratingKey: null }),
  field('ratingKey empty', 'bad-key', { ratingKey: '' }),
  field('ratingKey an object', 'bad-key', { ratingKey: { id: 1 } }),
  field('ratingKey an array', 'bad-key', { ratingKey: ['1'] }),
  field('ratingKey a fraction', 'bad-key', { ratingKey: 1.5 }),
  field('ratingKey negative', 'bad-key', { ratingKey: -7 }),
  field('ratingKey true', 'bad-key', { ratingKey: true }),
  field('ratingKey 300 characters', 'bad-key', { ratingKey: 'k'.repeat(300) }),
  {
    name: 'two items claim one ratingKey',
    verdict: 'bad-key',
    listing: (c, target) => {
      const list = items(c);
      const other = list.find((i) => i.ratingKey !== target)!;
      return page(
        c,
        list.map((i) => (i.ratingKey === target ? { ...i, ratingKey: other.ratingKey } : i)),
      );
    },
  },
  // File paths Plex should never have sent.
  field('path with a NUL', 'untrusted-path', { 'Media.0.Part.0.file': '/data/movies/evil\u0000.mkv' }),
  field('relative path climbing out', 'untrusted-path', { 'Media.0.Part.0.file': '../../../../etc/passwd' }),
  field('relative path', 'untrusted-path', { 'Media.0.Part.0.file': 'movies/relative.mkv' }),
  // Plex sends ratingKey as a string: a number is not a key (issue 14 lists it with null, empty and
  // an object), so the item is an error and the listing decides no deletions.
  {
    name: 'ratingKey as a number',
    verdict: 'bad-key',
    listing: (c, t) =>
      page(
        c,
        items(c).map((i) => (i.ratingKey === t ? { ...i, ratingKey: Number(t) } : i)),
      ),
  },
  // Tolerated: a page repeating an item (stored once; that listing decides no deletions).
  {
    name: 'page repeats an item',
    verdict: 'tolerated',
    listing: (c, t) => page(c, [...items(c), only(c, t)]),
  },
  // Listing entries that are not items at all.
  { name: 'listing holds a number', verdict: 'bad-key', listing: (c) => page(c, [...items(c), 5]) },
  { name: 'listing holds a null', verdict: 'bad-key', listing: (c) => page(c, [...items(c), null]) },
  {
    name: 'listing holds a string',
    verdict: 'bad-key',
    listing: (c) => page(c, [...items(c), 'Heat (1995)']),
  },
  {
    name: 'listing holds an item wrapped in Video',
    verdict: 'bad-key',
    listing: (c, t) => page(c, [...items(c).filter((i) => i.ratingKey !== t), { Video: only(c, t) }]),
  },
  // Whole listing pages that cannot be read.
  {
    name: 'listing truncated JSON',
    verdict: 'request-error',
    raw: { of: 'listing', body: (t) => t.slice(0, Math.floor(t.length / 2)) },
  },
  { name: 'listing null', verdict: 'request-error', raw: { of: 'listing', body: () => 'null' } },
  { name: 'listing an array', verdict: 'request-error', raw: { of: 'listing', body: () => '[]' } },
  {
    name: 'listing without MediaContainer',
    verdict: 'request-error',
    raw: { of: 'listing', body: () => '{}' },
  },
  {
    name: 'listing MediaContainer an array',
    verdict: 'request-error',
    raw: { of: 'listing', body: () => '{"MediaContainer":[]}' },
  },
  {
    name: 'listing Metadata an object',
    verdict: 'request-error',
    listing: (c, t) => ({ MediaContainer: { ...c.MediaContainer, Metadata: only(c, t) } }),
  },
  {
    name: 'listing Metadata a string',
    verdict: 'request-error',
    listing: (c) => ({ MediaContainer: { ...c.MediaContainer, Metadata: 'six' } }),
  },
  {
    name: 'listing HTML',
    verdict: 'request-error',
    raw: { of: 'listing', body: () => '<html><body>Bad Gateway</body></html>', contentType: 'text/html' },
  },
  {
    name: 'listing JSON with a NUL',
    verdict: 'request-error',
    raw: { of: 'listing', body: (t) => `${t.slice(0, 40)}\u0000${t.slice(40)}` },
  },
  // Detail answers that cannot be read: only the target may suffer.
  {
    name: 'detail truncated JSON',
    verdict: 'unfetched',
    raw: { of: 'detail', body: (t) => t.slice(0, Math.floor(t.length / 2)) },
  },
  {
    name: 'detail HTML',
    verdict: 'unfetched',
    raw: { of: 'detail', body: () => '<html>oops</html>', contentType: 'text/html' },
  },
  { name: 'detail null', verdict: 'unfetched', raw: { of: 'detail', body: () => 'null' } },
  {
    name: 'detail Metadata an object',
    verdict: 'unfetched',
    detail: (c, t) => ({ MediaContainer: { ...c.MediaContainer, Metadata: only(c, t) } }),
  },
  {
    name: 'detail without Metadata',
    verdict: 'unfetched',
    detail: (c) => ({ MediaContainer: { size: 0, identifier: c.MediaContainer.identifier } }),
  },
  { name: 'detail Metadata [null]', verdict: 'unfetched', detail: (c) => page(c, [null]) },
  {
    name: 'detail item without ratingKey',
    verdict: 'unfetched',
    detail: (c, t) =>
      page(
        c,
        items(c).map((i) => (i.ratingKey === t ? { ...i, ratingKey: undefined } : i)),
      ),
  },
  {
    name: 'detail answers another item',
    verdict: 'unfetched',
    detail: (c, t) =>
      page(
        c,
        items(c).map((i) => (i.ratingKey === t ? { ...i, ratingKey: '999999' } : i)),
      ),
  },
];
