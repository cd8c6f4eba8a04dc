import { EventEmitter } from 'node:events';
import { deriveDetails } from './details';
import { SHOW_ROOTS, generateLibrary, type GeneratedLibrary, type ItemFactory } from './generator';
import { Rng, hashSeed } from './rng';
import {
  TYPE_CODES,
  type FakeEpisode, type FakeItem, type FakeItemDetails, type FakeMovie, type FakePlayable, type FakeSeason,
  type FakeSection, type FakeShow, type ItemType, type LibraryOptions, type LibrarySnapshot,
} from './types';

/** Timeline states Plex sends on the notifications socket. */
export const TIMELINE_STATE = { created: 0, processing: 1, matching: 2, downloading: 3, loading: 4, done: 5, deleted: 9 } as const;

export interface TimelineEntry {
  identifier: 'com.plexapp.plugins.library';
  sectionID: string;
  itemID: string;
  parentItemID?: string;
  rootItemID?: string;
  type: number;
  title: string;
  state: number;
  metadataState?: string;
  mediaState?: string;
  updatedAt: number;
}

export interface ActivityEvent {
  event: 'started' | 'updated' | 'ended';
  uuid: string;
  Activity: {
    uuid: string;
    type: string;
    cancellable: boolean;
    userID: number;
    title: string;
    subtitle: string;
    progress: number;
    Context: { librarySectionID: string };
  };
}

export interface LibraryEvents {
  timeline: [TimelineEntry[]];
  activity: [ActivityEvent];
}

/** Fields a test may change on an item (as an edit in Plex would). */
export type ItemPatch = Partial<
  Pick<FakeMovie, 'title' | 'titleSort' | 'originalTitle' | 'summary' | 'year' | 'originallyAvailableAt' | 'contentRating' | 'studio' | 'rating' | 'tagline' | 'guid' | 'guids' | 'genres' | 'hasThumb' | 'hasArt'>
>;

export interface AddEpisodeOptions {
  /** Show to add to; a new show is created when absent. */
  showKey?: string;
  /** Season number; the show's last season when absent (created when missing). */
  seasonIndex?: number;
  title?: string;
}

/**
 * The live library: generated once, then mutated by the control API. Every mutation stamps `updatedAt`,
 * moves the section's `updatedAt`/`contentChangedAt`, and emits the notifications Plex would send.
 */
export class Library extends EventEmitter<LibraryEvents> {
  readonly sections: FakeSection[];
  readonly items: Map<string, FakeItem>;
  private movieKeys: string[];
  private showKeys: string[];
  private readonly factory: ItemFactory;
  private readonly details = new Map<string, FakeItemDetails>();
  private readonly views = new Map<string, FakeItem[]>();
  private addedCount = 0;
  private activityCounter = 0;
  /** Increases on every mutation; caches of sorted views are keyed by it. */
  version = 0;

  constructor(
    readonly options: LibraryOptions,
    private readonly clock: () => number = Date.now,
  ) {
    super();
    const generated: GeneratedLibrary = generateLibrary(options);
    this.sections = generated.sections;
    this.items = generated.items;
    this.movieKeys = generated.movieKeys;
    this.showKeys = generated.showKeys;
    this.factory = generated.factory;
  }

  nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  section(id: number | string): FakeSection | undefined {
    return this.sections.find((s) => String(s.id) === String(id));
  }

  get(ratingKey: string): FakeItem | undefined {
    return this.items.get(ratingKey);
  }

  /** Items of a section and type in Plex's natural order (movies/shows as added; seasons/episodes by show). */
  list(sectionId: number, type: ItemType): FakeItem[] {
    const cacheKey = `${this.version}:${sectionId}:${type}`;
    const cached = this.views.get(cacheKey);
    if (cached) return cached;
    let out: FakeItem[] = [];
    const section = this.section(sectionId);
    if (section?.type === 'movie' && type === 'movie') out = this.resolve(this.movieKeys);
    if (section?.type === 'show') {
      const shows = this.resolve(this.showKeys) as FakeShow[];
      if (type === 'show') out = shows;
      const seasons = shows.flatMap((show) => this.resolve(show.seasonKeys)) as FakeSeason[];
      if (type === 'season') out = seasons;
      if (type === 'episode') out = seasons.flatMap((season) => this.resolve(season.episodeKeys));
    }
    this.cacheView(cacheKey, out);
    return out;
  }

