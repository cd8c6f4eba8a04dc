// Runs that end cleanly: one library failing never leaves a sibling library's run going, and
// nothing of a sync sends requests after it returned (issue 14).
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PlexAuthError } from '../../src-main/core/errors/errors';
import { count, expectConverged, setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

/**
 * Requests that reached the fake more than a moment after `returnedAt`, waiting `ms` for any to
 * come. One already on the wire then may still be read by the fake (in this process, so as late as
 * a loaded event loop lets it) a little later; a retry left behind comes only after its wait, at
 * least `retry_delay_seconds` (0.2 s here), so the moment allowed stays below that.
 */
const ON_THE_WIRE_MS = 150;
async function requestsAfter(setup: SyncSetup, returnedAt: number, ms: number): Promise<string[]> {
  await sleep(ms);
  return setup.fake.requestLog.entries.filter((e) => e.at > returnedAt + ON_THE_WIRE_MS).map((e) => e.path);
}

describe('runs that end cleanly', () => {
  it('a library that throws stops its sibling, and every run has ended when syncServer rejects', async () => {
    s = await setupSync(
      { movies: 400, shows: 2, episodes: 6 },
      { batch_size: 20, detail_batch_size: 5, retry_attempts: 3, retry_delay_seconds: 0.2 },
    );
    // Slow movie details (some failing, so retry timers are pending), and a refused token on the
    // show library's listing.
    s.fake.control.addFault({ kind: 'latency', latencyMs: 15, path: '/library/metadata/*' });
    s.fake.control.addFault({ kind: 'error', status: 503, path: '/library/metadata/*', rate: 0.3 });
    s.fake.control.addFault({ kind: 'error', status: 401, path: '/library/sections/2/*' });
    const err = await s.engine.syncServer(s.serverId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlexAuthError);
    const statuses = s.store.sqlite
      .prepare(
        `select l.type, r.status from sync_runs r join libraries l on l.id = r.library_id order by r.id`,
      )
      .all() as Array<{ type: string; status: string }>;
    expect(statuses).toEqual(
      expect.arrayContaining([
        { type: 'show', status: 'failed' },
        { type: 'movie', status: 'interrupted' },
      ]),
    );
    expect(count(s.store, `select count(*) as n from sync_runs where status = 'running'`)).toBe(0);
    expect(count(s.store, `select count(*) as n from movies where state = 'scanning'`)).toBe(0);
    // Nothing keeps going: no request after the sync returned (retry timers included).
    expect(await requestsAfter(s, Date.now(), 800)).toEqual([]);

    // The interrupted movie run resumes and everything converges once the server behaves.
    s.fake.control.clearFaults();
    const again = await s.engine.syncServer(s.serverId);
    expect(again.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(expectConverged(s.store, s.fake)).toEqual([]);
  });

  it('a failing detail batch stops the run’s other requests when the run fails', async () => {
    s = await setupSync(
      { movies: 200, shows: 1, episodes: 2 },
      {
        batch_size: 50,
        detail_batch_size: 5,
        detail_concurrency: 4,
        retry_attempts: 2,
        retry_delay_seconds: 0.2,
      },
    );
    const lib = (
      s.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }
    ).id;
    s.fake.control.addFault({ kind: 'error', status: 500, path: '/library/metadata/*' });
    const r = await s.engine.syncLibrary(lib);
    expect(r.status).toBe('failed');
    expect(await requestsAfter(s, Date.now(), 1500)).toEqual([]);
  });
});
