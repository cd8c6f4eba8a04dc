// The Drizzle schema: the single source for the SQL migrations in drizzle/ (npm run db:generate).
// Times are unix milliseconds for our own bookkeeping (`*_at` we write) and unix seconds where
// they mirror Plex fields (added_at, updated_at, plex_updated_at, plex_scanned_at).
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import {
  ARTWORK_KINDS,
  ERROR_CLASSES,
  GUID_PROVIDERS,
  ITEM_KINDS,
  LIBRARY_TYPES,
  MEDIA_STATES,
  OPERATIONS,
  RUN_STATUSES,
  SYNC_KINDS,
  TAG_KINDS,
} from '../../../src-shared/domain';

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;
const bool = (name: string) => integer(name, { mode: 'boolean' });

/** Key/value settings owned by the app (client identifier, schema notes). Never secrets. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull().default(now),
});

/** plex.tv accounts. The token lives in the vault under `token_ref`, never here. */
export const accounts = sqliteTable('accounts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  plexUuid: text('plex_uuid').notNull().unique(),
  plexId: integer('plex_id'),
  username: text('username').notNull(),
  title: text('title'),
  email: text('email'),
  avatarUrl: text('avatar_url'),
  tokenRef: text('token_ref').notNull(),
  needsLogin: bool('needs_login').notNull().default(false),
  validatedAt: integer('validated_at'),
  createdAt: integer('created_at').notNull().default(now),
});

export const servers = sqliteTable('servers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  machineIdentifier: text('machine_identifier').notNull().unique(),
  name: text('name').notNull(),
  accountId: integer('account_id').references(() => accounts.id, { onDelete: 'set null' }),
  owned: bool('owned').notNull().default(true),
  sourceTitle: text('source_title'),
  version: text('version'),
  platform: text('platform'),
  /** Comma list of plextv/gdm/manual: where we learnt about this server. */
  sources: text('sources').notNull().default('manual'),
  /** JSON array of {uri, protocol, address, port, kind, latencyMs, ok, error, checkedAt}. */
  connectionsJson: text('connections_json').notNull().default('[]'),
  chosenUri: text('chosen_uri'),
  chosenLatencyMs: integer('chosen_latency_ms'),
  /** Vault key of this server's access token (shared servers have their own). */
  tokenRef: text('token_ref'),
  needsLogin: bool('needs_login').notNull().default(false),
  /**
   * The person chose to sync from it (the wizard's pick, a server added by URL, a selected library).
   * Discovery lists every server it finds as available; only added ones count for health.
   */
  added: bool('added').notNull().default(false),
  httpsRequired: bool('https_required').notNull().default(false),
  lastSeenAt: integer('last_seen_at'),
  createdAt: integer('created_at').notNull().default(now),
  modifiedAt: integer('modified_at').notNull().default(now),
});

export const libraries = sqliteTable(
  'libraries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    serverId: integer('server_id')
      .notNull()
      .references(() => servers.id, { onDelete: 'cascade' }),
    plexKey: text('plex_key').notNull(),
    title: text('title').notNull(),
    type: text('type', { enum: LIBRARY_TYPES }).notNull(),
    agent: text('agent'),
    scanner: text('scanner'),
    language: text('language'),
    uuid: text('uuid'),
    /** JSON array of Plex root folders (Location paths). */
    locationsJson: text('locations_json').notNull().default('[]'),
    selected: bool('selected').notNull().default(false),
    plexUpdatedAt: integer('plex_updated_at'),
    plexScannedAt: integer('plex_scanned_at'),
    /** Plex's contentChangedAt is an int64 counter that can exceed 2^53: kept as text. */
    plexContentChangedAt: text('plex_content_changed_at'),
    /** What Plex said at the start of the last run that succeeded: the change-detection baseline. */
    syncedPlexUpdatedAt: integer('synced_plex_updated_at'),
    syncedContentChangedAt: text('synced_content_changed_at'),
    lastSyncAt: integer('last_sync_at'),
    lastSyncStatus: text('last_sync_status'),
    lastGoodSyncAt: integer('last_good_sync_at'),
    lastDeepScanAt: integer('last_deep_scan_at'),
    createdAt: integer('created_at').notNull().default(now),
    modifiedAt: integer('modified_at').notNull().default(now),
  },
  (t) => [uniqueIndex('libraries_server_key_uq').on(t.serverId, t.plexKey)],
);

