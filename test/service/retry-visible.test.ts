// Retries the person can see, with the real engine in its worker thread against the fake Plex:
// a request waiting before its next attempt shows in the run's progress ("waiting 2 s after a
// server error, try 2 of 3"), and a sync that could not reach the server is tried again by the
// service itself — the failure says when, and once the server is back the retry succeeds without
// anyone asking.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src-shared/config-schema';
import type { ServiceEvent } from '../../src-shared/service-events';
import type { RetryWait } from '../../src-shared/sync-types';
import { PlexNetworkError } from '../../src-main/core/errors/errors';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient } from '../../src-main/core/plex/server-client';
import { createSyncService } from '../../src-main/core/service/sync-service';
import { setLibrariesSelected } from '../../src-main/core/store/repositories/library-repository';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { startFakePlex } from '../fake-plex';
import { MIGRATIONS, tempStore } from '../helpers/temp';
import { pollUntil } from '../helpers/wait';
import { expectConverged } from '../sync/helpers';

const identity = makeIdentity('retrovue-retry-tests');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world(config: Partial<Config>, unreachableRetry?: SyncServiceRetry) {
  const fake = await startFakePlex({ seed: 5, movies: 40, shows: 0, episodes: 0 });
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
  const cfg: Config = { ...DEFAULT_CONFIG, artwork_cache: false, live_push: false, ...config };
  const service = createSyncService({
    store,
    config: () => cfg,
    engine: { dataDir: dir, identity, migrationsFolder: MIGRATIONS, sqliteBinding: null },
    // As the product's server access does: the server must answer before a run is started.
    serverAccess: async () => {
      const answer = await fetch(`${fake.pmsUrl}/identity`).catch((err: unknown) => err);
      if (!(answer instanceof Response) || !answer.ok)
        throw new PlexNetworkError(`couldn't reach ${fake.serverName}`);
      return { baseUrl: fake.pmsUrl, token: fake.token };
    },
    ...(unreachableRetry ? { unreachableRetry } : {}),
  });
  const events: ServiceEvent[] = [];
  service.on((e) => events.push(e));
  cleanups.push(() => service.stop({ timeoutMs: 5_000 }));
  return { fake, store, service, events, moviesId: movies.id };
}
type SyncServiceRetry = Parameters<typeof createSyncService>[0]['unreachableRetry'];

const waitFor = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000) =>
  pollUntil(what, probe, timeoutMs);

describe('retries shown to the person', () => {
  it("a request's retry wait is in the run's progress, with reason, seconds, attempt and maximum", async () => {
    const w = await world({ retry_attempts: 2, retry_delay_seconds: 1 });
    w.fake.control.addFault({ kind: 'error', path: '/library/sections/*/all', status: 500, times: 1 });
    await w.service.start();
    const waiting = await waitFor('a progress snapshot with a retry wait', () =>
      w.events.find(
        (e): e is Extract<ServiceEvent, { type: 'progress' }> => e.type === 'progress' && !!e.progress.retry,
      ),
    );
    const retry = waiting.progress.retry as RetryWait;
    expect(retry).toMatchObject({ reason: 'a server error', attempt: 2, maxAttempts: 3 });
    // retry_delay_seconds 1, times the 1-2 jitter.
    expect(retry.seconds).toBeGreaterThanOrEqual(1);
    expect(retry.seconds).toBeLessThanOrEqual(2);
    expect(retry.until).toBeGreaterThan(waiting.at);
    const done = await waitFor('the run', () => w.events.find((e) => e.type === 'finished'));
    expect(done.type === 'finished' && done.result.status).toBe('succeeded');
    // The wait is over once the run goes on: the last snapshot no longer says it.
    const last = w.events.filter((e) => e.type === 'progress').at(-1);
    expect(last?.type === 'progress' && last.progress.retry).toBeFalsy();
    expect(expectConverged(w.store, w.fake, ['movie'])).toEqual([]);
  }, 60_000);

  it('server down: the sync fails, a retry is scheduled and shown; server up: the retry succeeds by itself', async () => {
    const w = await world(
      { retry_attempts: 0, max_consecutive_errors: 10 },
      { initialMs: 1500, maxMs: 5000, attempts: 3 },
    );
    await w.fake.control.pmsDown();
    await w.service.start();
    const failed = await waitFor('the failure', () => w.events.find((e) => e.type === 'failed'));
    if (failed.type !== 'failed') throw new Error('unreachable');
    expect(failed).toMatchObject({ libraryId: w.moviesId, runId: null, errorClass: 'network' });
    expect(failed.retryAt).toBe(failed.at + 1500);
    // The card's and the health's source: the queue says the library retries, and when.
    expect(w.service.queue()).toEqual([
      expect.objectContaining({
        libraryId: w.moviesId,
        status: 'retrying',
        retryAt: failed.retryAt,
        errorClass: 'network',
      }),
    ]);
    expect(w.service.health().queue).toEqual(w.service.queue());
    // Nothing waits on a retry to call the service idle: it is future work, like a schedule.
    await w.service.whenIdle();

    await w.fake.control.pmsUp();
    const done = await waitFor('the retry', () => w.events.find((e) => e.type === 'finished'), 20_000);
    if (done.type !== 'finished') throw new Error('unreachable');
    expect(done.result).toMatchObject({ libraryId: w.moviesId, status: 'succeeded', trigger: 'retry' });
    expect(done.at).toBeGreaterThanOrEqual(failed.retryAt!);
    expect(w.events.filter((e) => e.type === 'failed')).toHaveLength(1);
    expect(w.service.queue()).toEqual([]);
    expect(expectConverged(w.store, w.fake, ['movie'])).toEqual([]);
  }, 60_000);

  it('retries stop after the set number of attempts; the library waits for its next sync', async () => {
    const w = await world(
      { retry_attempts: 0, max_consecutive_errors: 10 },
      { initialMs: 200, maxMs: 400, attempts: 2 },
    );
    await w.fake.control.pmsDown();
    await w.service.start();
    const failures = () => w.events.filter((e) => e.type === 'failed');
    await waitFor('three failures', () => failures().length >= 3);
    await new Promise((r) => setTimeout(r, 1000));
    expect(failures().map((e) => e.type === 'failed' && e.retryAt !== null)).toEqual([true, true, false]);
    expect(w.service.queue()).toEqual([]);
  }, 60_000);

  it('a library no longer chosen is not tried again', async () => {
    const w = await world(
      { retry_attempts: 0, max_consecutive_errors: 10 },
      { initialMs: 800, maxMs: 800, attempts: 3 },
    );
    await w.fake.control.pmsDown();
    await w.service.start();
    await waitFor('the failure', () => w.events.find((e) => e.type === 'failed'));
    expect(w.service.queue()).toMatchObject([{ libraryId: w.moviesId, status: 'retrying' }]);
    setLibrariesSelected(w.store.db, [w.moviesId], false);
    w.service.reload();
    expect(w.service.queue()).toEqual([]);
    await w.fake.control.pmsUp();
    await new Promise((r) => setTimeout(r, 1500));
    expect(w.events.filter((e) => e.type === 'started' || e.type === 'finished')).toEqual([]);
  }, 30_000);
});
