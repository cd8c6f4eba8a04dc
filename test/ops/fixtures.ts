// Rows for the ops tests, written straight into a real database the way the sync stores them.
import type { Store } from '../../src-main/core/store/database';

type Params = Record<string, unknown>;

function insert(store: Store, table: string, values: Params): number {
  const cols = Object.keys(values);
  return Number(
    store.sqlite
      .prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map((c) => `@${c}`).join(', ')})`)
      .run(values).lastInsertRowid,
  );
}

export function addServer(store: Store, name = 'Home', machineIdentifier = `mid-${name}`): number {
  return insert(store, 'servers', { machine_identifier: machineIdentifier, name });
}

export function addLibrary(
  store: Store,
  serverId: number,
  type: 'movie' | 'show',
  plexKey: string,
  title = `Lib ${plexKey}`,
): number {
  return insert(store, 'libraries', { server_id: serverId, plex_key: plexKey, title, type, selected: 1 });
}

/** Links shared by all media: guids, tags, cast, artwork. */
function decorate(store: Store, kind: string, id: number, tag: string): void {
  insert(store, 'guids', { item_kind: kind, item_id: id, provider: 'imdb', value: `tt${id}${tag.length}` });
  store.sqlite.prepare("insert into tags (kind, name) values ('genre', ?) on conflict do nothing").run(tag);
  const tagId = (
    store.sqlite.prepare("select id from tags where kind = 'genre' and name = ?").get(tag) as { id: number }
  ).id;
  insert(store, 'item_tags', { item_kind: kind, item_id: id, tag_id: tagId, position: 0 });
  const person = `Actor ${tag}`;
  store.sqlite
    .prepare('insert into people (name, plex_tag_key) values (?, ?) on conflict do nothing')
    .run(person, `tk-${tag}`);
  const personId = (
    store.sqlite.prepare('select id from people where name = ?').get(person) as { id: number }
  ).id;
  insert(store, 'cast_roles', {
    item_kind: kind,
    item_id: id,
    person_id: personId,
    role: 'Lead',
    sort_order: 0,
  });
  insert(store, 'artwork', {
    item_kind: kind,
    item_id: id,
    kind: 'thumb',
    plex_url: `/library/metadata/${id}/thumb/1`,
    cache_file: `${kind}-${id}.jpg`,
    bytes: 10,
  });
}

function addPlayable(store: Store, owner: 'movie_id' | 'episode_id', id: number, file: string): void {
  const versionId = insert(store, 'media_versions', {
    [owner]: id,
    plex_media_id: id * 10,
    video_codec: 'h264',
  });
  const partId = insert(store, 'media_parts', {
    version_id: versionId,
    plex_part_id: id * 100,
    file,
    file_state: 'missing',
  });
  insert(store, 'streams', {
    part_id: partId,
    plex_stream_id: id * 1000,
    stream_type: 'video',
    codec: 'h264',
  });
  insert(store, 'streams', {
    part_id: partId,
    plex_stream_id: id * 1000 + 1,
    stream_type: 'audio',
    codec: 'aac',
    language: 'English',
  });
  insert(store, 'chapters', { [owner]: id, chapter_index: 0, title: 'Opening', start_ms: 0, end_ms: 60_000 });
}

export interface MediaOptions {
  state?: string;
  stateChangedAt?: number | null;
  tag?: string;
}

export function addMovie(
  store: Store,
  libraryId: number,
  ratingKey: string,
  title: string,
  opts: MediaOptions = {},
): number {
  const id = insert(store, 'movies', {
    library_id: libraryId,
    plex_rating_key: ratingKey,
    title,
    year: 1999,
    summary: `About ${title}`,
    state: opts.state ?? 'normal',
    state_changed_at: opts.stateChangedAt ?? null,
  });
  addPlayable(store, 'movie_id', id, `/data/movies/${title}.mkv`);
  decorate(store, 'movie', id, opts.tag ?? `tag-${ratingKey}`);
  return id;
}

/** A show with two seasons of two episodes each; everything in `state`. */
export function addShow(
  store: Store,
  libraryId: number,
  ratingKey: string,
  title: string,
  opts: MediaOptions = {},
): { showId: number; seasonIds: number[]; episodeIds: number[] } {
  const state = opts.state ?? 'normal';
  const changed = opts.stateChangedAt ?? null;
  const showId = insert(store, 'shows', {
    library_id: libraryId,
    plex_rating_key: ratingKey,
    title,
    state,
    state_changed_at: changed,
  });
  decorate(store, 'show', showId, opts.tag ?? `tag-${ratingKey}`);
  const seasonIds: number[] = [];
  const episodeIds: number[] = [];
  for (let s = 1; s <= 2; s++) {
    const seasonId = insert(store, 'seasons', {
      library_id: libraryId,
      show_id: showId,
      plex_rating_key: `${ratingKey}-s${s}`,
      title: `Season ${s}`,
      season_number: s,
      state,
      state_changed_at: changed,
    });
    seasonIds.push(seasonId);
    decorate(store, 'season', seasonId, `season-${ratingKey}`);
    for (let e = 1; e <= 2; e++) {
      const episodeId = insert(store, 'episodes', {
        library_id: libraryId,
        show_id: showId,
        season_id: seasonId,
        plex_rating_key: `${ratingKey}-s${s}e${e}`,
        title: `${title} ${s}x${e}`,
        season_number: s,
        episode_number: e,
        state,
        state_changed_at: changed,
      });
      episodeIds.push(episodeId);
      addPlayable(store, 'episode_id', episodeId, `/data/tv/${title}/S${s}E${e}.mkv`);
      decorate(store, 'episode', episodeId, `ep-${ratingKey}`);
    }
  }
  return { showId, seasonIds, episodeIds };
}

export function count(store: Store, table: string, where = '1 = 1', ...params: unknown[]): number {
  return (
    store.sqlite.prepare(`select count(*) as n from ${table} where ${where}`).get(...params) as { n: number }
  ).n;
}

export function addRun(
  store: Store,
  values: {
    serverId: number;
    libraryId: number;
    status: string;
    kind?: string;
    startedAt: number;
    finishedAt?: number;
    added?: number;
    updated?: number;
    errors?: number;
  },
): number {
  return insert(store, 'sync_runs', {
    server_id: values.serverId,
    library_id: values.libraryId,
    kind: values.kind ?? 'full',
    status: values.status,
    started_at: values.startedAt,
    finished_at: values.finishedAt ?? values.startedAt + 1000,
    added: values.added ?? 0,
    updated: values.updated ?? 0,
    errors: values.errors ?? 0,
  });
}
