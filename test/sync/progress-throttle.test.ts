// The one progress throttle (sync/progress.ts): at most one snapshot per 100 ms per run, nothing
// inside the interval lost (it goes out when the interval ends), the final snapshot at once, and
// nothing after the run ended.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunProgress } from '../../src-main/core/sync/progress';
import type { SyncProgress } from '../../src-shared/sync-types';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

function run() {
  const out: { at: number; p: SyncProgress }[] = [];
  const progress = new RunProgress({ runId: 1, serverId: 1, libraryId: 1, libraryTitle: 'Movies' }, (p) =>
    out.push({ at: Date.now(), p }),
  );
  return { progress, out };
}

describe('RunProgress throttle', () => {
  it('sends at most one snapshot per 100 ms, whatever the rate of steps', () => {
    const { progress, out } = run();
    progress.setPhase('movies', 5000);
    for (let i = 0; i < 5000; i++) {
      progress.advance(1, `Movie ${i}`);
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    const gaps = out.slice(1).map((s, i) => s.at - out[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    // 5 s of steps: about one snapshot per 100 ms, never one per step.
    expect(out.length).toBeGreaterThanOrEqual(45);
    expect(out.length).toBeLessThanOrEqual(52);
    expect(out.at(-1)!.p).toMatchObject({ done: 5000, currentTitle: 'Movie 4999' });
  });

  it('a change inside the interval goes out when it ends; the final snapshot at once', () => {
    const { progress, out } = run();
    progress.setPhase('movies', 10);
    progress.advance(10);
    progress.setPhase('details', 10);
    expect(out.map((s) => s.p.phase)).toEqual(['movies']);
    vi.advanceTimersByTime(99);
    expect(out).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(out.map((s) => [s.p.phase, s.p.done])).toEqual([
      ['movies', 0],
      ['details', 0],
    ]);
    progress.advance(4);
    progress.setPhase('done', 14, 14);
    expect(out.map((s) => s.p.phase)).toEqual(['movies', 'details', 'done']);
    expect(out.at(-1)!.at - out.at(-2)!.at).toBe(0);
  });

  it('sends nothing after close: a run that ended never shows as running again', () => {
    const { progress, out } = run();
    progress.setPhase('movies', 10);
    progress.advance(3);
    progress.close();
    vi.advanceTimersByTime(1000);
    progress.advance(3);
    vi.advanceTimersByTime(1000);
    expect(out).toHaveLength(1);
  });

  it('carries a retry wait until it is over', () => {
    const { progress, out } = run();
    progress.setPhase('details', 100);
    vi.advanceTimersByTime(150);
    const until = Date.now() + 8000;
    progress.retrying({ reason: 'a server error', seconds: 8, attempt: 2, maxAttempts: 4, until });
    expect(out.at(-1)!.p.retry).toEqual({
      reason: 'a server error',
      seconds: 8,
      attempt: 2,
      maxAttempts: 4,
      until,
    });
    vi.advanceTimersByTime(8000);
    progress.advance(10);
    expect(out.at(-1)!.p.retry).toBeUndefined();
  });
});
