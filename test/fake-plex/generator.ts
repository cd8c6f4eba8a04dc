import { Rng, hashSeed } from './rng';
import type {
  FakeEpisode,
  FakeMedia,
  FakeMovie,
  FakePerson,
  FakeRole,
  FakeSeason,
  FakeSection,
  FakeShow,
  FakeTag,
  LibraryOptions,
  ListedItem,
} from './types';
import {
  ADJECTIVES,
  CONTENT_RATINGS,
  COUNTRIES,
  FIRST_NAMES,
  GENRES,
  LAST_NAMES,
  NOUNS,
  STUDIOS,
  SUMMARY_SENTENCES,
  UNICODE_TITLES,
} from './words';

/** Library root folders, as Plex reports them in `Location[]`; one is a Windows path on purpose. */
export const MOVIE_ROOTS = ['/data/movies', '/mnt/media2/movies'];
export const SHOW_ROOTS = ['/data/tv', 'D:\\Media\\Shows'];

const EPOCH_START = 1_500_000_000; // 2017-07
const EPOCH_SPAN = 230_000_000; // up to ~2024-10
const DAY = 86_400;

const RESOLUTIONS = [
  { videoResolution: '1080', width: 1920, height: 1080, bitrate: 8000 },
  { videoResolution: '720', width: 1280, height: 720, bitrate: 4000 },
  { videoResolution: '4k', width: 3840, height: 2160, bitrate: 25000 },
  { videoResolution: 'sd', width: 720, height: 480, bitrate: 1500 },
];

type MovieStub = Extract<ListedItem, { type: 'movie' }>;
type ShowStub = Extract<ListedItem, { type: 'show' }>;
type SeasonStub = Extract<ListedItem, { type: 'season' }>;
type EpisodeStub = Extract<ListedItem, { type: 'episode' }>;

/** How to generate the rest of a listed item when it is first served in full. */
export type Recipe =
  | { kind: 'movie'; index: number }
  | { kind: 'show'; index: number }
  | { kind: 'season' }
  | { kind: 'episode'; root: string };

/** Media, part and stream ids derive from the ratingKey, so lazily generated items get stable, unique ids. */
export function mediaIdFor(ratingKey: string, n: number): number {
  return Number(ratingKey) * 4 + n;
}
export function partIdFor(mediaId: number, n: number): number {
  return mediaId * 4 + n;
}
export function ratingKeyOfPart(partId: number): string {
  return String(Math.floor(Math.floor(partId / 4) / 4));
}

/**
 * Creates items. Each item is made in two steps with independent seeded streams: the listed fields (titles,
 * dates: what sorting, filtering and paging need) eagerly, and the rest (tags, files, guids...) on demand.
 */
export class ItemFactory {
  nextRatingKey = 1000;
  readonly genres: FakeTag[];
  readonly countries: FakeTag[];
  readonly people: FakePerson[];

