// Held mass deletions through the app's API (issue 12), as the desktop app and web mode use it: a
// listing that would remove more than mass_delete_threshold of a library holds them, the library view
// says how many, one notification tells it, and "Confirm deletions" / "Keep" act on exactly that hold.
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryView } from '../../src-shared/ipc/contract';
import type { ServiceEvent } from '../../src-shared/service-events';
import type { CoreNotification } from '../../src-main/core/app-core';
import Database from 'better-sqlite3';
import { tryLockLibrary } from '../../src-main/core/store/library-lock';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture | null = null;
afterEach(async () => {
  await fx?.close();
  fx = null;
});

type Finished = Extract<ServiceEvent, { type: 'finished' }>;

async function syncAndWait(f: CoreFixture, libraryId: number): Promise<Finished['result']> {
  const before = f.events.filter((e) => e.event === 'service:event').length;
  const done = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no finished event')), 60_000);
    const off = f.core.events.on('service:event', (e) => {
      if (e.type !== 'finished' || e.result.libraryId !== libraryId) return;
      if (f.events.filter((x) => x.event === 'service:event').length <= before) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
  await f.value('sync:start', { libraryIds: [libraryId] });
  return (await done).result;
}

async function heldSetup(notifications: CoreNotification[]) {
  fx = await startCore({ server: true, core: { notify: (n) => notifications.push(n) } });
  const f = fx;
  const movies = (await f.value('libraries:list', {})).find((l) => l.type === 'movie')!;
  await f.value('libraries:select', { libraryIds: [movies.id], selected: true });
  expect((await syncAndWait(f, movies.id)).status).toBe('succeeded');
  const keys = f.fake.control
    .snapshot()
    .items.filter((i) => i.type === 'movie')
    .map((i) => i.ratingKey);
  // 6 of 12 gone at once: above the default mass_delete_threshold of 20%.
  for (const k of keys.slice(0, 6)) f.fake.control.delete(k);
  const held = await syncAndWait(f, movies.id);
  expect(held).toMatchObject({ status: 'succeeded', removed: 0, heldDeletions: { count: 6, stored: 12 } });
  const view = (await f.value('libraries:list', {})).find((l) => l.id === movies.id)!;
  expect(view.heldDeletions).toMatchObject({ count: 6, stored: 12, kept: false });
  expect(movieCounts(view)).toEqual({ live: 12, removed: 0 });
  return { f, libraryId: movies.id, heldAt: view.heldDeletions!.at };
}

/** Movies stored as live, and as removed (file_not_found), in a library view's counts. */
function movieCounts(view: LibraryView): { live: number; removed: number } {
  const c = view.counts.movie ?? {};
  const all = Object.values(c).reduce((a, n) => a + (n ?? 0), 0);
  return { live: all - (c.file_not_found ?? 0), removed: c.file_not_found ?? 0 };
}

const heldNotices = (notifications: CoreNotification[]) =>
  notifications.filter((n) => n.kind === 'deletions_held');

describe('held deletions through the API', () => {
  it('hold → one notification → "Confirm deletions" removes exactly the held items', async () => {
    const notifications: CoreNotification[] = [];
    const { f, libraryId, heldAt } = await heldSetup(notifications);
    expect(heldNotices(notifications)).toEqual([
      {
        kind: 'deletions_held',
        title: 'Movies: deletions held',
        body: expect.stringContaining('Plex no longer lists 6 of 12 items of Movies') as unknown as string,
      },
    ]);
    expect(heldNotices(notifications)[0]!.body).toContain('Confirm deletions');
    // A confirmation for another hold than the one shown is refused; nothing removed.
    expect(await f.call('deletions:confirm', { libraryId, heldAt: heldAt + 1 })).toMatchObject({
      ok: false,
      error: { code: 'HELD_DELETIONS_CHANGED' },
    });
    expect(await f.call('deletions:confirm', { libraryId, heldAt, extra: 1 } as never)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    // While a sync of the library holds its lock (here another connection), nothing is removed.
    const other = tryLockLibrary(
      { path: f.core.info.databasePath, openSidecar: (file) => new Database(file) },
      libraryId,
    )!;
    expect(other).not.toBeNull();
    expect(await f.call('deletions:confirm', { libraryId, heldAt })).toMatchObject({
      ok: false,
      error: { code: 'LIBRARY_BUSY' },
    });
    other.release();
    expect(await f.value('deletions:confirm', { libraryId, heldAt })).toEqual({ removed: 6 });
    const view = (await f.value('libraries:list', {})).find((l) => l.id === libraryId)!;
    expect(view.heldDeletions).toBeNull();
    expect(movieCounts(view)).toEqual({ live: 6, removed: 6 });
    // The held error row is resolved; a second confirmation has nothing to act on.
    expect((await f.value('errors:list', {})).rows.filter((e) => e.code === 'DELETIONS_HELD')).toEqual([]);
    expect(await f.call('deletions:confirm', { libraryId, heldAt })).toMatchObject({
      ok: false,
      error: { code: 'NO_HELD_DELETIONS' },
    });
    // The next listing agrees with the store: nothing held, nothing more removed, no new notice.
    expect(await syncAndWait(f, libraryId)).toMatchObject({
      status: 'succeeded',
      skippedUnchanged: false,
      removed: 0,
    });
    expect(heldNotices(notifications)).toHaveLength(1);
  });

  it('"Keep" keeps the items: the agreeing next listing removes nothing and asks nothing again', async () => {
    const notifications: CoreNotification[] = [];
    const { f, libraryId, heldAt } = await heldSetup(notifications);
    expect(await f.value('deletions:keep', { libraryId, heldAt })).toEqual({ kept: 6 });
    let view = (await f.value('libraries:list', {})).find((l) => l.id === libraryId)!;
    expect(view.heldDeletions).toMatchObject({ count: 6, kept: true });
    expect((await f.value('errors:list', {})).rows.filter((e) => e.code === 'DELETIONS_HELD')).toEqual([]);
    const again = await syncAndWait(f, libraryId);
    expect(again).toMatchObject({
      status: 'succeeded',
      skippedUnchanged: false,
      removed: 0,
      errorMessage: null,
    });
    view = (await f.value('libraries:list', {})).find((l) => l.id === libraryId)!;
    expect(movieCounts(view)).toEqual({ live: 12, removed: 0 });
    expect(heldNotices(notifications)).toHaveLength(1);
    // Kept is not forever: the person can still remove them.
    expect(await f.value('deletions:confirm', { libraryId, heldAt })).toEqual({ removed: 6 });
  });

  it('a library that keeps listing empty is held once and told once, however many runs hold it', async () => {
    const notifications: CoreNotification[] = [];
    fx = await startCore({ server: true, core: { notify: (n) => notifications.push(n) } });
    const f = fx;
    const movies = (await f.value('libraries:list', {})).find((l) => l.type === 'movie')!;
    await f.value('libraries:select', { libraryIds: [movies.id], selected: true });
    await syncAndWait(f, movies.id);
    for (const i of f.fake.control.snapshot().items.filter((x) => x.type === 'movie'))
      f.fake.control.delete(i.ratingKey);
    for (let run = 0; run < 3; run++)
      expect(await syncAndWait(f, movies.id)).toMatchObject({ removed: 0, heldDeletions: { count: 12 } });
    expect(heldNotices(notifications)).toHaveLength(1);
    expect(movieCounts((await f.value('libraries:list', {})).find((l) => l.id === movies.id)!)).toEqual({
      live: 12,
      removed: 0,
    });
  });
});