/** A media table's key and owning library: removing a library takes its items with it. */
const inLibrary = () => ({
  id: integer('id').primaryKey({ autoIncrement: true }),
  libraryId: integer('library_id')
    .notNull()
    .references(() => libraries.id, { onDelete: 'cascade' }),
});

/** The seed's tracking columns, shared by every media table. */
const tracking = () => ({
  plexRatingKey: text('plex_rating_key').notNull(),
  plexGuid: text('plex_guid'),
  title: text('title').notNull(),
  state: text('state', { enum: MEDIA_STATES }).notNull().default('normal'),
  /** State before the run marked it `scanning`, so an interrupted run can be undone exactly. */
  stateBeforeScan: text('state_before_scan', { enum: MEDIA_STATES }),
  stateChangedAt: integer('state_changed_at'),
  lastScanAt: integer('last_scan_at'),
  lastSeenRunId: integer('last_seen_run_id'),
  lastError: text('last_error'),
  lastErrorAt: integer('last_error_at'),
  errorCount: integer('error_count').notNull().default(0),
  /** Hash of the list payload fields that matter: the cheap change test. */
  etag: text('etag'),
  /** Hash of the detail payload (streams, chapters, full credits). */
  detailEtag: text('detail_etag'),
  fileSize: integer('file_size'),
  duration: integer('duration'),
  addedAt: integer('added_at'),
  updatedAt: integer('updated_at'),
  removedAt: integer('removed_at'),
  createdAt: integer('created_at').notNull().default(now),
  modifiedAt: integer('modified_at').notNull().default(now),
});

const descriptive = () => ({
  sortTitle: text('sort_title'),
  originalTitle: text('original_title'),
  summary: text('summary'),
  year: integer('year'),
  originallyAvailableAt: text('originally_available_at'),
  contentRating: text('content_rating'),
  thumbUrl: text('thumb_url'),
  artUrl: text('art_url'),
});

export const movies = sqliteTable(
  'movies',
  {
    ...inLibrary(),
    ...tracking(),
    ...descriptive(),
    tagline: text('tagline'),
    editionTitle: text('edition_title'),
  },
  (t) => [
    uniqueIndex('movies_library_rk_uq').on(t.libraryId, t.plexRatingKey),
    index('movies_library_state_idx').on(t.libraryId, t.state),
    index('movies_title_idx').on(t.title),
    // Re-keyed items are found by guid (sync/rekey.ts), once per new item.
    index('movies_guid_idx').on(t.plexGuid),
  ],
);

export const shows = sqliteTable(
  'shows',
  {
    ...inLibrary(),
    ...tracking(),
    ...descriptive(),
    seasonCount: integer('season_count'),
    episodeCount: integer('episode_count'),
  },
  (t) => [
    uniqueIndex('shows_library_rk_uq').on(t.libraryId, t.plexRatingKey),
    index('shows_library_state_idx').on(t.libraryId, t.state),
    index('shows_title_year_idx').on(t.libraryId, t.title, t.year),
    index('shows_guid_idx').on(t.plexGuid),
  ],
);

const showRef = () =>
  integer('show_id')
    .notNull()
    .references(() => shows.id, { onDelete: 'cascade' });

export const seasons = sqliteTable(
  'seasons',
  {
    ...inLibrary(),
    showId: showRef(),
    ...tracking(),
    seasonNumber: integer('season_number'),
    summary: text('summary'),
    thumbUrl: text('thumb_url'),
    artUrl: text('art_url'),
    episodeCount: integer('episode_count'),
  },
  (t) => [
    uniqueIndex('seasons_library_rk_uq').on(t.libraryId, t.plexRatingKey),
    index('seasons_show_idx').on(t.showId, t.seasonNumber),
    index('seasons_library_state_idx').on(t.libraryId, t.state),
    index('seasons_guid_idx').on(t.plexGuid),
  ],
);