  constructor(readonly seed: number) {
    const rng = new Rng(hashSeed(seed, 'tags'));
    this.genres = GENRES.map((tag, i) => ({ id: 100 + i, tag }));
    this.countries = COUNTRIES.map((tag, i) => ({ id: 200 + i, tag }));
    this.people = [];
    for (let i = 0; i < 400; i++) {
      const person: FakePerson = {
        id: 1000 + i,
        tag: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`,
        tagKey: rng.hex(24),
      };
      if (rng.chance(0.8)) person.thumb = `https://metadata-static.plex.tv/people/${rng.hex(32)}.jpg`;
      this.people.push(person);
    }
  }

  ratingKey(): string {
    return String(this.nextRatingKey++);
  }

  title(rng: Rng, quirk?: 'unicode' | 'long'): string {
    if (quirk === 'unicode') return rng.pick(UNICODE_TITLES);
    const base = `${rng.pick(['The ', '', '', 'A '])}${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    if (quirk === 'long') {
      let long = base;
      while (long.length < 300) long += ` and the ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
      return long;
    }
    const suffix = rng.next();
    if (suffix < 0.15) return `${base} ${rng.pick(['II', 'III', 'Returns', 'Reloaded'])}`;
    if (suffix < 0.3) return `${base}: ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
    return base;
  }

  private someOf<T>(rng: Rng, pool: readonly T[], count: number): T[] {
    const out: T[] = [];
    for (let tries = 0; out.length < Math.min(count, pool.length) && tries < count * 4; tries++) {
      const pick = rng.pick(pool);
      if (!out.includes(pick)) out.push(pick);
    }
    return out;
  }

  private roles(rng: Rng, count: number): FakeRole[] {
    return this.someOf(rng, this.people, count).map((person) => {
      const role: FakeRole = { person };
      if (rng.chance(0.9))
        role.role = `${rng.pick(FIRST_NAMES)} ${rng.pick(['', 'the Elder', 'Jr.', 'Sr.'])}`.trim();
      return role;
    });
  }

  /** One version of a video: one or more files (parts) of the given total duration. */
  private media(
    rng: Rng,
    id: number,
    durationMs: number,
    files: string[],
    stamp: number,
    resolution = rng.pick(RESOLUTIONS),
  ): FakeMedia {
    const container = files[0]?.endsWith('.mp4') ? 'mp4' : 'mkv';
    const videoCodec = resolution.videoResolution === '4k' ? 'hevc' : rng.pick(['h264', 'h264', 'hevc']);
    const partDuration = Math.floor(durationMs / files.length);
    return {
      id,
      duration: durationMs,
      bitrate: resolution.bitrate + rng.int(-500, 500),
      width: resolution.width,
      height: resolution.height,
      aspectRatio: resolution.width / resolution.height > 1.7 ? 1.78 : 1.33,
      audioChannels: rng.pick([2, 6, 8]),
      audioCodec: rng.pick(['aac', 'ac3', 'eac3', 'dts', 'truehd']),
      videoCodec,
      videoResolution: resolution.videoResolution,
      container,
      videoFrameRate: rng.pick(['24p', '24p', 'PAL', 'NTSC']),
      parts: files.map((file, n) => {
        const partId = partIdFor(id, n);
        return {
          id: partId,
          key: `/library/parts/${partId}/${stamp}/file.${container}`,
          file,
          size: Math.floor(((resolution.bitrate * 1000) / 8) * (partDuration / 1000)) + rng.int(0, 1_000_000),
          duration: partDuration,
          container,
          videoProfile: videoCodec === 'h264' ? 'high' : undefined,
        };
      }),
    };
  }

  /** Tags and flags every item kind shares (the lazily generated part). */
  private common(rng: Rng) {
    return {
      contentRating: rng.chance(0.9) ? rng.pick(CONTENT_RATINGS) : undefined,
      genres: this.someOf(rng, this.genres, rng.int(0, 3)),
      countries: this.someOf(rng, this.countries, rng.int(0, 2)),
      directors: this.someOf(rng, this.people, rng.int(0, 2)),
      writers: this.someOf(rng, this.people, rng.int(0, 2)),
      hasThumb: rng.chance(0.97),
      hasArt: rng.chance(0.9),
    };
  }

  // ---- movies ------------------------------------------------------------------------------------------

  movieStub(sectionId: number, index: number): MovieStub {
    const rng = new Rng(hashSeed(this.seed, 'movie', index));
    const quirk = movieQuirk(index, rng);
    const title = this.title(rng, quirk.unicode ? 'unicode' : quirk.long ? 'long' : undefined);
    const addedAt = EPOCH_START + rng.int(0, EPOCH_SPAN);
    const updatedAt = addedAt + rng.int(0, 60 * DAY);
    const year = quirk.noYear ? undefined : rng.int(1950, 2024);
    const originallyAvailableAt =
      year === undefined ? undefined : `${year}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
    const rating = rng.chance(0.8) ? Math.round(rng.next() * 100) / 10 : undefined;
    const duration = rng.int(75, 190) * 60_000 + rng.int(0, 59_999);
    return {
      ratingKey: this.ratingKey(),
      sectionId,
      type: 'movie',
      title,
      titleSort: titleSortOf(title),
      year,
      originallyAvailableAt,
      rating,
      addedAt,
      updatedAt,
      duration,
    };
  }

