// The service with the real sync engine against the fake Plex (real HTTP, real websocket, real
// SQLite, real time): shutdown in the middle of a run and resume on the next start, pause/resume
// mid-run, and a change on the server picked up through the websocket without waiting for a
// schedule.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src-shared/config-schema';
import type { ServiceEvent } from '../../src-shared/service-events';
import type { LibrarySyncResult } from '../../src-shared/sync-types';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient } from '../../src-main/core/plex/server-client';
import { createSyncService, type SyncService } from '../../src-main/core/service/sync-service';
import type { Store } from '../../src-main/core/store/database';
import { setLibrariesSelected } from '../../src-main/core/store/repositories/library-repository';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { startFakePlex, type FakePlex, type FakePlexOptions } from '../fake-plex';
import { MIGRATIONS, tempStore } from '../helpers/temp';
import { count, expectConverged } from '../sync/helpers';
import { pollUntil } from '../helpers/wait';

const identity = makeIdentity('retrovue-service-tests');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const waitFor = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000) =>
  pollUntil(what, probe, timeoutMs);

interface World {
  fake: FakePlex;
  store: Store;
  dir: string;
  moviesId: number;
  config: Config;
  newService(): { service: SyncService; events: ServiceEvent[] };
}

async function world(fakeOptions: FakePlexOptions, config: Partial<Config> = {}): Promise<World> {
  const fake = await startFakePlex({ seed: 11, ...fakeOptions });
  cleanups.push(() => fake.stop());
  const { store, dir, cleanup } = tempStore();
  cleanups.push(cleanup);
  const client = createServerClient({ baseUrl: fake.pmsUrl, token: fake.token, identity });
  const { libraries } = await registerServerByUrl(store, client);
  client.close();
  const movies = libraries.find((l) => l.type === 'movie')!;
  setLibrariesSelected(
    store.db,
    libraries.filter((l) => l.id !== movies.id).map((l) => l.id),
    false,
  );
  const cfg: Config = { ...DEFAULT_CONFIG, artwork_cache: false, retry_delay_seconds: 0, ...config };
  return {
    fake,
    store,
    dir,
    moviesId: movies.id,
    config: cfg,
    newService() {
      const service = createSyncService({
        store,
        config: () => cfg,
        engine: { dataDir: dir, identity, migrationsFolder: MIGRATIONS, sqliteBinding: null },
        serverAccess: async () => ({ baseUrl: fake.pmsUrl, token: fake.token }),
      });
      const events: ServiceEvent[] = [];
      service.on((e) => events.push(e));
      cleanups.push(() => service.stop({ timeoutMs: 5_000 }));
      return { service, events };
    },
  };
}

const finished = (events: ServiceEvent[]): LibrarySyncResult[] =>
  events.flatMap((e) => (e.type === 'finished' ? [e.result] : []));
const progressDone = (events: ServiceEvent[]): number =>
  Math.max(0, ...events.flatMap((e) => (e.type === 'progress' ? [e.progress.done] : [])));