export const episodes = sqliteTable(
  'episodes',
  {
    ...inLibrary(),
    showId: showRef(),
    /** Null when Plex hides the show's seasons (episodes then lack parentRatingKey). */
    seasonId: integer('season_id').references((): AnySQLiteColumn => seasons.id, {
      onDelete: 'set null',
    }),
    ...tracking(),
    ...descriptive(),
    seasonNumber: integer('season_number'),
    episodeNumber: integer('episode_number'),
  },
  (t) => [
    uniqueIndex('episodes_library_rk_uq').on(t.libraryId, t.plexRatingKey),
    index('episodes_show_idx').on(t.showId, t.seasonNumber, t.episodeNumber),
    index('episodes_season_idx').on(t.seasonId),
    index('episodes_library_state_idx').on(t.libraryId, t.state),
    index('episodes_guid_idx').on(t.plexGuid),
  ],
);

/** A Plex Media element: one version/encode of a movie or episode. */
export const mediaVersions = sqliteTable(
  'media_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    movieId: integer('movie_id').references(() => movies.id, { onDelete: 'cascade' }),
    episodeId: integer('episode_id').references(() => episodes.id, { onDelete: 'cascade' }),
    plexMediaId: integer('plex_media_id').notNull(),
    position: integer('position').notNull().default(0),
    duration: integer('duration'),
    bitrate: integer('bitrate'),
    width: integer('width'),
    height: integer('height'),
    aspectRatio: real('aspect_ratio'),
    audioChannels: integer('audio_channels'),
    videoCodec: text('video_codec'),
    audioCodec: text('audio_codec'),
    videoResolution: text('video_resolution'),
    videoFrameRate: text('video_frame_rate'),
    container: text('container'),
    /** Plex's proxyType: 42 for an optimized version (a copy Plex made; not counted in file_size). */
    proxyType: integer('proxy_type'),
  },
  (t) => [
    index('media_versions_movie_idx').on(t.movieId),
    index('media_versions_episode_idx').on(t.episodeId),
    check('media_versions_one_owner', sql`(${t.movieId} is null) <> (${t.episodeId} is null)`),
  ],
);

/** A Plex Part: one file. `file` is the path as Plex sees it, `local_path` after mapping. */
export const mediaParts = sqliteTable(
  'media_parts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    versionId: integer('version_id')
      .notNull()
      .references(() => mediaVersions.id, { onDelete: 'cascade' }),
    plexPartId: integer('plex_part_id').notNull(),
    position: integer('position').notNull().default(0),
    plexKey: text('plex_key'),
    file: text('file').notNull(),
    localPath: text('local_path'),
    /** found | missing | unmapped | invalid (not an absolute path, or a NUL): the last existence check. */
    fileState: text('file_state', { enum: ['found', 'missing', 'unmapped', 'invalid'] }),
    checkedAt: integer('checked_at'),
    size: integer('size'),
    duration: integer('duration'),
    container: text('container'),
    /** Plex seconds: when Plex found the file gone (the part is in Plex's trash). */
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('media_parts_version_idx').on(t.versionId), index('media_parts_file_idx').on(t.file)],
);

export const streams = sqliteTable(
  'streams',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    partId: integer('part_id')
      .notNull()
      .references(() => mediaParts.id, { onDelete: 'cascade' }),
    plexStreamId: integer('plex_stream_id').notNull(),
    streamType: text('stream_type', { enum: ['video', 'audio', 'subtitle'] }).notNull(),
    streamIndex: integer('stream_index'),
    codec: text('codec'),
    language: text('language'),
    languageCode: text('language_code'),
    title: text('title'),
    displayTitle: text('display_title'),
    isDefault: bool('is_default').notNull().default(false),
    isForced: bool('is_forced').notNull().default(false),
    isExternal: bool('is_external').notNull().default(false),
    hearingImpaired: bool('hearing_impaired').notNull().default(false),
    plexKey: text('plex_key'),
    bitrate: integer('bitrate'),
    width: integer('width'),
    height: integer('height'),
    frameRate: real('frame_rate'),
    channels: integer('channels'),
    audioChannelLayout: text('audio_channel_layout'),
    samplingRate: integer('sampling_rate'),
    profile: text('profile'),
  },
  (t) => [index('streams_part_idx').on(t.partId)],
);

