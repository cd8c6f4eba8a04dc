// Plex payload -> the rows we store. Pure: no I/O, so every mapping rule is unit-tested directly.
import type { GuidProvider, StreamKind, TagKind } from '../../../src-shared/domain';
import type { PlexChapter, PlexItem, PlexMarker, PlexMedia, PlexStream } from '../plex/payloads';
import type {
  ItemColumns,
  MappedChapter,
  MappedItem,
  MappedMarker,
  MappedStream,
  MappedVersion,
} from '../store/repositories/media-rows';

/** Plex's proxyType of an optimized version (python-plexapi `Media.isOptimizedVersion`). */
export const OPTIMIZED_PROXY_TYPE = 42;

const n = <T>(v: T | undefined): T | null => (v === undefined ? null : v);
const flag = (v: boolean | undefined) => (v ? 1 : 0);

const PROVIDERS: Record<string, GuidProvider> = { imdb: 'imdb', tmdb: 'tmdb', tvdb: 'tvdb' };
const LEGACY_PROVIDERS: Record<string, GuidProvider> = {
  'com.plexapp.agents.imdb': 'imdb',
  'com.plexapp.agents.themoviedb': 'tmdb',
  'com.plexapp.agents.thetvdb': 'tvdb',
};

/** External ids from `Guid[]`, falling back to a legacy agent `guid` (`com.plexapp.agents.imdb://tt1?lang=en`). */
export function mapGuids(item: Pick<PlexItem, 'Guid' | 'guid' | 'type'>): MappedItem['guids'] {
  const out = new Map<GuidProvider, string>();
  for (const g of item.Guid ?? []) {
    const m = /^([a-z]+):\/\/(.+)$/.exec(g.id);
    const provider = m ? PROVIDERS[m[1]!] : undefined;
    if (provider && m && !out.has(provider)) out.set(provider, m[2]!);
  }
  const legacy = item.guid ? /^([\w.]+):\/\/([^?]+)/.exec(item.guid) : null;
  const legacyProvider = legacy ? LEGACY_PROVIDERS[legacy[1]!] : undefined;
  // Legacy tvdb guids of seasons/episodes are series/season/episode paths, not ids.
  if (legacy && legacyProvider && !out.has(legacyProvider) && !legacy[2]!.includes('/')) {
    out.set(legacyProvider, legacy[2]!);
  }
  return [...out].map(([provider, value]) => ({ provider, value }));
}

const STREAM_KINDS: Record<number, StreamKind> = { 1: 'video', 2: 'audio', 3: 'subtitle' };

function mapStream(s: PlexStream): MappedStream | null {
  const streamType = STREAM_KINDS[s.streamType];
  if (!streamType) return null;
  return {
    plex_stream_id: s.id,
    stream_type: streamType,
    stream_index: n(s.index),
    codec: n(s.codec),
    language: n(s.language),
    language_code: n(s.languageCode),
    title: n(s.title),
    display_title: n(s.displayTitle),
    is_default: flag(s.default),
    is_forced: flag(s.forced),
    // Sidecar subtitles have a fetch key and no index in the container.
    is_external: streamType === 'subtitle' && s.key !== undefined && s.index === undefined ? 1 : 0,
    hearing_impaired: flag(s.hearingImpaired),
    plex_key: n(s.key),
    bitrate: n(s.bitrate),
    width: n(s.width),
    height: n(s.height),
    frame_rate: n(s.frameRate),
    channels: n(s.channels),
    audio_channel_layout: n(s.audioChannelLayout),
    sampling_rate: n(s.samplingRate),
    profile: n(s.profile),
  };
}

function mapVersions(media: PlexMedia[]): MappedVersion[] {
  return media.map((m, position) => ({
    plex_media_id: m.id,
    position,
    duration: n(m.duration),
    bitrate: n(m.bitrate),
    width: n(m.width),
    height: n(m.height),
    aspect_ratio: n(m.aspectRatio),
    audio_channels: n(m.audioChannels),
    video_codec: n(m.videoCodec),
    audio_codec: n(m.audioCodec),
    video_resolution: n(m.videoResolution),
    video_frame_rate: n(m.videoFrameRate),
    container: n(m.container),
    proxy_type: n(m.proxyType),
    parts: m.Part.map((p, partPosition) => ({
      plex_part_id: p.id,
      position: partPosition,
      plex_key: n(p.key),
      file: p.file,
      size: n(p.size),
      duration: n(p.duration),
      container: n(p.container),
      deleted_at: n(p.deletedAt),
      streams: (p.Stream ?? []).map(mapStream).filter((s): s is MappedStream => s !== null),
    })),
  }));
}