  /** Memoises a derived view (e.g. a sort) until the next mutation. */
  cacheView(key: string, items: FakeItem[]): void {
    if (this.views.size > 200) this.views.clear();
    this.views.set(key, items);
  }

  cachedView(key: string): FakeItem[] | undefined {
    return this.views.get(key);
  }

  children(item: FakeItem): FakeItem[] {
    if (item.type === 'show') return this.resolve(item.seasonKeys);
    if (item.type === 'season') return this.resolve(item.episodeKeys);
    return [];
  }

  allLeaves(item: FakeItem): FakeEpisode[] {
    if (item.type === 'show') return item.seasonKeys.flatMap((k) => this.resolve((this.items.get(k) as FakeSeason).episodeKeys)) as FakeEpisode[];
    if (item.type === 'season') return this.resolve(item.episodeKeys) as FakeEpisode[];
    return [];
  }

  leafCount(item: FakeShow | FakeSeason): number {
    if (item.type === 'season') return item.episodeKeys.length;
    return item.seasonKeys.reduce((n, k) => n + ((this.items.get(k) as FakeSeason | undefined)?.episodeKeys.length ?? 0), 0);
  }

  /** Streams, chapters and markers of a movie or episode (derived on first use, then kept). */
  detailsOf(item: FakePlayable): FakeItemDetails {
    let details = this.details.get(item.ratingKey);
    if (!details) {
      details = deriveDetails(this.options.seed, item);
      this.details.set(item.ratingKey, details);
    }
    return details;
  }

  /** Everything currently served, with details expanded: the exact expected result of a full sync. */
  snapshot(): LibrarySnapshot {
    const items: LibrarySnapshot['items'] = [];
    for (const section of this.sections) {
      const types: ItemType[] = section.type === 'movie' ? ['movie'] : ['show', 'season', 'episode'];
      for (const type of types) {
        for (const item of this.list(section.id, type)) {
          items.push(item.type === 'movie' || item.type === 'episode' ? { ...item, details: this.detailsOf(item) } : { ...item });
        }
      }
    }
    return { sections: this.sections.map((s) => ({ ...s, locations: [...s.locations] })), items };
  }

  // ---- mutations -------------------------------------------------------------------------------------

  addMovie(overrides: Partial<FakeMovie> = {}): FakeMovie {
    const now = this.nowSeconds();
    const movie = this.factory.movie(1, 1_000_000 + this.addedCount++, { ...overrides });
    this.restamp(movie, now, true);
    this.items.set(movie.ratingKey, movie);
    this.movieKeys.push(movie.ratingKey);
    this.touchSection(1, now);
    this.announceCreated([movie]);
    return movie;
  }

  addShow(episodes = 3, overrides: Partial<FakeShow> = {}): FakeShow {
    const now = this.nowSeconds();
    const { show } = this.factory.show(2, 1_000_000 + this.addedCount++, overrides);
    this.restamp(show, now, true);
    this.items.set(show.ratingKey, show);
    this.showKeys.push(show.ratingKey);
    this.announceCreated([show]);
    for (let i = 0; i < episodes; i++) this.addEpisode({ showKey: show.ratingKey, seasonIndex: 1 });
    this.touchSection(2, now);
    return show;
  }

