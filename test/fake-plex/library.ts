import { EventEmitter } from 'node:events';
import { deriveDetails } from './details';
import {
  SHOW_ROOTS,
  generateLibrary,
  mediaIdFor,
  partIdFor,
  type ItemFactory,
  type Recipe,
} from './generator';
import {
  TYPE_CODES,
  type FakeCollection,
  type FakePlaylist,
  type FakeEpisode,
  type FakeItem,
  type FakeItemDetails,
  type FakeMovie,
  type FakePlayable,
  type FakeSeason,
  type FakeSection,
  type FakeShow,
  type ItemType,
  type LibraryOptions,
  type LibrarySnapshot,
  type ListedItem,
} from './types';

/** Timeline states Plex sends on the notifications socket. */
export const TIMELINE_STATE = {
  created: 0,
  processing: 1,
  matching: 2,
  downloading: 3,
  loading: 4,
  done: 5,
  deleted: 9,
} as const;

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

/** A section listing page is about to be served (test hook: mutate between pages). */
export interface ListingEvent {
  sectionId: number;
  type: ItemType;
  start: number;
}

export interface LibraryEvents {
  timeline: [TimelineEntry[]];
  activity: [ActivityEvent];
  listing: [ListingEvent];
}

/** Fields a test may change on an item (as an edit in Plex would). */
export const PATCH_KEYS = [
  'title',
  'titleSort',
  'originalTitle',
  'summary',
  'year',
  'originallyAvailableAt',
  'contentRating',
  'studio',
  'rating',
  'tagline',
  'guid',
  'guids',
  'genres',
  'hasThumb',
  'hasArt',
] as const;
export type ItemPatch = Partial<Pick<FakeMovie, (typeof PATCH_KEYS)[number]>>;

/** Rejects fields an edit cannot change (ids, stamps, structure), so a bad control call fails loudly. */
export function checkPatch(patch: object): void {
  const bad = Object.keys(patch).filter((k) => !(PATCH_KEYS as readonly string[]).includes(k));
  if (bad.length) throw new Error(`cannot change ${bad.join(', ')}; changeable: ${PATCH_KEYS.join(', ')}`);
}

export interface AddEpisodeOptions {
  /** Show to add to; a new show is created when absent. */
  showKey?: string;
  /** Season number; the show's last season when absent (created when missing). */
  seasonIndex?: number;
  title?: string;
}

type ShowLike = Extract<ListedItem, { type: 'show' }>;
type SeasonLike = Extract<ListedItem, { type: 'season' }>;

/**
 * The live library: generated once (listed fields eagerly, the rest on first use), then mutated by the
 * control API. Every mutation stamps `updatedAt`, moves the section's `updatedAt`/`contentChangedAt`, and
 * emits the notifications Plex would send.
 */
export class Library extends EventEmitter<LibraryEvents> {
  readonly sections: FakeSection[];
  private readonly items: Map<string, ListedItem>;
  private readonly recipes: Map<string, Recipe>;
  private movieKeys: string[];
  private showKeys: string[];
  private readonly factory: ItemFactory;
  private readonly details = new Map<string, FakeItemDetails>();
  private readonly views = new Map<string, ListedItem[]>();
  private addedCount = 0;
  private activityCounter = 0;
  /** Collections and playlists (see curation.ts); their ratingKeys come from their own range. */
  readonly collections: FakeCollection[] = [];
  readonly playlists: FakePlaylist[] = [];
  /** Increases on every mutation; caches of sorted views are keyed by it. */
  version = 0;

