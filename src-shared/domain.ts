// Domain vocabulary shared by main and renderer. Plain types only: no Node, no DOM.

export const MEDIA_STATES = [
  'normal',
  'remote_only',
  'unavailable',
  'file_not_found',
  'scanning',
  'error',
  /** Plex lists it with its files gone (Plex's trash) until the trash is emptied: not live, not deleted. */
  'trashed',
] as const;
export type MediaState = (typeof MEDIA_STATES)[number];

export const LIBRARY_TYPES = ['movie', 'show'] as const;
export type LibraryType = (typeof LIBRARY_TYPES)[number];

export const ITEM_KINDS = ['movie', 'show', 'season', 'episode'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export const TAG_KINDS = ['genre', 'director', 'writer', 'studio', 'country', 'label'] as const;
export type TagKind = (typeof TAG_KINDS)[number];

export const GUID_PROVIDERS = ['imdb', 'tmdb', 'tvdb'] as const;
export type GuidProvider = (typeof GUID_PROVIDERS)[number];

export const STREAM_TYPES = { video: 1, audio: 2, subtitle: 3 } as const;
export type StreamKind = keyof typeof STREAM_TYPES;

export const ARTWORK_KINDS = ['thumb', 'art'] as const;
export type ArtworkKind = (typeof ARTWORK_KINDS)[number];

export const SYNC_KINDS = ['full', 'incremental', 'deep'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** `retry`: the service trying again by itself after the server could not be reached. */
export const RUN_TRIGGERS = ['manual', 'schedule', 'push', 'cli', 'startup', 'resume', 'retry'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'interrupted',
  'cancelled',
  'skipped',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const OPERATIONS = ['refresh', 'deep_scan', 'cleanup', 'maintenance'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const ERROR_CLASSES = [
  'network',
  'timeout',
  'auth',
  'not_found',
  'data',
  'file_system',
  'database',
] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export const CONNECTION_KINDS = ['local', 'remote', 'relay'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export const SERVER_SOURCES = ['plextv', 'gdm', 'manual'] as const;
export type ServerSource = (typeof SERVER_SOURCES)[number];