  fillMovie(stub: MovieStub, index: number): FakeMovie {
    const quirk = movieQuirk(index, new Rng(hashSeed(this.seed, 'movie', index)));
    const rng = new Rng(hashSeed(this.seed, 'movie+', index));
    const title = stub.title;
    const root = quirk.secondRoot ? MOVIE_ROOTS[1]! : MOVIE_ROOTS[0]!;
    const folder = `${root}/${fileSafe(title)}${stub.year ? ` (${stub.year})` : ''}`;
    const ext = rng.chance(0.15) ? 'mp4' : 'mkv';
    const files = quirk.multiPart
      ? [1, 2].map((n) => `${folder}/${fileSafe(title)} - cd${n}.${ext}`)
      : [`${folder}/${fileSafe(title)}.${ext}`];
    // A multi-version movie is a 1080p file plus a 4K one.
    const media = [
      this.media(
        rng,
        mediaIdFor(stub.ratingKey, 0),
        stub.duration,
        files,
        stub.addedAt,
        quirk.multiVersion ? RESOLUTIONS[0] : undefined,
      ),
    ];
    if (quirk.multiVersion) {
      media.push(
        this.media(
          rng,
          mediaIdFor(stub.ratingKey, 1),
          stub.duration,
          [`${folder}/${fileSafe(title)} - 4K.mkv`],
          stub.addedAt,
          RESOLUTIONS[2],
        ),
      );
    }
    const legacyId = `tt${rng.int(1_000_000, 9_999_999)}`;
    return Object.assign(stub, {
      ...this.common(rng),
      summary: quirk.noSummary ? undefined : `${rng.pick(SUMMARY_SENTENCES)} ${rng.pick(SUMMARY_SENTENCES)}`,
      guid: quirk.noGuids
        ? `local://${stub.ratingKey}`
        : quirk.legacy
          ? `com.plexapp.agents.imdb://${legacyId}?lang=en`
          : `plex://movie/${rng.hex(24)}`,
      guids:
        quirk.noGuids || quirk.legacy
          ? []
          : [`imdb://tt${rng.int(1_000_000, 9_999_999)}`, `tmdb://${rng.int(100, 999_999)}`],
      roles: this.roles(rng, rng.int(0, 12)),
      studio: rng.chance(0.8) ? rng.pick(STUDIOS) : undefined,
      tagline: rng.chance(0.5) ? rng.pick(SUMMARY_SENTENCES) : undefined,
      originalTitle: quirk.unicode && rng.chance(0.5) ? `${title} (original)` : undefined,
      editionTitle: quirk.multiVersion && rng.chance(0.5) ? "Director's Cut" : undefined,
      media,
    });
  }

  // ---- shows -------------------------------------------------------------------------------------------

  showStub(sectionId: number, index: number): ShowStub {
    const rng = new Rng(hashSeed(this.seed, 'show', index));
    const quirk = showQuirk(index, rng);
    const title = quirk.sameTitle ? 'The Office' : this.title(rng, quirk.unicode ? 'unicode' : undefined);
    const addedAt = EPOCH_START + rng.int(0, EPOCH_SPAN);
    const updatedAt = addedAt + rng.int(0, 60 * DAY);
    const year = quirk.sameTitle ? (index === 0 ? 2001 : 2005) : rng.int(1960, 2024);
    return {
      ratingKey: this.ratingKey(),
      sectionId,
      type: 'show',
      title,
      titleSort: titleSortOf(title),
      year,
      originallyAvailableAt: `${year}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`,
      rating: rng.chance(0.8) ? Math.round(rng.next() * 100) / 10 : undefined,
      addedAt,
      updatedAt,
      seasonKeys: [],
    };
  }

  showRoot(index: number): string {
    return showQuirk(index, new Rng(hashSeed(this.seed, 'show', index))).windowsRoot
      ? SHOW_ROOTS[1]!
      : SHOW_ROOTS[0]!;
  }

  fillShow(stub: ShowStub, index: number): FakeShow {
    const quirk = showQuirk(index, new Rng(hashSeed(this.seed, 'show', index)));
    const rng = new Rng(hashSeed(this.seed, 'show+', index));
    return Object.assign(stub, {
      ...this.common(rng),
      summary: quirk.noSummary ? undefined : `${rng.pick(SUMMARY_SENTENCES)} ${rng.pick(SUMMARY_SENTENCES)}`,
      guid: quirk.legacy
        ? `com.plexapp.agents.thetvdb://${rng.int(70_000, 400_000)}?lang=en`
        : `plex://show/${rng.hex(24)}`,
      guids: quirk.legacy
        ? []
        : [
            `tvdb://${rng.int(70_000, 400_000)}`,
            `tmdb://${rng.int(100, 200_000)}`,
            `imdb://tt${rng.int(1_000_000, 9_999_999)}`,
          ],
      roles: this.roles(rng, rng.int(0, 10)),
      studio: rng.chance(0.7) ? rng.pick(STUDIOS) : undefined,
    });
  }

