/** The fake library's data model: what the fake serves, and what tests compare a synced database against. */

export type SectionType = 'movie' | 'show';
export type ItemType = 'movie' | 'show' | 'season' | 'episode';

/** Plex's numeric `type` codes used by `/all?type=`. */
export const TYPE_CODES: Record<ItemType, number> = { movie: 1, show: 2, season: 3, episode: 4 };

export interface FakeLocation {
  id: number;
  path: string;
}

export interface FakeSection {
  id: number;
  /** Section key as Plex sends it: a string. */
  key: string;
  type: SectionType;
  title: string;
  agent: string;
  scanner: string;
  language: string;
  uuid: string;
  createdAt: number;
  updatedAt: number;
  scannedAt: number;
  /** A counter that grows on every content change (not a timestamp). */
  contentChangedAt: number;
  locations: FakeLocation[];
}

export interface FakeTag {
  id: number;
  tag: string;
}

export interface FakePerson extends FakeTag {
  tagKey: string;
  thumb?: string;
}

export interface FakeRole {
  person: FakePerson;
  /** Character name; absent for some cast entries, as in Plex. */
  role?: string;
}

export interface FakeStream {
  id: number;
  /** 1 video, 2 audio, 3 subtitle. */
  streamType: 1 | 2 | 3;
  codec: string;
  /** Position in the file; absent for external (sidecar) subtitles. */
  index?: number;
  language?: string;
  languageCode?: string;
  languageTag?: string;
  title?: string;
  displayTitle: string;
  extendedDisplayTitle: string;
  default?: boolean;
  selected?: boolean;
  forced?: boolean;
  hearingImpaired?: boolean;
  /** External subtitles only: `/library/streams/{id}`. */
  key?: string;
  format?: string;
  bitrate?: number;
  width?: number;
  height?: number;
  frameRate?: number;
  bitDepth?: number;
  profile?: string;
  channels?: number;
  audioChannelLayout?: string;
  samplingRate?: number;
}

export interface FakePart {
  id: number;
  key: string;
  file: string;
  size: number;
  duration: number;
  container: string;
  videoProfile?: string;
  /**
   * Unix seconds when a scan found the file gone: the part is in Plex's trash until it is emptied
   * (support.plex.tv 200289526; PMS keeps `deleted_at` on media parts, plex-api-notes §8).
   */
  deletedAt?: number;
}

export interface FakeMedia {
  id: number;
  duration: number;
  bitrate: number;
  width: number;
  height: number;
  aspectRatio: number;
  audioChannels: number;
  audioCodec: string;
  videoCodec: string;
  videoResolution: string;
  container: string;
  videoFrameRate: string;
  /** 42 for an optimized version Plex made (python-plexapi `plexapi/media.py`: `Media.proxyType`, `isOptimizedVersion`). */
  proxyType?: number;
  /** Name of an optimized version ("Optimized for Mobile"). */
  title?: string;
  target?: string;
  parts: FakePart[];
}

export interface FakeChapter {
  id: number;
  index: number;
  startTimeOffset: number;
  endTimeOffset: number;
  thumb: string;
  tag?: string;
}

export interface FakeMarker {
  id: number;
  /** Marker kinds Plex detects (Plex "Skip Intro/Credits" and commercial detection for DVR recordings). */
  type: 'intro' | 'credits' | 'commercial';
  startTimeOffset: number;
  endTimeOffset: number;
  final?: boolean;
}

interface FakeItemBase {
  ratingKey: string;
  sectionId: number;
  type: ItemType;
  /** Plex GUID (`plex://movie/...`, legacy agent URI, or `local://`); absent for some unmatched items. */
  guid?: string;
  title: string;
  titleSort?: string;
  originalTitle?: string;
  summary?: string;
  year?: number;
  originallyAvailableAt?: string;
  contentRating?: string;
  studio?: string;
  rating?: number;
  addedAt: number;
  updatedAt: number;
  /** External ids (`imdb://...`, `tmdb://...`, `tvdb://...`): the `Guid[]` array. */
  guids: string[];
  genres: FakeTag[];
  countries: FakeTag[];
  directors: FakeTag[];
  writers: FakeTag[];
  roles: FakeRole[];
  /** Labels (`Label[]`, detail only): edited without moving `updatedAt`. */
  labels?: FakeTag[];
  /** Whether the item has a poster / background (thumb/art attributes). */
  hasThumb: boolean;
  hasArt: boolean;
}