export const chapters = sqliteTable(
  'chapters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    movieId: integer('movie_id').references(() => movies.id, { onDelete: 'cascade' }),
    episodeId: integer('episode_id').references(() => episodes.id, { onDelete: 'cascade' }),
    chapterIndex: integer('chapter_index').notNull(),
    title: text('title'),
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
    thumbUrl: text('thumb_url'),
  },
  (t) => [
    index('chapters_movie_idx').on(t.movieId),
    index('chapters_episode_idx').on(t.episodeId),
    check('chapters_one_owner', sql`(${t.movieId} is null) <> (${t.episodeId} is null)`),
  ],
);

/** Intro, credits and commercial markers (`includeMarkers=1`): where a channel places breaks and skips intros. */
export const markers = sqliteTable(
  'markers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    movieId: integer('movie_id').references(() => movies.id, { onDelete: 'cascade' }),
    episodeId: integer('episode_id').references(() => episodes.id, { onDelete: 'cascade' }),
    markerType: text('marker_type').notNull(),
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
    isFinal: bool('is_final').notNull().default(false),
    plexMarkerId: integer('plex_marker_id'),
  },
  (t) => [
    index('markers_movie_idx').on(t.movieId),
    index('markers_episode_idx').on(t.episodeId),
    check('markers_one_owner', sql`(${t.movieId} is null) <> (${t.episodeId} is null)`),
  ],
);

/** External ids. Polymorphic over the four media tables by (item_kind, item_id). */
export const guids = sqliteTable(
  'guids',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    itemId: integer('item_id').notNull(),
    provider: text('provider', { enum: GUID_PROVIDERS }).notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    uniqueIndex('guids_item_provider_uq').on(t.itemKind, t.itemId, t.provider),
    index('guids_lookup_idx').on(t.provider, t.value),
  ],
);

export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: TAG_KINDS }).notNull(),
    name: text('name').notNull(),
  },
  (t) => [uniqueIndex('tags_kind_name_uq').on(t.kind, t.name)],
);

export const itemTags = sqliteTable(
  'item_tags',
  {
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    itemId: integer('item_id').notNull(),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    uniqueIndex('item_tags_uq').on(t.itemKind, t.itemId, t.tagId),
    index('item_tags_tag_idx').on(t.tagId),
  ],
);

export const people = sqliteTable(
  'people',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Plex's tagKey when it has one; otherwise people are told apart by name. */
    plexTagKey: text('plex_tag_key'),
    thumbUrl: text('thumb_url'),
  },
  (t) => [uniqueIndex('people_identity_uq').on(t.name, t.plexTagKey)],
);

/** Cast: who plays whom, in Plex's order. */
export const castRoles = sqliteTable(
  'cast_roles',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    itemId: integer('item_id').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    role: text('role'),
    sortOrder: integer('sort_order').notNull(),
  },
  (t) => [
    index('cast_roles_item_idx').on(t.itemKind, t.itemId, t.sortOrder),
    index('cast_roles_person_idx').on(t.personId),
  ],
);

export const artwork = sqliteTable(
  'artwork',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    itemId: integer('item_id').notNull(),
    kind: text('kind', { enum: ARTWORK_KINDS }).notNull(),
    plexUrl: text('plex_url').notNull(),
    /** File name in the artwork cache: the sha256 of the content plus its extension. */
    cacheFile: text('cache_file'),
    bytes: integer('bytes'),
    fetchedAt: integer('fetched_at'),
    lastError: text('last_error'),
    /** Failed fetches of this URL in a row; a new URL starts again at 0. */
    attempts: integer('attempts').notNull().default(0),
    /** Not tried again before this time (ms); the backoff after a failure. */
    retryAt: integer('retry_at'),
    /** Failed too often: not tried again until Plex gives a new URL. */
    missing: integer('missing', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('artwork_item_kind_uq').on(t.itemKind, t.itemId, t.kind),
    index('artwork_cache_file_idx').on(t.cacheFile),
  ],
);