  // ---- seasons and episodes ----------------------------------------------------------------------------

  seasonStub(show: ListedItem & { type: 'show' }, seasonIndex: number): SeasonStub {
    const ratingKey = this.ratingKey();
    const rng = new Rng(hashSeed(this.seed, 'season', ratingKey));
    const addedAt = show.addedAt + rng.int(0, 30 * DAY);
    return {
      ratingKey,
      sectionId: show.sectionId,
      type: 'season',
      title: seasonIndex === 0 ? 'Specials' : `Season ${seasonIndex}`,
      year: show.year === undefined ? undefined : show.year + Math.max(0, seasonIndex - 1),
      addedAt,
      updatedAt: addedAt + rng.int(0, 30 * DAY),
      showKey: show.ratingKey,
      index: seasonIndex,
      episodeKeys: [],
    };
  }

  fillSeason(stub: SeasonStub, show: FakeShow): FakeSeason {
    const rng = new Rng(hashSeed(this.seed, 'season+', stub.ratingKey));
    return Object.assign(stub, {
      guid: show.guid?.startsWith('plex://') ? `plex://season/${rng.hex(24)}` : undefined,
      summary: rng.chance(0.2) ? rng.pick(SUMMARY_SENTENCES) : undefined,
      guids: show.guids.length ? [`tvdb://${rng.int(100_000, 999_999)}`] : [],
      genres: [],
      countries: [],
      directors: [],
      writers: [],
      roles: [],
      hasThumb: rng.chance(0.9),
      hasArt: show.hasArt,
    });
  }

  episodeStub(season: SeasonStub, episodeIndex: number | undefined): EpisodeStub {
    const ratingKey = this.ratingKey();
    const rng = new Rng(hashSeed(this.seed, 'episode', ratingKey));
    const addedAt = season.addedAt + rng.int(0, 200 * DAY);
    const airDate = `${rng.int(1990, 2024)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
    const title = rng.chance(0.1)
      ? `Episode ${episodeIndex ?? airDate}`
      : this.title(rng, rng.chance(0.02) ? 'unicode' : undefined);
    return {
      ratingKey,
      sectionId: season.sectionId,
      type: 'episode',
      title,
      titleSort: titleSortOf(title),
      year: Number(airDate.slice(0, 4)),
      originallyAvailableAt: airDate,
      rating: rng.chance(0.5) ? Math.round(rng.next() * 100) / 10 : undefined,
      addedAt,
      updatedAt: addedAt + rng.int(0, 20 * DAY),
      showKey: season.showKey,
      seasonKey: season.ratingKey,
      index: episodeIndex,
      duration: rng.int(20, 62) * 60_000 + rng.int(0, 59_999),
    };
  }

  fillEpisode(stub: EpisodeStub, show: FakeShow, season: SeasonStub, root: string): FakeEpisode {
    const rng = new Rng(hashSeed(this.seed, 'episode+', stub.ratingKey));
    const sep = root.includes('\\') ? '\\' : '/';
    const showFolder = `${fileSafe(show.title)}${show.year ? ` (${show.year})` : ''}`;
    const seasonFolder = season.index === 0 ? 'Specials' : `Season ${pad(season.index)}`;
    const fileName =
      stub.index === undefined
        ? `${fileSafe(show.title)} - ${stub.originallyAvailableAt}.mkv`
        : `${fileSafe(show.title)} - s${pad(season.index)}e${pad(stub.index)}.mkv`;
    const file = [root, showFolder, seasonFolder, fileName].join(sep);
    return Object.assign(stub, {
      guid: show.guid?.startsWith('plex://')
        ? `plex://episode/${rng.hex(24)}`
        : `com.plexapp.agents.thetvdb://${rng.int(70_000, 400_000)}/${season.index}/${stub.index ?? 0}?lang=en`,
      summary: rng.chance(0.85) ? rng.pick(SUMMARY_SENTENCES) : undefined,
      contentRating: show.contentRating,
      guids: show.guids.length
        ? [`imdb://tt${rng.int(1_000_000, 9_999_999)}`, `tvdb://${rng.int(1_000_000, 9_999_999)}`]
        : [],
      genres: [],
      countries: [],
      directors: this.someOf(rng, this.people, rng.int(0, 1)),
      writers: this.someOf(rng, this.people, rng.int(0, 2)),
      roles: this.roles(rng, rng.int(0, 3)),
      hasThumb: rng.chance(0.95),
      hasArt: show.hasArt,
      media: [this.media(rng, mediaIdFor(stub.ratingKey, 0), stub.duration, [file], stub.addedAt)],
    });
  }
}