  addEpisode(options: AddEpisodeOptions = {}): FakeEpisode {
    const now = this.nowSeconds();
    const show = options.showKey ? this.items.get(options.showKey) : this.addShow(0);
    if (!show || show.type !== 'show') throw new LibraryError(`no show ${options.showKey}`);
    const rng = new Rng(hashSeed(this.options.seed, 'added', this.addedCount++));
    const lastSeason = show.seasonKeys.length ? (this.items.get(show.seasonKeys.at(-1)!) as FakeSeason) : undefined;
    const seasonIndex = options.seasonIndex ?? lastSeason?.index ?? 1;
    let season = show.seasonKeys.map((k) => this.items.get(k) as FakeSeason).find((s) => s.index === seasonIndex);
    const created: FakeItem[] = [];
    if (!season) {
      season = this.factory.season(show, seasonIndex, rng);
      this.restamp(season, now, true);
      this.items.set(season.ratingKey, season);
      show.seasonKeys.push(season.ratingKey);
      show.seasonKeys.sort((a, b) => (this.items.get(a) as FakeSeason).index - (this.items.get(b) as FakeSeason).index);
      created.push(season);
    }
    const lastIndex = season.episodeKeys.reduce((max, k) => Math.max(max, (this.items.get(k) as FakeEpisode).index ?? 0), 0);
    const sibling = this.allLeaves(show)[0]?.media[0]?.parts[0]?.file ?? '';
    const root = SHOW_ROOTS.find((r) => sibling.startsWith(r)) ?? SHOW_ROOTS[0]!;
    const episode = this.factory.episode(show, season, lastIndex + 1, root, rng);
    if (options.title) episode.title = options.title;
    this.restamp(episode, now, true);
    this.items.set(episode.ratingKey, episode);
    season.episodeKeys.push(episode.ratingKey);
    created.push(episode);
    this.touchSection(2, now);
    this.announceCreated(created);
    return episode;
  }

  /** An edit: fields change, `updatedAt` (and so the thumb/art URLs) move to now. */
  change(ratingKey: string, patch: ItemPatch = {}): FakeItem {
    const item = this.require(ratingKey);
    const now = this.nowSeconds();
    Object.assign(item, patch);
    item.updatedAt = Math.max(now, item.updatedAt);
    this.touchSection(item.sectionId, now);
    this.emitTimeline([this.entry(item, TIMELINE_STATE.done)]);
    return item;
  }

  /** A file renamed or moved on disk and picked up by a scan: `Part.file` changes. */
  moveFile(ratingKey: string, newPath: string, partId?: number): FakePlayable {
    const item = this.require(ratingKey);
    if (item.type !== 'movie' && item.type !== 'episode') throw new LibraryError(`${ratingKey} is a ${item.type}, not a video`);
    const parts = item.media.flatMap((m) => m.parts);
    const part = partId === undefined ? parts[0] : parts.find((p) => p.id === partId);
    if (!part) throw new LibraryError(`no part ${partId} on ${ratingKey}`);
    const now = this.nowSeconds();
    part.file = newPath;
    part.key = `/library/parts/${part.id}/${now}/file.${part.container}`;
    item.updatedAt = Math.max(now, item.updatedAt);
    this.touchSection(item.sectionId, now);
    this.emitTimeline([this.entry(item, TIMELINE_STATE.done)]);
    return item;
  }

  /** Deletes an item and everything under it; seasons and shows left without episodes go too, as in Plex. */
  delete(ratingKey: string): string[] {
    const item = this.require(ratingKey);
    const removed: FakeItem[] = [];
    this.removeTree(item, removed);
    if (item.type === 'episode') {
      const season = this.items.get(item.seasonKey) as FakeSeason | undefined;
      if (season) {
        season.episodeKeys = season.episodeKeys.filter((k) => k !== ratingKey);
        if (!season.episodeKeys.length) this.removeTree(season, removed);
      }
    }
    if (item.type === 'episode' || item.type === 'season') {
      const show = this.items.get(item.showKey) as FakeShow | undefined;
      if (show) {
        show.seasonKeys = show.seasonKeys.filter((k) => this.items.has(k));
        if (!show.seasonKeys.length) this.removeTree(show, removed);
      }
    }
    if (item.type === 'movie') this.movieKeys = this.movieKeys.filter((k) => k !== ratingKey);
    this.showKeys = this.showKeys.filter((k) => this.items.has(k));
    this.touchSection(item.sectionId, this.nowSeconds());
    this.emitTimeline(removed.map((r) => this.entry(r, TIMELINE_STATE.deleted)));
    return removed.map((r) => r.ratingKey);
  }