/**
 * ratingKeys an item had before Plex re-keyed it (file replaced, re-matched: new key, same guid). The row
 * keeps its id, history and state; the old key still finds it (playback history, other apps' references).
 */
export const itemAliases = sqliteTable(
  'item_aliases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id, { onDelete: 'cascade' }),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    itemId: integer('item_id').notNull(),
    plexRatingKey: text('plex_rating_key').notNull(),
    replacedAt: integer('replaced_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('item_aliases_key_uq').on(t.libraryId, t.itemKind, t.plexRatingKey),
    index('item_aliases_item_idx').on(t.itemKind, t.itemId),
  ],
);

/** Plex collections of a library, regular (chosen members) and smart (a filter, `content`). */
export const collections = sqliteTable(
  'collections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    libraryId: integer('library_id')
      .notNull()
      .references(() => libraries.id, { onDelete: 'cascade' }),
    plexRatingKey: text('plex_rating_key').notNull(),
    plexGuid: text('plex_guid'),
    title: text('title').notNull(),
    smart: bool('smart').notNull().default(false),
    content: text('content'),
    childCount: integer('child_count'),
    /** JSON array of the collection's own labels. */
    labelsJson: text('labels_json').notNull().default('[]'),
    addedAt: integer('added_at'),
    updatedAt: integer('updated_at'),
    /** Hash of the list entry, and of the ordered member keys: what decides a rewrite. */
    etag: text('etag'),
    membersHash: text('members_hash'),
    modifiedAt: integer('modified_at').notNull().default(now),
  },
  (t) => [uniqueIndex('collections_library_rk_uq').on(t.libraryId, t.plexRatingKey)],
);

export const collectionItems = sqliteTable(
  'collection_items',
  {
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    plexRatingKey: text('plex_rating_key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.collectionId, t.position] }),
    index('collection_items_item_idx').on(t.itemKind, t.plexRatingKey),
  ],
);

/** A server's video playlists (regular and smart) with their ordered items. */
export const playlists = sqliteTable(
  'playlists',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    serverId: integer('server_id')
      .notNull()
      .references(() => servers.id, { onDelete: 'cascade' }),
    plexRatingKey: text('plex_rating_key').notNull(),
    plexGuid: text('plex_guid'),
    title: text('title').notNull(),
    smart: bool('smart').notNull().default(false),
    content: text('content'),
    leafCount: integer('leaf_count'),
    duration: integer('duration'),
    addedAt: integer('added_at'),
    updatedAt: integer('updated_at'),
    etag: text('etag'),
    itemsHash: text('items_hash'),
    modifiedAt: integer('modified_at').notNull().default(now),
  },
  (t) => [uniqueIndex('playlists_server_rk_uq').on(t.serverId, t.plexRatingKey)],
);

export const playlistItems = sqliteTable(
  'playlist_items',
  {
    playlistId: integer('playlist_id')
      .notNull()
      .references(() => playlists.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    /** Plex's playlistItemID: the entry's own id inside the playlist. */
    plexItemId: integer('plex_item_id'),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    plexRatingKey: text('plex_rating_key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.playlistId, t.position] }),
    index('playlist_items_item_idx').on(t.itemKind, t.plexRatingKey),
  ],
);

/** Items removed by cleanup, kept with their metadata so they can be restored. */
export const archivedItems = sqliteTable(
  'archived_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    libraryId: integer('library_id').notNull(),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    plexRatingKey: text('plex_rating_key').notNull(),
    title: text('title').notNull(),
    payloadJson: text('payload_json').notNull(),
    archivedAt: integer('archived_at').notNull().default(now),
    restoredAt: integer('restored_at'),
  },
  (t) => [index('archived_items_library_idx').on(t.libraryId, t.itemKind, t.plexRatingKey)],
);

// ---- Operational tables -------------------------------------------------------------------

export const syncServices = sqliteTable('sync_services', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  status: text('status', {
    enum: ['starting', 'running', 'paused', 'stopping', 'stopped', 'crashed'],
  }).notNull(),
  pid: integer('pid'),
  hostname: text('hostname'),
  version: text('version'),
  configJson: text('config_json').notNull().default('{}'),
  startedAt: integer('started_at'),
  heartbeatAt: integer('heartbeat_at'),
  stoppedAt: integer('stopped_at'),
  // The seed's column names, read by other RetroVue parts: generated from the columns above, so both
  // spellings always agree and nothing writes twice.
  lastHeartbeat: integer('last_heartbeat').generatedAlwaysAs(sql`heartbeat_at`, { mode: 'virtual' }),
  configuration: text('configuration').generatedAlwaysAs(sql`config_json`, { mode: 'virtual' }),
});

