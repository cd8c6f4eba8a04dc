import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncProgress } from '../../src-shared/sync-types';
import { PlexAuthError } from '../../src-main/core/errors/errors';
import { PAUSE } from '../../src-main/core/errors/errors';
import { SyncEngine } from '../../src-main/core/sync/engine';
import type { FakeMovie } from '../fake-plex/index';
import { movieRatingKeysInListingOrder } from './fidelity-helpers';
import { count, expectConverged, setupSync, storedStates, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const movieKeys = (setup: SyncSetup) =>
  setup.fake.control.snapshot().items.filter((i): i is FakeMovie & { details?: never } => i.type === 'movie');

function libraryId(setup: SyncSetup, type: 'movie' | 'show'): number {
  return (setup.store.sqlite.prepare(`select id from libraries where type = ?`).get(type) as { id: number })
    .id;
}

describe('sync engine against the fake Plex', () => {
  it('initial sync stores exactly what Plex has, with full metadata', async () => {
    s = await setupSync({ movies: 30, shows: 5, episodes: 60 });
    const results = await s.engine.syncServer(s.serverId, { trigger: 'manual' });
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
    const snap = s.fake.control.snapshot();
    expect(results.reduce((n, r) => n + r.added, 0)).toBe(snap.items.length);
    expect(count(s.store, 'select count(*) as n from sync_errors')).toBe(0);
    expect(count(s.store, 'select count(*) as n from sync_seen')).toBe(0);

    // One movie field by field against the fake's own record.
    const m = snap.items.find(
      (i): i is FakeMovie => i.type === 'movie' && i.roles.length > 1 && i.guids.length > 0,
    )!;
    const row = s.store.sqlite
      .prepare(`select * from movies where plex_rating_key = ?`)
      .get(m.ratingKey) as Record<string, unknown>;
    expect(row).toMatchObject({
      title: m.title,
      year: m.year ?? null,
      added_at: m.addedAt,
      updated_at: m.updatedAt,
      duration: m.duration,
    });
    const cast = s.store.sqlite
      .prepare(
        `select p.name, c.role from cast_roles c join people p on p.id = c.person_id where item_kind = 'movie' and item_id = ? order by sort_order`,
      )
      .all(row.id) as Array<{ name: string; role: string | null }>;
    expect(cast).toEqual(m.roles.map((r) => ({ name: r.person.tag, role: r.role ?? null })));
    const genres = s.store.sqlite
      .prepare(
        `select t.name from item_tags it join tags t on t.id = it.tag_id where item_kind = 'movie' and item_id = ? and t.kind = 'genre' order by position`,
      )
      .all(row.id) as Array<{ name: string }>;
    expect(genres.map((g) => g.name)).toEqual(m.genres.map((g) => g.tag));
    const guids = s.store.sqlite
      .prepare(`select provider || '://' || value as g from guids where item_kind = 'movie' and item_id = ?`)
      .all(row.id) as Array<{ g: string }>;
    expect(guids.map((g) => g.g).sort()).toEqual([...m.guids].sort());

    // Episodes hang off their show and season; numbers kept.
    const orphans = count(
      s.store,
      `select count(*) as n from episodes e left join shows s on s.id = e.show_id where s.id is null`,
    );
    expect(orphans).toBe(0);
    const ep = snap.items.find((i) => i.type === 'episode' && i.index !== undefined)!;
    if (ep.type !== 'episode') throw new Error('episode');
    const epRow = s.store.sqlite
      .prepare(
        `select e.episode_number, sh.plex_rating_key as show_rk, se.plex_rating_key as season_rk from episodes e join shows sh on sh.id = e.show_id left join seasons se on se.id = e.season_id where e.plex_rating_key = ?`,
      )
      .get(ep.ratingKey);
    expect(epRow).toEqual({ episode_number: ep.index, show_rk: ep.showKey, season_rk: ep.seasonKey });

    // Metrics and run rows.
    expect(
      count(s.store, `select count(*) as n from sync_metrics where api_calls > 0 and rows_written > 0`),
    ).toBe(2);
    expect(
      count(
        s.store,
        `select count(*) as n from sync_runs where status = 'succeeded' and checkpoint_json is null`,
      ),
    ).toBe(2);
  });

  it('an incremental sync with nothing changed costs one request and writes nothing', async () => {
    s = await setupSync({ movies: 20, shows: 3, episodes: 30 });
    await s.engine.syncServer(s.serverId);
    const changes = s.store.sqlite.prepare('select total_changes() as n');
    s.fake.requestLog.reset();
    const before = (changes.get() as { n: number }).n;
    const mediaBefore = count(
      s.store,
      `select sum(modified_at) as n from (select modified_at from movies union all select modified_at from episodes union all select modified_at from shows union all select modified_at from seasons)`,
    );
    const results = await s.engine.syncServer(s.serverId);
    expect(results.map((r) => [r.status, r.skippedUnchanged, r.rowsWritten])).toEqual([
      ['skipped', true, 0],
      ['skipped', true, 0],
    ]);
    expect(s.fake.requestLog.entries.map((e) => e.path)).toEqual(['/library/sections']);
    expect(results.reduce((n, r) => n + r.apiCalls, 0)).toBe(1);
    expect(
      count(
        s.store,
        `select sum(modified_at) as n from (select modified_at from movies union all select modified_at from episodes union all select modified_at from shows union all select modified_at from seasons)`,
      ),
    ).toBe(mediaBefore);
    // Only the two skipped run rows (+ their finish) were written.
    expect((changes.get() as { n: number }).n - before).toBeLessThan(10);
  });

  it('an incremental sync fetches details only for changed items and writes only them', async () => {
    s = await setupSync({ movies: 40, shows: 4, episodes: 40 });
    await s.engine.syncServer(s.serverId);
    const movies = movieKeys(s);
    const target = movies[5]!;
    s.fake.control.change(target.ratingKey, { title: 'A Brand New Title' });
    s.fake.requestLog.reset();
    const lib = libraryId(s, 'movie');
    const before = s.store.sqlite
      .prepare(`select plex_rating_key as rk, modified_at as m from movies`)
      .all() as Array<{ rk: string; m: number }>;
    const r = await s.engine.syncLibrary(lib);
    expect(r).toMatchObject({
      status: 'succeeded',
      added: 0,
      updated: 1,
      removed: 0,
      unchanged: 39,
      errors: 0,
    });
    const detailCalls = s.fake.requestLog.entries.filter((e) => e.path.startsWith('/library/metadata/'));
    expect(detailCalls.map((e) => e.path)).toEqual([`/library/metadata/${target.ratingKey}`]);
    const after = new Map(
      (
        s.store.sqlite.prepare(`select plex_rating_key as rk, modified_at as m from movies`).all() as Array<{
          rk: string;
          m: number;
        }>
      ).map((x) => [x.rk, x.m]),
    );
    const touched = before.filter((b) => after.get(b.rk) !== b.m).map((b) => b.rk);
    expect(touched).toEqual([target.ratingKey]);
    expect(
      s.store.sqlite.prepare(`select title from movies where plex_rating_key = ?`).get(target.ratingKey),
    ).toEqual({ title: 'A Brand New Title' });
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('marks deleted items file_not_found and brings them back when they reappear', async () => {
    s = await setupSync({ movies: 15, shows: 3, episodes: 24 });
    await s.engine.syncServer(s.serverId);
    const snap = s.fake.control.snapshot();
    const gone = movieKeys(s)[3]!;
    const episode = snap.items.find((i) => i.type === 'episode')!;
    const removedKeys = [
      ...s.fake.control.delete(gone.ratingKey),
      ...s.fake.control.delete(episode.ratingKey),
    ];
    const results = await s.engine.syncServer(s.serverId);
    expect(results.reduce((n, r) => n + r.removed, 0)).toBe(removedKeys.length);
    const row = s.store.sqlite
      .prepare(`select state, removed_at from movies where plex_rating_key = ?`)
      .get(gone.ratingKey) as { state: string; removed_at: number | null };
    expect(row.state).toBe('file_not_found');
    expect(row.removed_at).toBeGreaterThan(0);
    expect(storedStates(s.store, 'episode').get(episode.ratingKey)).toBe('file_not_found');
    // Kept with its metadata (physical removal is cleanup's job).
    expect(
      count(
        s.store,
        `select count(*) as n from media_versions v join movies m on m.id = v.movie_id where m.plex_rating_key = ?`,
        gone.ratingKey,
      ),
    ).toBeGreaterThan(0);
    expect(expectConverged(s.store, s.fake)).toEqual([]);

    const { details: _d, ...back } = gone as FakeMovie & { details?: unknown };
    s.fake.control.addMovie({ ...back });
    const again = await s.engine.syncLibrary(libraryId(s, 'movie'));
    expect(again).toMatchObject({ status: 'succeeded', added: 0, updated: 1 });
    expect(
      s.store.sqlite
        .prepare(`select state, removed_at from movies where plex_rating_key = ?`)
        .get(gone.ratingKey),
    ).toEqual({
      state: 'remote_only',
      removed_at: null,
    });
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('maps paths: normal when the file is here, unavailable when mapped but missing, remote_only when unmapped', async () => {
    s = await setupSync({ movies: 12, shows: 2, episodes: 6 });
    const local = join(s.dir, 'nas');
    const movies = movieKeys(s);
    const first = movies[0]!.media[0]!.parts[0]!.file;
    const root = first.split('/').slice(0, 3).join('/'); // e.g. /data/movies
    const present = movies.filter((m) => m.media[0]!.parts[0]!.file.startsWith(`${root}/`)).slice(0, 3);
    for (const m of present) {
      for (const p of m.media.flatMap((x) => x.parts)) {
        const target = join(local, p.file.slice(root.length));
        mkdirSync(join(target, '..'), { recursive: true });
        writeFileSync(target, 'x');
      }
    }
    const engine = new SyncEngine({
      store: s.store,
      config: { ...s.config, path_replacements: [{ from: root, to: local }] },
      clientFor: () => s!.client,
    });
    await engine.syncServer(s.serverId);
    const states = storedStates(s.store, 'movie');
    for (const m of movies) {
      const file = m.media[0]!.parts[0]!.file;
      const expected = present.includes(m)
        ? 'normal'
        : file.startsWith(`${root}/`)
          ? 'unavailable'
          : 'remote_only';
      expect([m.ratingKey, states.get(m.ratingKey)]).toEqual([m.ratingKey, expected]);
    }
    const part = s.store.sqlite
      .prepare(`select local_path, file_state from media_parts where file = ?`)
      .get(present[0]!.media[0]!.parts[0]!.file);
    expect(part).toEqual({
      local_path: join(local, present[0]!.media[0]!.parts[0]!.file.slice(root.length)),
      file_state: 'found',
    });

    // A move in Plex to a path that is not here: re-checked, becomes unavailable.
    const moved = present[1]!;
    s.fake.control.moveFile(moved.ratingKey, `${root}/Moved Away/file.mkv`);
    const r = await engine.syncLibrary(libraryId(s, 'movie'));
    expect(r.updated).toBe(1);
    expect(storedStates(s.store, 'movie').get(moved.ratingKey)).toBe('unavailable');
    expect(
      s.store.sqlite
        .prepare(`select local_path from media_parts where file = ?`)
        .get(`${root}/Moved Away/file.mkv`),
    ).toEqual({
      local_path: join(local, 'Moved Away/file.mkv'),
    });

    // A file that appears locally is noticed by a deep scan, without rewriting anything else.
    const later = movies.find(
      (m) =>
        !present.includes(m) &&
        m.media[0]!.parts[0]!.file.startsWith(`${root}/`) &&
        m.media.length === 1 &&
        m.media[0]!.parts.length === 1,
    )!;
    const target = join(local, later.media[0]!.parts[0]!.file.slice(root.length));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, 'x');
    const deep = await engine.syncLibrary(libraryId(s, 'movie'), { kind: 'deep' });
    expect(deep.status).toBe('succeeded');
    expect(storedStates(s.store, 'movie').get(later.ratingKey)).toBe('normal');
  });

  it('stores a bad item as error with its message and goes on with the page', async () => {
    s = await setupSync({ movies: 25, shows: 2, episodes: 8 });
    const movies = movieKeys(s);
    const bad = movies[4]!;
    const noTitle = movies[9]!;
    s.fake.control.setFaults({
      corruptItems: {
        [bad.ratingKey]: { duration: '7020000' },
        [noTitle.ratingKey]: { title: null, year: 'MCMXCIX' },
      },
    });
    const r = await s.engine.syncLibrary(libraryId(s, 'movie'));
    expect(r).toMatchObject({ status: 'succeeded', added: 23, errors: 2 });
    const row = s.store.sqlite
      .prepare(
        `select state, error_count, last_error, last_error_at, title from movies where plex_rating_key = ?`,
      )
      .get(bad.ratingKey) as Record<string, unknown>;
    expect(row).toMatchObject({ state: 'error', error_count: 1, title: bad.title });
    expect(String(row.last_error)).toMatch(/duration/);
    expect(row.last_error_at).toBeGreaterThan(0);
    expect(storedStates(s.store, 'movie').get(noTitle.ratingKey)).toBe('error');
    expect(
      count(
        s.store,
        `select count(*) as n from sync_errors where error_class = 'data' and plex_rating_key in (?, ?)`,
        bad.ratingKey,
        noTitle.ratingKey,
      ),
    ).toBe(2);

    // Fixed in Plex (and the library moved): the item is fetched again and becomes normal.
    s.fake.control.setFaults({ corruptItems: {} });
    s.fake.control.change(movies[0]!.ratingKey, { summary: 'touch' });
    const again = await s.engine.syncLibrary(libraryId(s, 'movie'), { kind: 'deep' });
    expect(again.errors).toBe(0);
    expect(storedStates(s.store, 'movie').get(bad.ratingKey)).toBe('remote_only');
    expect(
      s.store.sqlite.prepare(`select last_error from movies where plex_rating_key = ?`).get(bad.ratingKey),
    ).toEqual({ last_error: null });
    expect(
      count(
        s.store,
        `select count(*) as n from sync_errors where plex_rating_key = ? and resolved_at is not null`,
        bad.ratingKey,
      ),
    ).toBe(1);
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('a deep scan fetches every detail but rewrites nothing unchanged', async () => {
    s = await setupSync({ movies: 20, shows: 2, episodes: 10 });
    await s.engine.syncServer(s.serverId);
    const streamsBefore = s.store.sqlite.prepare(`select id from streams order by id`).all();
    s.fake.requestLog.reset();
    const r = await s.engine.syncLibrary(libraryId(s, 'movie'), { kind: 'deep' });
    expect(r).toMatchObject({ status: 'succeeded', kind: 'deep', added: 0, updated: 0, unchanged: 20 });
    expect(s.fake.requestLog.count('/library/metadata/:id')).toBeGreaterThan(0);
    expect(s.store.sqlite.prepare(`select id from streams order by id`).all()).toEqual(streamsBefore);
    expect(
      s.store.sqlite.prepare(`select last_deep_scan_at from libraries where type = 'movie'`).get(),
    ).toEqual({ last_deep_scan_at: expect.any(Number) });
  });

  it('pauses through the AbortSignal and resumes from the checkpoint', async () => {
    s = await setupSync(
      { movies: 60, shows: 2, episodes: 8, latencyMs: 10 },
      { batch_size: 10, detail_batch_size: 5 },
    );
    const lib = libraryId(s, 'movie');
    const ac = new AbortController();
    const seen: SyncProgress[] = [];
    // Pause once a few detail batches went out: part of the library is stored, part is not. Slow
    // detail answers leave the watch time to see it on a loaded machine.
    const fake = s.fake;
    fake.control.addFault({ kind: 'latency', latencyMs: 150, path: '/library/metadata/*' });
    const watch = setInterval(() => {
      if (fake.requestLog.count('/library/metadata/:id') >= 5) ac.abort(PAUSE);
    }, 2);
    const r1 = await s.engine.syncLibrary(lib, { signal: ac.signal, onProgress: (p) => seen.push(p) });
    clearInterval(watch);
    expect(r1.status).toBe('interrupted');
    const stored = count(s.store, `select count(*) as n from movies`);
    expect(stored).toBeGreaterThanOrEqual(10);
    expect(stored).toBeLessThan(60);
    expect(count(s.store, `select count(*) as n from movies where state = 'scanning'`)).toBe(0);
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
    s.fake.requestLog.reset();
    s.fake.control.clearFaults();
    const r2 = await s.engine.syncLibrary(lib);
    expect(r2).toMatchObject({ status: 'succeeded', resumedFromRunId: r1.runId });
    expect(r2.added).toBe(60 - stored);
    // Resumed at the checkpoint: no committed page was listed again (its items would count as
    // unchanged), and at most the pages after it were asked for, plus one end-of-list probe that
    // the read-ahead may send before it knows the total.
    expect(r2.unchanged).toBe(0);
    const listRequests = s.fake.requestLog.entries.filter(
      (e) => e.route === '/library/sections/:id/all',
    ).length;
    expect(listRequests).toBeLessThanOrEqual(Math.ceil((60 - stored) / 10) + 1);
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
    expect(seen.every((p) => p.libraryId === lib && p.runId === r1.runId)).toBe(true);
  });

  it('a failed listing never marks items file_not_found, and the next run finishes the job', async () => {
    s = await setupSync({ movies: 30, shows: 2, episodes: 6 }, { batch_size: 10, retry_attempts: 0 });
    await s.engine.syncServer(s.serverId);
    const lib = libraryId(s, 'movie');
    s.fake.control.delete(movieKeys(s)[0]!.ratingKey);
    // A changed movie on the second page whose details fail: the listing stops part way.
    const listed = await s.client.get('/library/sections/1/all', {
      query: { type: 1, sort: 'addedAt,id' },
      headers: { 'X-Plex-Container-Size': '1000' },
    });
    const secondPage = (listed.data.MediaContainer.Metadata as Array<{ ratingKey: string }>)[15]!.ratingKey;
    s.fake.control.change(secondPage, { summary: 'Changed' });
    s.fake.control.addFault({ kind: 'error', status: 503, path: '/library/metadata/*', times: 1 });
    const failed = await s.engine.syncLibrary(lib);
    expect(failed.status).toBe('failed');
    expect(failed.errorMessage).toMatch(/503/);
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
    expect(count(s.store, `select count(*) as n from movies where state = 'scanning'`)).toBe(0);
    expect(count(s.store, `select count(*) as n from sync_errors where error_class = 'network'`)).toBe(1);
    expect(
      s.store.sqlite.prepare(`select checkpoint_json from sync_runs where id = ?`).get(failed.runId),
    ).toEqual({
      checkpoint_json: expect.stringContaining('"offset":10'),
    });
    const ok = await s.engine.syncLibrary(lib);
    expect(ok).toMatchObject({ status: 'succeeded', removed: 1, updated: 1, resumedFromRunId: failed.runId });
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('does not mark deletions from a listing the library changed under, and catches up next time', async () => {
    s = await setupSync({ movies: 40, shows: 2, episodes: 6, latencyMs: 5 }, { batch_size: 10 });
    const lib = libraryId(s, 'movie');
    const fake = s.fake;
    // First in the listing order (sort=addedAt,id): stored before the deletion lands.
    const victim = movieRatingKeysInListingOrder(fake)[0]!;
    let deleted = false;
    const watch = setInterval(() => {
      if (!deleted && fake.requestLog.count('/library/metadata/:id') >= 1) {
        deleted = true;
        fake.control.delete(victim);
      }
    }, 1);
    const first = await s.engine.syncLibrary(lib);
    clearInterval(watch);
    expect(deleted).toBe(true);
    expect(first).toMatchObject({ status: 'succeeded', removed: 0 });
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
    const second = await s.engine.syncLibrary(lib);
    expect(second).toMatchObject({ status: 'succeeded', skippedUnchanged: false, removed: 1 });
    expect(storedStates(s.store, 'movie').get(victim)).toBe('file_not_found');
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('a token revoked mid-run rejects with PlexAuthError after recording the run, and the next run resumes', async () => {
    s = await setupSync(
      { movies: 50, shows: 2, episodes: 6 },
      { batch_size: 10, detail_batch_size: 5, retry_attempts: 0 },
    );
    const lib = libraryId(s, 'movie');
    s.fake.control.setFaults({ tokenExpiresAfterRequests: 8 });
    const err = await s.engine.syncLibrary(lib).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlexAuthError);
    const run = s.store.sqlite
      .prepare(`select status, checkpoint_json from sync_runs where library_id = ? order by id desc`)
      .get(lib) as {
      status: string;
      checkpoint_json: string | null;
    };
    expect(run.status).toBe('failed');
    expect(run.checkpoint_json).not.toBeNull();
    expect(
      count(s.store, `select count(*) as n from movies where state in ('file_not_found', 'scanning')`),
    ).toBe(0);
    expect(count(s.store, `select count(*) as n from sync_errors where error_class = 'auth'`)).toBe(1);
    s.fake.control.clearFaults();
    s.fake.control.restoreToken();
    const again = await s.engine.syncLibrary(lib);
    expect(again).toMatchObject({ status: 'succeeded' });
    expect(again.resumedFromRunId).not.toBeNull();
    expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
  });

  it('keeps a show that Plex re-added under a new ratingKey (matched by guid)', async () => {
    // Big enough that one show's removal stays under mass_delete_threshold.
    s = await setupSync({ movies: 2, shows: 10, episodes: 60 });
    await s.engine.syncServer(s.serverId);
    const show = s.fake.control.snapshot().items.find((i) => i.type === 'show' && i.guid)!;
    const before = s.store.sqlite
      .prepare(`select id from shows where plex_rating_key = ?`)
      .get(show.ratingKey) as { id: number };
    s.fake.control.delete(show.ratingKey);
    const readded = s.fake.control.addShow(2, {
      guid: show.guid!,
      title: show.title,
      ...(show.year ? { year: show.year } : {}),
    });
    await s.engine.syncLibrary(libraryId(s, 'show'));
    const after = s.store.sqlite
      .prepare(`select id, state from shows where plex_rating_key = ?`)
      .get(readded.ratingKey) as { id: number; state: string };
    expect(after).toEqual({ id: before.id, state: 'normal' });
    expect(count(s.store, `select count(*) as n from shows where plex_guid = ?`, show.guid)).toBe(1);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });
});