describe('sync service with the real engine', () => {
  it('a stop in the middle of a run leaves it interrupted with its checkpoint; the next start resumes it', async () => {
    const w = await world(
      { movies: 400, shows: 0, episodes: 0, latencyMs: 15 },
      { batch_size: 20, detail_batch_size: 10, detail_concurrency: 2 },
    );
    const first = w.newService();
    await first.service.start();
    await waitFor('the first pages', () => progressDone(first.events) >= 60);
    const stoppedAt = Date.now();
    const report = await first.service.stop({ timeoutMs: 10_000 });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(report).toEqual({ interrupted: [w.moviesId], unfinished: [], dropped: 0 });
    const [interrupted] = finished(first.events);
    expect(interrupted).toMatchObject({
      status: 'interrupted',
      libraryId: w.moviesId,
      trigger: 'startup',
      kind: 'full',
    });
    const run = w.store.sqlite
      .prepare('select status, checkpoint_json from sync_runs where id = ?')
      .get(interrupted!.runId) as {
      status: string;
      checkpoint_json: string | null;
    };
    expect(run.status).toBe('interrupted');
    expect(JSON.parse(run.checkpoint_json!)).toMatchObject({ phase: 'movies' });
    const storedBefore = count(w.store, 'select count(*) as n from movies');
    expect(storedBefore).toBeGreaterThan(0);
    expect(storedBefore).toBeLessThan(400);
    expect(w.store.sqlite.prepare('select status from sync_services').get()).toEqual({ status: 'stopped' });

    const listedBefore = w.fake.requestLog.count('/library/sections/:id/all');
    const second = w.newService();
    await second.service.start();
    const resumed = await waitFor('the resumed run', () => finished(second.events)[0]);
    expect(resumed).toMatchObject({
      status: 'succeeded',
      trigger: 'resume',
      resumedFromRunId: interrupted!.runId,
    });
    expect(second.events.find((e) => e.type === 'started')).toMatchObject({
      trigger: 'resume',
      libraryId: w.moviesId,
    });
    expect(expectConverged(w.store, w.fake, ['movie'])).toEqual([]);
    // It continued from the checkpoint rather than listing all 20 pages again.
    expect(w.fake.requestLog.count('/library/sections/:id/all') - listedBefore).toBeLessThan(20);
  });

  it('pause interrupts the run in flight; resume continues it from its checkpoint', async () => {
    const w = await world(
      { movies: 300, shows: 0, episodes: 0, latencyMs: 15 },
      { batch_size: 20, detail_batch_size: 10, detail_concurrency: 2 },
    );
    const { service, events } = w.newService();
    await service.start();
    await waitFor('the first pages', () => progressDone(events) >= 40);
    service.pause();
    const paused = await waitFor('the interrupted run', () => finished(events)[0]);
    expect(paused.status).toBe('interrupted');
    expect(service.queue()).toMatchObject([{ libraryId: w.moviesId, status: 'queued', trigger: 'resume' }]);
    service.resume();
    const done = await waitFor('the resumed run', () => finished(events)[1]);
    expect(done).toMatchObject({ status: 'succeeded', resumedFromRunId: paused.runId });
    expect(expectConverged(w.store, w.fake, ['movie'])).toEqual([]);
  });

  it('a run that fails reports its error class on the event stream and counts toward the server cooldown', async () => {
    const w = await world(
      { movies: 5, shows: 0, episodes: 0 },
      { retry_attempts: 0, max_consecutive_errors: 1, error_cooldown_minutes: 5 },
    );
    w.fake.control.addFault({ kind: 'error', path: '/library/sections/*/all', status: 500 });
    const { service, events } = w.newService();
    await service.start();
    const failed = await waitFor('the failure', () => events.find((e) => e.type === 'failed'));
    const [result] = finished(events);
    expect(result).toMatchObject({ status: 'failed', libraryId: w.moviesId });
    expect(failed).toMatchObject({ libraryId: w.moviesId, runId: result!.runId });
    expect(failed.type === 'failed' && failed.errorClass).toBeTruthy();
    expect(events.find((e) => e.type === 'server_cooldown')).toMatchObject({ serverId: 1 });
    expect(service.health()).toMatchObject({ ok: false });
    expect(service.health().servers[0]).toMatchObject({ consecutiveErrors: 1 });
    // Scheduled and pushed work waits out the cooldown; a person's "sync now" still runs.
    w.fake.control.clearFaults();
    service.requestSync({ jump: true });
    await waitFor('the manual run', () => finished(events)[1]);
    expect(finished(events)[1]).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    expect(service.health().servers[0]).toMatchObject({ consecutiveErrors: 0, cooldownUntil: null });
  });

  it('a change in Plex reaches the database through the websocket within 5 seconds, with no schedule due', async () => {
    const w = await world({ movies: 25, shows: 0, episodes: 0 });
    const { service, events } = w.newService();
    await service.start();
    await waitFor('the first sync', () =>
      finished(events).find((r) => r.trigger === 'startup' && r.status === 'succeeded'),
    );
    await waitFor(
      'the notifications socket',
      () => service.health().servers[0]?.reachable === true || undefined,
    );
    const nextRuns = service.schedules.list().flatMap((s) => s.nextRuns.slice(0, 1));
    expect(Math.min(...nextRuns)).toBeGreaterThan(Date.now() + 60_000);

    const movie = w.fake.control.snapshot().items.find((i) => i.type === 'movie')!;
    const changedAt = Date.now();
    w.fake.control.change(movie.ratingKey, { title: 'A Title Changed In Plex' });
    const added = w.fake.control.addMovie({ title: 'Brand New Arrival' });
    const run = await waitFor(
      'the pushed run',
      () => finished(events).find((r) => r.trigger === 'push'),
      10_000,
    );
    const elapsed = Date.now() - changedAt;
    expect(elapsed).toBeLessThan(5_000);
    expect(run).toMatchObject({ status: 'succeeded', kind: 'incremental', libraryId: w.moviesId });
    expect(run.added + run.updated).toBeGreaterThanOrEqual(2);
    const title = (rk: string) =>
      (
        w.store.sqlite.prepare('select title from movies where plex_rating_key = ?').get(rk) as
          { title: string } | undefined
      )?.title;
    expect(title(movie.ratingKey)).toBe('A Title Changed In Plex');
    expect(title(added.ratingKey)).toBe('Brand New Arrival');
    expect(expectConverged(w.store, w.fake, ['movie'])).toEqual([]);
  });
});