export const scheduledOperations = sqliteTable(
  'scheduled_operations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Null for operations over the whole database (cleanup, maintenance). */
    libraryId: integer('library_id').references(() => libraries.id, { onDelete: 'cascade' }),
    operation: text('operation', { enum: OPERATIONS }).notNull(),
    cron: text('cron').notNull(),
    parametersJson: text('parameters_json').notNull().default('{}'),
    enabled: bool('enabled').notNull().default(true),
    jitterSeconds: integer('jitter_seconds').notNull().default(0),
    lastRunAt: integer('last_run_at'),
    lastStatus: text('last_status'),
    nextRunAt: integer('next_run_at'),
    createdAt: integer('created_at').notNull().default(now),
    modifiedAt: integer('modified_at').notNull().default(now),
    // The seed's names (see sync_services).
    operationType: text('operation_type').generatedAlwaysAs(sql`operation`, { mode: 'virtual' }),
    scheduleCron: text('schedule_cron').generatedAlwaysAs(sql`cron`, { mode: 'virtual' }),
    parameters: text('parameters').generatedAlwaysAs(sql`parameters_json`, { mode: 'virtual' }),
    lastRun: integer('last_run').generatedAlwaysAs(sql`last_run_at`, { mode: 'virtual' }),
    nextRun: integer('next_run').generatedAlwaysAs(sql`next_run_at`, { mode: 'virtual' }),
  },
  (t) => [
    uniqueIndex('scheduled_operations_uq').on(t.libraryId, t.operation),
    index('scheduled_operations_next_idx').on(t.enabled, t.nextRunAt),
  ],
);

export const syncRuns = sqliteTable(
  'sync_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    serverId: integer('server_id').references(() => servers.id, { onDelete: 'set null' }),
    libraryId: integer('library_id').references(() => libraries.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: SYNC_KINDS }).notNull(),
    trigger: text('trigger').notNull().default('manual'),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    phase: text('phase'),
    /** JSON: where to resume (phase, page offset, cursor, Plex baseline seen at start). */
    checkpointJson: text('checkpoint_json'),
    resumedFromRunId: integer('resumed_from_run_id'),
    itemsTotal: integer('items_total').notNull().default(0),
    itemsDone: integer('items_done').notNull().default(0),
    added: integer('added').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    removed: integer('removed').notNull().default(0),
    unchanged: integer('unchanged').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    apiCalls: integer('api_calls').notNull().default(0),
    errorMessage: text('error_message'),
    startedAt: integer('started_at').notNull().default(now),
    heartbeatAt: integer('heartbeat_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [
    index('sync_runs_library_idx').on(t.libraryId, t.startedAt),
    index('sync_runs_status_idx').on(t.status),
  ],
);

/**
 * Which items a run (with the runs resuming it: keyed by the first run of the chain) saw in Plex's
 * listings. Deletion detection compares against it after a complete listing; kept in the database
 * so a killed run resumes without re-listing, and so unchanged items need no write. Emptied when
 * a chain finishes.
 */