  constructor(
    readonly options: LibraryOptions,
    private readonly clock: () => number = Date.now,
  ) {
    super();
    const generated = generateLibrary(options);
    this.sections = generated.sections;
    this.items = generated.items;
    this.recipes = generated.recipes;
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

  /** The item in full (generating its remaining fields on first use). */
  get(ratingKey: string): FakeItem | undefined {
    const item = this.items.get(ratingKey);
    return item && this.full(item);
  }

  full(item: ListedItem): FakeItem {
    const recipe = this.recipes.get(item.ratingKey);
    if (!recipe) return item as FakeItem;
    this.recipes.delete(item.ratingKey);
    switch (item.type) {
      case 'movie':
        return this.factory.fillMovie(item, recipe.kind === 'movie' ? recipe.index : 0);
      case 'show':
        return this.factory.fillShow(item, recipe.kind === 'show' ? recipe.index : 0);
      case 'season':
        return this.factory.fillSeason(item, this.get(item.showKey) as FakeShow);
      case 'episode':
        return this.factory.fillEpisode(
          item,
          this.get(item.showKey) as FakeShow,
          this.items.get(item.seasonKey) as SeasonLike,
          recipe.kind === 'episode' ? recipe.root : SHOW_ROOTS[0]!,
        );
    }
  }

  /** Items of a section and type in Plex's natural order (movies/shows as added; seasons/episodes by show). */
  list(sectionId: number, type: ItemType): ListedItem[] {
    const cacheKey = `${this.version}:${sectionId}:${type}`;
    const cached = this.views.get(cacheKey);
    if (cached) return cached;
    let out: ListedItem[] = [];
    const section = this.section(sectionId);
    if (section?.type === 'movie' && type === 'movie') out = this.resolve(this.movieKeys);
    if (section?.type === 'show') {
      const shows = this.resolve(this.showKeys) as ShowLike[];
      if (type === 'show') out = shows;
      const seasons = shows.flatMap((show) => this.resolve(show.seasonKeys)) as SeasonLike[];
      if (type === 'season') out = seasons;
      if (type === 'episode') out = seasons.flatMap((season) => this.resolve(season.episodeKeys));
    }
    this.cacheView(cacheKey, out);
    return out;
  }

  /** Memoises a derived view (e.g. a sort) until the next mutation. */
  cacheView(key: string, items: ListedItem[]): void {
    if (this.views.size > 200) this.views.clear();
    this.views.set(key, items);
  }

  cachedView(key: string): ListedItem[] | undefined {
    return this.views.get(key);
  }

  children(item: ListedItem): ListedItem[] {
    if (item.type === 'show') return this.resolve(item.seasonKeys);
    if (item.type === 'season') return this.resolve(item.episodeKeys);
    return [];
  }

  allLeaves(item: ListedItem): ListedItem[] {
    if (item.type === 'show') return item.seasonKeys.flatMap((k) => this.children(this.items.get(k)!));
    if (item.type === 'season') return this.resolve(item.episodeKeys);
    return [];
  }

  leafCount(item: ShowLike | SeasonLike): number {
    if (item.type === 'season') return item.episodeKeys.length;
    return item.seasonKeys.reduce(
      (n, k) => n + ((this.items.get(k) as SeasonLike | undefined)?.episodeKeys.length ?? 0),
      0,
    );
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
        for (const listed of this.list(section.id, type)) {
          const item = this.full(listed);
          items.push(
            item.type === 'movie' || item.type === 'episode'
              ? { ...item, details: this.detailsOf(item) }
              : { ...item },
          );
        }
      }
    }
    return { sections: this.sections.map((s) => ({ ...s, locations: [...s.locations] })), items };
  }

  // ---- mutations -------------------------------------------------------------------------------------

  addMovie(overrides: Partial<FakeMovie> = {}): FakeMovie {
    const now = this.nowSeconds();
    const index = 1_000_000 + this.addedCount++;
    const movie = this.factory.fillMovie(this.factory.movieStub(1, index), index);
    Object.assign(movie, overrides, { addedAt: now, updatedAt: now });
    this.items.set(movie.ratingKey, movie);
    this.movieKeys.push(movie.ratingKey);
    this.touchSection(1, now);
    this.announceCreated([movie]);
    return movie;
  }

  addShow(episodes = 3, overrides: Partial<FakeShow> = {}): FakeShow {
    const now = this.nowSeconds();
    const index = 1_000_000 + this.addedCount++;
    const show = this.factory.fillShow(this.factory.showStub(2, index), index);
    Object.assign(show, overrides, { addedAt: now, updatedAt: now });
    this.items.set(show.ratingKey, show);
    this.showKeys.push(show.ratingKey);
    this.touchSection(2, now);
    this.announceCreated([show]);
    for (let i = 0; i < episodes; i++) this.addEpisode({ showKey: show.ratingKey, seasonIndex: 1 });
    return show;
  }

  addEpisode(options: AddEpisodeOptions = {}): FakeEpisode {
    const now = this.nowSeconds();
    const show = options.showKey ? this.get(options.showKey) : this.addShow(0);
    if (!show || show.type !== 'show') throw new LibraryError(`no show ${options.showKey}`);
    const seasons = show.seasonKeys.map((k) => this.items.get(k) as SeasonLike);
    const seasonIndex = options.seasonIndex ?? seasons.at(-1)?.index ?? 1;
    let season = seasons.find((s) => s.index === seasonIndex);
    const created: FakeItem[] = [];
    if (!season) {
      const fresh = this.factory.fillSeason(this.factory.seasonStub(show, seasonIndex), show);
      Object.assign(fresh, { addedAt: now, updatedAt: now });
      this.items.set(fresh.ratingKey, fresh);
      show.seasonKeys.push(fresh.ratingKey);
      show.seasonKeys.sort(
        (a, b) => (this.items.get(a) as SeasonLike).index - (this.items.get(b) as SeasonLike).index,
      );
      created.push(fresh);
      season = fresh;
    }
    const lastIndex = season.episodeKeys.reduce(
      (max, k) => Math.max(max, (this.items.get(k) as FakeEpisode).index ?? 0),
      0,
    );
    const sibling = this.allLeaves(show)[0];
    const siblingFile = sibling ? ((this.full(sibling) as FakeEpisode).media[0]?.parts[0]?.file ?? '') : '';
    const root = SHOW_ROOTS.find((r) => siblingFile.startsWith(r)) ?? SHOW_ROOTS[0]!;
    const episode = this.factory.fillEpisode(
      this.factory.episodeStub(season, lastIndex + 1),
      show,
      season,
      root,
    );
    Object.assign(episode, { addedAt: now, updatedAt: now }, options.title ? { title: options.title } : {});
    this.items.set(episode.ratingKey, episode);
    season.episodeKeys.push(episode.ratingKey);
    created.push(episode);
    this.touchSection(2, now);
    this.announceCreated(created);
    return episode;
  }

  /** An edit: fields change, `updatedAt` (and so the thumb/art URLs) move to now. */
  change(ratingKey: string, patch: ItemPatch = {}): FakeItem {
    checkPatch(patch);
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
    if (item.type !== 'movie' && item.type !== 'episode')
      throw new LibraryError(`${ratingKey} is a ${item.type}, not a video`);
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

  /**
   * Plex re-adds a movie or episode under a new ratingKey when its file is replaced or it is re-matched; the
   * guid (and `Guid[]`) stay (Tunarr #464; Kometa wiki). Media and part ids are new too. Returns the new key.
   */
  rekey(ratingKey: string): FakePlayable | FakeSeason {
    const old = this.require(ratingKey);
    if (old.type === 'season') return this.rekeySeason(old);
    if (old.type !== 'movie' && old.type !== 'episode')
      throw new LibraryError(`${ratingKey} is a ${old.type}; movies, seasons and episodes can be re-keyed`);
    const now = this.nowSeconds();
    const fresh = this.factory.ratingKey();
    const item: FakePlayable = { ...old, ratingKey: fresh, addedAt: now, updatedAt: now };
    item.media = old.media.map((m, n) => {
      const id = mediaIdFor(fresh, n);
      return {
        ...m,
        id,
        parts: m.parts.map((p, k) => {
          const partId = partIdFor(id, k);
          return { ...p, id: partId, key: `/library/parts/${partId}/${now}/file.${p.container}` };
        }),
      };
    });
    this.items.set(fresh, item);
    this.forget(ratingKey);
    if (item.type === 'movie') this.movieKeys = [...this.movieKeys.filter((k) => k !== ratingKey), fresh];
    else {
      const season = this.items.get(item.seasonKey) as SeasonLike;
      season.episodeKeys = season.episodeKeys.map((k) => (k === ratingKey ? fresh : k));
    }
    this.touchSection(item.sectionId, now);
    this.emitTimeline([this.entry(old, TIMELINE_STATE.deleted)]);
    this.announceCreated([item]);
    return item;
  }

  /** A season re-matched: new key, same guid; its episodes keep theirs and point at the new one. */
  private rekeySeason(old: FakeSeason): FakeSeason {
    const now = this.nowSeconds();
    const fresh = this.factory.ratingKey();
    const season: FakeSeason = { ...old, ratingKey: fresh, addedAt: now, updatedAt: now };
    this.items.set(fresh, season);
    this.forget(old.ratingKey);
    const show = this.items.get(season.showKey) as ShowLike;
    show.seasonKeys = show.seasonKeys.map((k) => (k === old.ratingKey ? fresh : k));
    for (const key of season.episodeKeys) {
      const episode = this.items.get(key);
      if (episode?.type === 'episode') episode.seasonKey = fresh;
    }
    this.touchSection(season.sectionId, now);
    this.emitTimeline([this.entry(old, TIMELINE_STATE.deleted)]);
    this.announceCreated([season]);
    return season;
  }

  /** Moves the section's stamps as any content change does. */
  touch(sectionId: number, now: number): void {
    this.touchSection(sectionId, now);
  }

  /** Deletes an item and everything under it; seasons and shows left without episodes go too, as in Plex. */
  delete(ratingKey: string): string[] {
    const item = this.items.get(ratingKey);
    if (!item) throw new LibraryError(`no item ${ratingKey}`);
    const removed: ListedItem[] = [];
    this.removeTree(item, removed);
    if (item.type === 'episode') {
      const season = this.items.get(item.seasonKey) as SeasonLike | undefined;
      if (season) {
        season.episodeKeys = season.episodeKeys.filter((k) => k !== ratingKey);
        if (!season.episodeKeys.length) this.removeTree(season, removed);
      }
    }
    if (item.type === 'episode' || item.type === 'season') {
      const show = this.items.get(item.showKey) as ShowLike | undefined;
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
    for (const item of removed) this.forget(item.ratingKey);
    if (section.type === 'movie') this.movieKeys = [];
    else this.showKeys = [];
    this.touchSection(section.id, this.nowSeconds());
    this.emitTimeline(removed.map((r) => this.entry(r, TIMELINE_STATE.deleted)));
    return removed.length;
  }

  /** Plays a library scan on the notifications socket (`activity` started → updated → ended). */
  scan(sectionId: number): void {
    const section = this.section(sectionId);
    if (!section) throw new LibraryError(`no section ${sectionId}`);
    const uuid = `00000000-0000-4000-8000-${String(++this.activityCounter).padStart(12, '0')}`;
    const activity = (event: ActivityEvent['event'], progress: number): ActivityEvent => ({
      event,
      uuid,
      Activity: {
        uuid,
        type: 'library.update.section',
        cancellable: false,
        userID: 1,
        title: `Scanning ${section.title}`,
        subtitle: '',
        progress,
        Context: { librarySectionID: section.key },
      },
    });
    this.emit('activity', activity('started', 0));
    this.emit('activity', activity('updated', 50));
    section.scannedAt = this.nowSeconds();
    this.version++;
    this.emit('activity', activity('ended', 100));
  }

  private removeTree(item: ListedItem, removed: ListedItem[]): void {
    for (const child of this.children(item)) this.removeTree(child, removed);
    if (this.items.has(item.ratingKey)) removed.push(item);
    this.forget(item.ratingKey);
  }

  private forget(ratingKey: string): void {
    this.items.delete(ratingKey);
    this.recipes.delete(ratingKey);
    this.details.delete(ratingKey);
  }

  private require(ratingKey: string): FakeItem {
    const item = this.get(ratingKey);
    if (!item) throw new LibraryError(`no item ${ratingKey}`);
    return item;
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

  private entry(item: ListedItem, state: number, metadataState?: string): TimelineEntry {
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

  private resolve(keys: string[]): ListedItem[] {
    const out: ListedItem[] = [];
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) out.push(item);
    }
    return out;
  }
}

/** A control request that names something the library does not have. */
export class LibraryError extends Error {}