interface MovieQuirk {
  unicode?: boolean;
  long?: boolean;
  multiPart?: boolean;
  multiVersion?: boolean;
  noYear?: boolean;
  noSummary?: boolean;
  noGuids?: boolean;
  legacy?: boolean;
  secondRoot?: boolean;
}

/** The first movies each carry one quirk so that even tiny test libraries contain every case. */
function movieQuirk(index: number, rng: Rng): MovieQuirk {
  const fixed: MovieQuirk[] = [
    {},
    { unicode: true },
    { multiPart: true, secondRoot: true },
    { multiVersion: true },
    { noYear: true, noSummary: true, noGuids: true },
    { long: true },
    { legacy: true, secondRoot: true },
  ];
  const chosen = fixed[index];
  if (chosen) return chosen;
  return {
    unicode: rng.chance(0.03),
    long: rng.chance(0.005),
    multiPart: rng.chance(0.02),
    multiVersion: rng.chance(0.04),
    noYear: rng.chance(0.03),
    noSummary: rng.chance(0.08),
    noGuids: rng.chance(0.03),
    legacy: rng.chance(0.05),
    secondRoot: rng.chance(0.3),
  };
}

interface ShowQuirk {
  sameTitle?: boolean;
  unicode?: boolean;
  windowsRoot?: boolean;
  specials?: boolean;
  unnumbered?: boolean;
  noSummary?: boolean;
  legacy?: boolean;
}

function showQuirk(index: number, rng: Rng): ShowQuirk {
  const fixed: ShowQuirk[] = [
    { sameTitle: true, specials: true },
    { sameTitle: true, windowsRoot: true },
    { unicode: true, windowsRoot: true },
    { specials: true, unnumbered: true, legacy: true, noSummary: true },
  ];
  const chosen = fixed[index];
  if (chosen) return chosen;
  return {
    unicode: rng.chance(0.03),
    windowsRoot: rng.chance(0.2),
    specials: rng.chance(0.15),
    unnumbered: rng.chance(0.03),
    noSummary: rng.chance(0.05),
    legacy: rng.chance(0.05),
  };
}

export interface GeneratedLibrary {
  sections: FakeSection[];
  items: Map<string, ListedItem>;
  /** Items whose lazy fields are not generated yet, and how to generate them. */
  recipes: Map<string, Recipe>;
  movieKeys: string[];
  showKeys: string[];
  factory: ItemFactory;
}

