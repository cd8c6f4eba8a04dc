// Activity's numbers agree: the per-run "items checked" chart adds up to the "Items checked" total,
// also for a run that changed nothing (a deep scan of an unchanged library).
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../src-shared/service-events';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture | null = null;
afterEach(async () => {
  await fx?.close();
  fx = null;
});

async function syncAndWait(f: CoreFixture, libraryIds: number[], kind: 'incremental' | 'deep') {
  const from = f.events.length;
  await f.value('sync:start', { libraryIds, kind });
  const done = () =>
    f.events
      .slice(from)
      .map((e) => e.payload as ServiceEvent)
      .filter((e) => e.type === 'finished').length;
  for (let i = 0; i < 600 && done() < libraryIds.length; i++) await new Promise((r) => setTimeout(r, 100));
  expect(done()).toBe(libraryIds.length);
}

describe('Activity numbers', () => {
  it('charts per run the same items checked that the total counts', async () => {
    fx = await startCore({ server: true });
    const f = fx;
    const libraries = await f.value('libraries:list');
    const movies = libraries.find((l) => l.type === 'movie')!;
    await f.value('libraries:select', { libraryIds: [movies.id], selected: true });
    await syncAndWait(f, [movies.id], 'incremental');
    await syncAndWait(f, [movies.id], 'deep');

    const stats = await f.value('stats:get', { since: 0 });
    const movieCount = f.fake.control.snapshot().items.filter((i) => i.type === 'movie').length;
    const deep = stats.performance.at(-1)!;
    // The deep scan changed nothing, yet it checked every movie.
    expect(deep.itemsProcessed).toBe(0);
    expect(deep.itemsChecked).toBe(movieCount);
    const charted = stats.performance.reduce((n, p) => n + p.itemsChecked, 0);
    expect(charted).toBe(stats.totals.itemsProcessed);
  }, 60_000);
});