export interface FakeMovie extends FakeItemBase {
  type: 'movie';
  tagline?: string;
  editionTitle?: string;
  duration: number;
  media: FakeMedia[];
}

export interface FakeShow extends FakeItemBase {
  type: 'show';
  /** Season ratingKeys, in index order. */
  seasonKeys: string[];
  /** Seasons hidden in Plex ("skipChildren"): its episodes then come without parentKey/parentRatingKey. */
  skipChildren?: boolean;
}

export interface FakeSeason extends FakeItemBase {
  type: 'season';
  showKey: string;
  index: number;
  /** Episode ratingKeys, in index order. */
  episodeKeys: string[];
}

export interface FakeEpisode extends FakeItemBase {
  type: 'episode';
  showKey: string;
  seasonKey: string;
  /** Episode number; absent for some (e.g. date-based) episodes, as in Plex. */
  index?: number;
  duration: number;
  media: FakeMedia[];
}

export type FakeItem = FakeMovie | FakeShow | FakeSeason | FakeEpisode;

/** Fields generated only when an item is first served in full (keeps start-up fast on big libraries). */
export type LazyField =
  | 'guid'
  | 'guids'
  | 'summary'
  | 'contentRating'
  | 'studio'
  | 'genres'
  | 'countries'
  | 'directors'
  | 'writers'
  | 'roles'
  | 'hasThumb'
  | 'hasArt'
  | 'media'
  | 'tagline'
  | 'originalTitle'
  | 'editionTitle';

type Listed<T> = Omit<T, LazyField> & Partial<Pick<T, LazyField & keyof T>>;

/** An item as kept for listing, sorting and filtering: the cheap fields, the rest possibly not generated yet. */
export type ListedItem = Listed<FakeMovie> | Listed<FakeShow> | Listed<FakeSeason> | Listed<FakeEpisode>;
export type FakePlayable = FakeMovie | FakeEpisode;

/** Detail-only data (streams, chapters, markers), derived deterministically from an item on demand. */
export interface FakeItemDetails {
  /** Streams per part id. */
  streams: Map<number, FakeStream[]>;
  chapters: FakeChapter[];
  markers: FakeMarker[];
}

export interface LibraryOptions {
  seed: number;
  movies: number;
  shows: number;
  /** Total episodes across all shows. */
  episodes: number;
  /** Give one show hidden seasons (skipChildren), as Plex does for single-season shows set that way. */
  hiddenSeasons?: boolean;
}

/** Everything the fake serves, fully expanded: what a complete sync must end up with. */
export interface LibrarySnapshot {
  sections: FakeSection[];
  items: Array<FakeItem & { details?: FakeItemDetails }>;
}

/**
 * A collection (`/library/sections/{id}/collections`, `/library/collections/{id}/children`; python-plexapi
 * `plexapi/collection.py`): regular ones list chosen members, smart ones a filter (`content` URI) whose
 * result moves with the library without the collection's own `updatedAt` moving.
 */
export interface FakeCollection {
  ratingKey: string;
  sectionId: number;
  guid: string;
  title: string;
  smart: boolean;
  /** Smart only: the filter, as `/library/sections/{id}/all?...`. */
  content?: string;
  memberKeys: string[];
  labels: string[];
  addedAt: number;
  updatedAt: number;
}

/** A video playlist (`/playlists?playlistType=video`, `/playlists/{id}/items`): ordered items from any library. */
export interface FakePlaylist {
  ratingKey: string;
  guid: string;
  title: string;
  smart: boolean;
  content?: string;
  itemKeys: string[];
  addedAt: number;
  updatedAt: number;
}