/** Builds the listed part of the library; the same seed and counts always give the same library. */
export function generateLibrary(options: LibraryOptions): GeneratedLibrary {
  const factory = new ItemFactory(options.seed);
  const items = new Map<string, ListedItem>();
  const recipes = new Map<string, Recipe>();
  const movieKeys: string[] = [];
  const showKeys: string[] = [];
  const seasonRecipe: Recipe = { kind: 'season' };
  let moviesUpdatedAt = EPOCH_START;
  let showsUpdatedAt = EPOCH_START;

  for (let i = 0; i < options.movies; i++) {
    const movie = factory.movieStub(1, i);
    items.set(movie.ratingKey, movie);
    recipes.set(movie.ratingKey, { kind: 'movie', index: i });
    movieKeys.push(movie.ratingKey);
    if (movie.updatedAt > moviesUpdatedAt) moviesUpdatedAt = movie.updatedAt;
  }

  const perShow = distribute(
    options.episodes,
    options.shows,
    new Rng(hashSeed(options.seed, 'distribution')),
  );
  for (let i = 0; i < options.shows; i++) {
    const show = factory.showStub(2, i);
    items.set(show.ratingKey, show);
    recipes.set(show.ratingKey, { kind: 'show', index: i });
    showKeys.push(show.ratingKey);
    const episodeRecipe: Recipe = { kind: 'episode', root: factory.showRoot(i) };
    const quirk = showQuirk(i, new Rng(hashSeed(options.seed, 'show', i)));
    const rng = new Rng(hashSeed(options.seed, 'seasons', i));
    const count = perShow[i] ?? 0;
    for (const group of seasonGroups(count, quirk, rng)) {
      const season = factory.seasonStub(show, group.index);
      items.set(season.ratingKey, season);
      recipes.set(season.ratingKey, seasonRecipe);
      show.seasonKeys.push(season.ratingKey);
      for (let e = 1; e <= group.count; e++) {
        const unnumbered = quirk.unnumbered && e === group.count && group.count > 1;
        const episode = factory.episodeStub(season, unnumbered ? undefined : e);
        items.set(episode.ratingKey, episode);
        recipes.set(episode.ratingKey, episodeRecipe);
        season.episodeKeys.push(episode.ratingKey);
        if (episode.updatedAt > showsUpdatedAt) showsUpdatedAt = episode.updatedAt;
      }
    }
  }

  if (options.hiddenSeasons && showKeys.length) {
    const show = items.get(showKeys[Math.min(4, showKeys.length - 1)]!) as ShowStub;
    show.skipChildren = true;
  }

  const sectionRng = new Rng(hashSeed(options.seed, 'sections'));
  const sections: FakeSection[] = [
    {
      id: 1,
      key: '1',
      type: 'movie',
      title: 'Movies',
      agent: 'tv.plex.agents.movie',
      scanner: 'Plex Movie',
      language: 'en-US',
      uuid: uuidFrom(sectionRng),
      createdAt: EPOCH_START - 100 * DAY,
      updatedAt: moviesUpdatedAt,
      scannedAt: moviesUpdatedAt + 60,
      contentChangedAt: 6_000_000 + sectionRng.int(0, 900_000),
      locations: MOVIE_ROOTS.map((path, i) => ({ id: i + 1, path })),
    },
    {
      id: 2,
      key: '2',
      type: 'show',
      title: 'TV Shows',
      agent: 'tv.plex.agents.series',
      scanner: 'Plex TV Series',
      language: 'en-US',
      uuid: uuidFrom(sectionRng),
      createdAt: EPOCH_START - 99 * DAY,
      updatedAt: showsUpdatedAt,
      scannedAt: showsUpdatedAt + 60,
      contentChangedAt: 7_000_000 + sectionRng.int(0, 900_000),
      locations: SHOW_ROOTS.map((path, i) => ({ id: i + 3, path })),
    },
  ];
  return { sections, items, recipes, movieKeys, showKeys, factory };
}

/** Season numbers and sizes for a show's episodes (specials first when the show has them). */
function seasonGroups(count: number, quirk: ShowQuirk, rng: Rng): Array<{ index: number; count: number }> {
  if (count === 0) return [];
  const specials = quirk.specials && count > 1 ? Math.min(2, count - 1) : 0;
  const groups: Array<{ index: number; count: number }> = [];
  if (specials) groups.push({ index: 0, count: specials });
  let left = count - specials;
  for (let s = 1; left > 0; s++) {
    const size = Math.min(left, rng.int(6, 13));
    groups.push({ index: s, count: size });
    left -= size;
  }
  return groups;
}

/** Splits `total` episodes over `shows` shows: every show gets at least one when possible, the rest by random weight. */
function distribute(total: number, shows: number, rng: Rng): number[] {
  if (shows === 0) return [];
  const counts = new Array<number>(shows).fill(0);
  const guaranteed = Math.min(total, shows);
  for (let i = 0; i < guaranteed; i++) counts[i] = 1;
  let rest = total - guaranteed;
  const weights = counts.map(() => rng.next() ** 3 + 0.02);
  const sum = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < shows && rest > 0; i++) {
    const share = Math.min(rest, Math.floor(((total - guaranteed) * weights[i]!) / sum));
    counts[i]! += share;
    rest -= share;
  }
  for (let i = 0; rest > 0; i = (i + 1) % shows, rest--) counts[i]! += 1;
  return counts;
}

export function titleSortOf(title: string): string | undefined {
  const match = /^(The|A|An) (.+)$/.exec(title);
  return match ? `${match[2]}, ${match[1]}` : undefined;
}

function fileSafe(text: string): string {
  return text.replace(/[/\\:*?"<>|]/g, '').slice(0, 200);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function uuidFrom(rng: Rng): string {
  const h = rng.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