export const syncSeen = sqliteTable(
  'sync_seen',
  {
    runId: integer('run_id').notNull(),
    libraryId: integer('library_id').notNull(),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    plexRatingKey: text('plex_rating_key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.itemKind, t.plexRatingKey] }),
    index('sync_seen_library_idx').on(t.libraryId),
  ],
);

export const syncErrors = sqliteTable(
  'sync_errors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').references(() => syncRuns.id, { onDelete: 'set null' }),
    serverId: integer('server_id').references(() => servers.id, { onDelete: 'set null' }),
    libraryId: integer('library_id').references(() => libraries.id, { onDelete: 'set null' }),
    itemKind: text('item_kind'),
    plexRatingKey: text('plex_rating_key'),
    errorClass: text('error_class', { enum: ERROR_CLASSES }).notNull(),
    code: text('code'),
    message: text('message').notNull(),
    /** JSON context: server, library, item, request (token redacted). */
    contextJson: text('context_json').notNull().default('{}'),
    /** Same thing failing again gets the same fingerprint: recurring errors and resolution. */
    fingerprint: text('fingerprint').notNull(),
    retryCount: integer('retry_count').notNull().default(0),
    occurredAt: integer('occurred_at').notNull().default(now),
    /** Latest repeat of an unresolved error (occurred_at is the first). */
    lastOccurredAt: integer('last_occurred_at'),
    resolvedAt: integer('resolved_at'),
    // The seed's names (see sync_services); the operation is the run the error happened in.
    operationId: integer('operation_id').generatedAlwaysAs(sql`run_id`, { mode: 'virtual' }),
    errorType: text('error_type').generatedAlwaysAs(sql`error_class`, { mode: 'virtual' }),
    errorMessage: text('error_message').generatedAlwaysAs(sql`message`, { mode: 'virtual' }),
    errorContext: text('error_context').generatedAlwaysAs(sql`context_json`, { mode: 'virtual' }),
  },
  (t) => [
    index('sync_errors_fingerprint_idx').on(t.fingerprint, t.resolvedAt),
    index('sync_errors_occurred_idx').on(t.occurredAt),
    index('sync_errors_class_idx').on(t.errorClass, t.occurredAt),
  ],
);

export const syncMetrics = sqliteTable(
  'sync_metrics',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id').references(() => syncRuns.id, { onDelete: 'set null' }),
    serverId: integer('server_id'),
    libraryId: integer('library_id'),
    operation: text('operation').notNull(),
    startedAt: integer('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    itemsProcessed: integer('items_processed').notNull().default(0),
    itemsSkipped: integer('items_skipped').notNull().default(0),
    errors: integer('errors').notNull().default(0),
    apiCalls: integer('api_calls').notNull().default(0),
    bytesReceived: integer('bytes_received').notNull().default(0),
    rowsWritten: integer('rows_written').notNull().default(0),
    peakRssBytes: integer('peak_rss_bytes'),
    // The seed's names (see sync_services); a metric is recorded when its operation ends.
    operationType: text('operation_type').generatedAlwaysAs(sql`operation`, { mode: 'virtual' }),
    errorsCount: integer('errors_count').generatedAlwaysAs(sql`errors`, { mode: 'virtual' }),
    recordedAt: integer('recorded_at').generatedAlwaysAs(sql`started_at + duration_ms`, { mode: 'virtual' }),
  },
  (t) => [index('sync_metrics_started_idx').on(t.startedAt)],
);

/** What users did: login, logout, servers, config changes, manual syncs, cleanup, restore. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull().default(now),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    detailsJson: text('details_json').notNull().default('{}'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

/**
 * What an item's stored metadata was before a change: one row per changed field, written by SQLite
 * triggers (drizzle/0002_history_triggers.sql) so no write path can forget it. `run_id` is the run
 * of that library that was running at the time (null for restores, undo and maintenance).
 */
export const itemHistory = sqliteTable(
  'item_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
    itemId: integer('item_id').notNull(),
    libraryId: integer('library_id'),
    runId: integer('run_id'),
    field: text('field').notNull(),
    oldValue: text('old_value'),
    newValue: text('new_value'),
    changedAt: integer('changed_at').notNull().default(now),
  },
  (t) => [
    index('item_history_item_idx').on(t.itemKind, t.itemId, t.id),
    index('item_history_run_idx').on(t.runId),
    index('item_history_changed_idx').on(t.changedAt),
  ],
);
