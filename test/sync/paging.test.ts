// A server that ignores paging must end the listing with a clear error: never loop, never take a
// repeated first page for a complete listing (issue 14).
import { afterEach, describe, expect, it } from 'vitest';
import { count, setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const movieLibrary = (setup: SyncSetup) =>
  (setup.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }).id;
const listRequests = (setup: SyncSetup) =>
  setup.fake.requestLog.entries.filter((e) => e.route === '/library/sections/:id/all').length;

describe('a server that ignores paging', () => {
  it('answering everything at once (no totalSize) ends the listing with an error, not a loop', async () => {
    s = await setupSync({ movies: 510, shows: 2, episodes: 4 }, { batch_size: 100 });
    await s.engine.syncServer(s.serverId);
    s.fake.control.setFaults({ ignorePaging: true });
    s.fake.requestLog.reset();
    const r = await s.engine.syncLibrary(movieLibrary(s), { kind: 'full' });
    expect(r.status).toBe('failed');
    expect(r.errorMessage).toMatch(/sent 510 items for a page of 100 \(it ignores paging\); listing stopped/);
    expect(listRequests(s)).toBeLessThanOrEqual(3);
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
  });

  it('repeating the first page at every offset ends the listing with an error and removes nothing', async () => {
    s = await setupSync({ movies: 60, shows: 2, episodes: 4 }, { batch_size: 10 });
    await s.engine.syncServer(s.serverId);
    s.fake.control.setFaults({ ignorePagingStart: true });
    s.fake.requestLog.reset();
    const r = await s.engine.syncLibrary(movieLibrary(s), { kind: 'full' });
    expect(r.status).toBe('failed');
    expect(r.errorMessage).toMatch(/sent the previous page again/);
    expect(listRequests(s)).toBeLessThanOrEqual(5);
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
    expect(
      count(s.store, `select count(*) as n from sync_errors where message like '%previous page again%'`),
    ).toBe(1);
    // The server behaves again: the run resumes and finishes.
    s.fake.control.clearFaults();
    const again = await s.engine.syncLibrary(movieLibrary(s), { kind: 'full' });
    expect(again).toMatchObject({ status: 'succeeded', removed: 0 });
  });
});
