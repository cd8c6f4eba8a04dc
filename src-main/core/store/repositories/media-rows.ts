// The rows a media item is stored as: what the media layer makes of a Plex payload
// (media/item-mapper.ts) and hands to the writer (media-writer.ts).
import type { GuidProvider, ItemKind, StreamKind, TagKind } from '../../../../src-shared/domain';

/** Column values of the item's own row (snake_case, as in the table). */
export type ItemColumns = Record<string, string | number | null>;

export interface MappedStream {
  plex_stream_id: number;
  stream_type: StreamKind;
  stream_index: number | null;
  codec: string | null;
  language: string | null;
  language_code: string | null;
  title: string | null;
  display_title: string | null;
  is_default: number;
  is_forced: number;
  is_external: number;
  hearing_impaired: number;
  plex_key: string | null;
  bitrate: number | null;
  width: number | null;
  height: number | null;
  frame_rate: number | null;
  channels: number | null;
  audio_channel_layout: string | null;
  sampling_rate: number | null;
  profile: string | null;
}

export interface MappedPart {
  plex_part_id: number;
  position: number;
  plex_key: string | null;
  file: string;
  size: number | null;
  duration: number | null;
  container: string | null;
  /** Unix seconds the file was found gone (Plex's trash), else null. */
  deleted_at: number | null;
  streams: MappedStream[];
}

export interface MappedVersion {
  plex_media_id: number;
  position: number;
  duration: number | null;
  bitrate: number | null;
  width: number | null;
  height: number | null;
  aspect_ratio: number | null;
  audio_channels: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  video_resolution: string | null;
  video_frame_rate: string | null;
  container: string | null;
  /** Plex's proxyType: 42 for an optimized version, which is a copy, not the item's own file. */
  proxy_type: number | null;
  parts: MappedPart[];
}

export interface MappedMarker {
  marker_type: string;
  start_ms: number;
  end_ms: number;
  is_final: number;
  plex_marker_id: number | null;
}

export interface MappedChapter {
  chapter_index: number;
  title: string | null;
  start_ms: number;
  end_ms: number;
  thumb_url: string | null;
}

export interface MappedCast {
  name: string;
  tagKey: string | null;
  thumb: string | null;
  role: string | null;
  order: number;
}

export interface MappedItem {
  kind: ItemKind;
  ratingKey: string;
  title: string;
  columns: ItemColumns;
  guids: Array<{ provider: GuidProvider; value: string }>;
  tags: Array<{ kind: TagKind; name: string; position: number }>;
  cast: MappedCast[];
  versions: MappedVersion[];
  chapters: MappedChapter[];
  markers: MappedMarker[];
  artwork: { thumb: string | null; art: string | null };
  /** Every file of the item is gone and Plex keeps it in its trash. */
  trashed: boolean;
  /** Plex paths of every file, for the existence check. */
  files: string[];
  /** Whether the payload carried detail-only data (streams/chapters/full credits). */
  hasDetail: boolean;
}