  /** Removes every item of a section (the library stays, empty). */
  emptySection(sectionId: number): number {
    const section = this.section(sectionId);
    if (!section) throw new LibraryError(`no section ${sectionId}`);
    const removed = [...this.items.values()].filter((i) => i.sectionId === section.id);
    for (const item of removed) {
      this.items.delete(item.ratingKey);
      this.details.delete(item.ratingKey);
    }
    if (section.type === 'movie') this.movieKeys = [];
    else this.showKeys = [];
    this.touchSection(section.id, this.nowSeconds());
    if (removed.length) this.emitTimeline(removed.map((r) => this.entry(r, TIMELINE_STATE.deleted)));
    return removed.length;
  }

  /** Plays a library scan on the notifications socket (`activity` started → updated → ended). */
  scan(sectionId: number): void {
    const section = this.section(sectionId);
    if (!section) throw new LibraryError(`no section ${sectionId}`);
    const uuid = `00000000-0000-4000-8000-${String(++this.activityCounter).padStart(12, '0')}`;
    const activity = (event: ActivityEvent['event'], progress: number): ActivityEvent => ({
      event, uuid,
      Activity: {
        uuid, type: 'library.update.section', cancellable: false, userID: 1, title: `Scanning ${section.title}`,
        subtitle: '', progress, Context: { librarySectionID: section.key },
      },
    });
    this.emit('activity', activity('started', 0));
    this.emit('activity', activity('updated', 50));
    section.scannedAt = this.nowSeconds();
    this.version++;
    this.emit('activity', activity('ended', 100));
  }

  private removeTree(item: FakeItem, removed: FakeItem[]): void {
    for (const child of this.children(item)) this.removeTree(child, removed);
    if (this.items.delete(item.ratingKey)) removed.push(item);
    this.details.delete(item.ratingKey);
  }

  private require(ratingKey: string): FakeItem {
    const item = this.items.get(ratingKey);
    if (!item) throw new LibraryError(`no item ${ratingKey}`);
    return item;
  }

  private restamp(item: FakeItem, now: number, isNew: boolean): void {
    if (isNew) item.addedAt = now;
    item.updatedAt = now;
  }

  private touchSection(sectionId: number, now: number): void {
    const section = this.section(sectionId);
    if (section) {
      section.updatedAt = Math.max(now, section.updatedAt);
      section.contentChangedAt += 1;
    }
    this.version++;
  }

  private announceCreated(items: FakeItem[]): void {
    this.emitTimeline(items.map((i) => this.entry(i, TIMELINE_STATE.created, 'created')));
    this.emitTimeline(items.map((i) => this.entry(i, TIMELINE_STATE.done)));
  }

  private emitTimeline(entries: TimelineEntry[]): void {
    if (entries.length) this.emit('timeline', entries);
  }

  private entry(item: FakeItem, state: number, metadataState?: string): TimelineEntry {
    const entry: TimelineEntry = {
      identifier: 'com.plexapp.plugins.library',
      sectionID: String(item.sectionId),
      itemID: item.ratingKey,
      type: TYPE_CODES[item.type],
      title: item.title,
      state,
      updatedAt: item.updatedAt,
    };
    if (item.type === 'episode') {
      entry.parentItemID = item.seasonKey;
      entry.rootItemID = item.showKey;
    }
    if (item.type === 'season') entry.parentItemID = item.showKey;
    if (metadataState) entry.metadataState = metadataState;
    return entry;
  }

  private resolve(keys: string[]): FakeItem[] {
    const out: FakeItem[] = [];
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) out.push(item);
    }
    return out;
  }
}

/** A control request that names something the library does not have. */
export class LibraryError extends Error {}