function mapChapters(chapters: PlexChapter[] | undefined): MappedChapter[] {
  return (chapters ?? []).map((c) => ({
    chapter_index: c.index,
    title: n(c.tag),
    start_ms: c.startTimeOffset,
    end_ms: c.endTimeOffset,
    thumb_url: n(c.thumb),
  }));
}

function mapMarkers(markers: PlexMarker[] | undefined): MappedMarker[] {
  return (markers ?? []).map((m) => ({
    marker_type: m.type,
    start_ms: m.startTimeOffset,
    end_ms: m.endTimeOffset,
    is_final: flag(m.final),
    plex_marker_id: n(m.id),
  }));
}

function mapTags(item: PlexItem): MappedItem['tags'] {
  const out: MappedItem['tags'] = [];
  const add = (kind: TagKind, names: Array<{ tag: string }> | undefined) => {
    const seen = new Set<string>();
    (names ?? []).forEach((t) => {
      if (seen.has(t.tag)) return;
      seen.add(t.tag);
      out.push({ kind, name: t.tag, position: seen.size - 1 });
    });
  };
  add('genre', item.Genre);
  add('director', item.Director);
  add('writer', item.Writer);
  add('country', item.Country);
  add('label', item.Label);
  if (item.studio) out.push({ kind: 'studio', name: item.studio, position: 0 });
  return out;
}

/**
 * Maps a validated list or detail payload. `columns` holds everything of the item's own row that
 * comes from Plex; the engine adds library, parents, state and bookkeeping.
 */
export function mapItem(item: PlexItem, hasDetail: boolean): MappedItem {
  const common: ItemColumns = {
    plex_rating_key: item.ratingKey,
    plex_guid: n(item.guid),
    title: item.title,
    duration: n(item.duration),
    added_at: n(item.addedAt),
    updated_at: n(item.updatedAt),
    thumb_url: n(item.thumb),
    art_url: n(item.art),
    summary: n(item.summary),
  };
  const descriptive: ItemColumns = {
    sort_title: item.titleSort ?? item.title,
    original_title: n(item.originalTitle),
    year: n(item.year),
    originally_available_at: n(item.originallyAvailableAt),
    content_rating: n(item.contentRating),
  };
  let columns: ItemColumns;
  let versions: MappedVersion[] = [];
  let chapters: MappedChapter[] = [];
  let markers: MappedMarker[] = [];
  switch (item.type) {
    case 'movie':
      versions = mapVersions(item.Media);
      chapters = mapChapters(item.Chapter);
      markers = mapMarkers(item.Marker);
      columns = { ...common, ...descriptive, tagline: n(item.tagline), edition_title: n(item.editionTitle) };
      break;
    case 'show':
      columns = {
        ...common,
        ...descriptive,
        season_count: n(item.childCount),
        episode_count: n(item.leafCount),
      };
      break;
    case 'season':
      columns = { ...common, season_number: n(item.index), episode_count: n(item.leafCount) };
      break;
    case 'episode':
      versions = mapVersions(item.Media);
      chapters = mapChapters(item.Chapter);
      markers = mapMarkers(item.Marker);
      columns = {
        ...common,
        ...descriptive,
        season_number: n(item.parentIndex),
        episode_number: n(item.index),
      };
      break;
  }
  const files = versions.flatMap((v) => v.parts.map((p) => p.file));
  // An optimized version is a copy Plex made: the item's size is that of its own files.
  const own = versions.filter((v) => v.proxy_type !== OPTIMIZED_PROXY_TYPE);
  const sizes = own.flatMap((v) => v.parts.map((p) => p.size ?? 0));
  columns.file_size = sizes.length > 0 ? sizes.reduce((a, b) => a + b, 0) : null;
  const parts = own.flatMap((v) => v.parts);
  // Plex marks a trashed item on the item (the OpenAPI description's recorded example) and, in its
  // database, on the parts (plex-api-notes §8): either says every file of it is gone.
  const trashed =
    parts.length > 0 && (item.deletedAt !== undefined || parts.every((p) => p.deleted_at !== null));
  return {
    kind: item.type,
    ratingKey: item.ratingKey,
    title: item.title,
    columns,
    guids: mapGuids(item),
    tags: mapTags(item),
    cast: (item.Role ?? []).map((r, order) => ({
      name: r.tag,
      tagKey: n(r.tagKey),
      thumb: n(r.thumb),
      role: n(r.role),
      order,
    })),
    versions,
    chapters,
    markers,
    artwork: { thumb: n(item.thumb), art: n(item.art) },
    trashed,
    files,
    hasDetail,
  };
}
