// A run that failed on a full disk is run again, with a growing wait, until space returns (issue 14).
// The disk fills for real as far as SQLite can tell: `max_page_count` caps the database file, so its
// writes fail with SQLITE_FULL ("database or disk is full") exactly as on a full disk.
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src-main/core/errors/circuit-breaker';
import { PlexNetworkError } from '../../src-main/core/errors/errors';
import { isDiskFull } from '../../src-main/core/errors/disk-full';
import { RunQueue, type RunOutcome } from '../../src-main/core/service/run-queue';
import { count, expectConverged, setupSync, type SyncSetup } from '../sync/helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

function queueOver(setup: SyncSetup, onRunEnded: (o: RunOutcome) => void) {
  const waits: number[] = [];
  const queue = new RunQueue({
    runner: (req, ctx) =>
      setup.engine.syncLibrary(req.libraryId, { kind: req.kind, trigger: req.trigger, signal: ctx.signal }),
    concurrency: () => 1,
    libraryInfo: () => ({ title: 'Movies', serverId: setup.serverId }),
    emit: () => undefined,
    breakers: new CircuitBreakers({ maxConsecutiveErrors: 3, cooldownMs: 60_000 }),
    onRunEnded,
    diskFullBackoff: { initialMs: 40, maxMs: 1000 },
    setTimer: (fn, ms) => {
      waits.push(ms);
      return setTimeout(fn, ms);
    },
  });
  return { queue, waits };
}

describe('a run failed by a full disk', () => {
  it('is run again with a growing wait until space returns, then stores everything', async () => {
    s = await setupSync({ movies: 60, shows: 1, episodes: 2 }, { batch_size: 10, retry_attempts: 0 });
    const setup = s;
    const lib = (
      setup.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }
    ).id;
    const pages = setup.store.sqlite.pragma('page_count', { simple: true }) as number;
    setup.store.sqlite.pragma(`max_page_count = ${pages + 4}`);
    const outcomes: RunOutcome[] = [];
    const { queue, waits } = queueOver(setup, (o) => {
      outcomes.push(o);
      // Space comes back after the second failure.
      if (outcomes.length === 2) setup.store.sqlite.pragma('max_page_count = 1073741823');
    });
    queue.request({ libraryId: lib, kind: 'incremental', trigger: 'schedule' });
    await queue.whenIdle();
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(outcomes[0]!.message).toMatch(/disk is full/);
    // Waits of the disk-full backoff (40 ms, then twice that), give or take its jitter.
    const backoff = waits.filter((ms) => ms < 1000);
    expect(backoff).toHaveLength(2);
    expect(backoff[1]!).toBeGreaterThan(backoff[0]!);
    expect(count(setup.store, `select count(*) as n from movies`)).toBe(60);
    expect(expectConverged(setup.store, setup.fake, ['movie'])).toEqual([]);
  });

  it('other failures are left to the schedule', async () => {
    s = await setupSync({ movies: 5, shows: 1, episodes: 2 });
    const lib = (
      s.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }
    ).id;
    const rule = s.fake.control.addFault({ kind: 'error', status: 500, path: '/library/sections/*/all' });
    const outcomes: RunOutcome[] = [];
    const { queue } = queueOver(s, (o) => outcomes.push(o));
    queue.request({ libraryId: lib, kind: 'incremental', trigger: 'schedule' });
    await queue.whenIdle();
    s.fake.control.removeFault(rule);
    expect(outcomes.map((o) => o.status)).toEqual(['failed']);
  });

  it('is recognised by its SQLite code, its Node code or its message, through causes', () => {
    expect(isDiskFull(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isDiskFull(new Error('write failed', { cause: { code: 'ENOSPC' } }))).toBe(true);
    expect(isDiskFull('database or disk is full')).toBe(true);
    expect(isDiskFull(new PlexNetworkError('connection reset'))).toBe(false);
    expect(isDiskFull(null)).toBe(false);
  });
});
