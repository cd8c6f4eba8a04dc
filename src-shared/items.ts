// Synced items as the item queries return them (store layer) and the API hands them on: a list
// row, one item's detail, and a page of rows. Plain domain data, below the IPC contract.
import type { ArtworkKind, ItemKind, MediaState } from './domain';

export interface ItemRow {
  kind: ItemKind;
  id: number;
  libraryId: number;
  title: string;
  subtitle: string | null;
  year: number | null;
  state: MediaState;
  /** Milliseconds, as Plex gives it. */
  duration: number | null;
  fileSize: number | null;
  /** Plex's updatedAt: unix seconds, unlike the millisecond times of our own bookkeeping. */
  updatedAt: number | null;
  /** The pictures Plex has for it (thumb: poster, art: background), served from src-shared/artwork-url. */
  pictures: ArtworkKind[];
}

export interface StreamView {
  streamType: 'video' | 'audio' | 'subtitle';
  codec: string | null;
  language: string | null;
  title: string | null;
  isDefault: boolean;
  isForced: boolean;
  isExternal: boolean;
}

export interface ItemDetailView extends ItemRow {
  summary: string | null;
  lastError: string | null;
  guids: { provider: string; value: string }[];
  tags: { kind: string; name: string }[];
  cast: { name: string; role: string | null }[];
  files: {
    plexPath: string;
    localPath: string | null;
    fileState: string | null;
    size: number | null;
    container: string | null;
    streams: StreamView[];
  }[];
  chapters: { index: number; title: string | null; startMs: number; endMs: number }[];
  /** Intro, credits and commercial markers, in start order. */
  markers: { type: string; startMs: number; endMs: number }[];
  /** The newest changes to its stored metadata, newest first (values before and after, and the run). */
  history: {
    field: string;
    oldValue: string | null;
    newValue: string | null;
    runId: number | null;
    changedAt: number;
  }[];
}

export interface Page<T> {
  rows: T[];
  total: number;
}
