// Run counters count committed rows only: a page whose transaction fails (a full disk) adds
// nothing to them (issue 14).
import { afterEach, describe, expect, it } from 'vitest';
import { count, setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('run counters', () => {
  it('a page that fails to commit is not counted; the run says what is stored', async () => {
    s = await setupSync({ movies: 40, shows: 1, episodes: 2 }, { batch_size: 10, retry_attempts: 0 });
    const lib = (
      s.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }
    ).id;
    // The write that ends the third page's transaction fails as a full disk would.
    s.store.sqlite.exec(`
      create temp trigger disk_full before update of items_done on sync_runs
      when new.status = 'running' and new.items_done >= 30
      begin select raise(abort, 'database or disk is full'); end`);
    const r = await s.engine.syncLibrary(lib);
    s.store.sqlite.exec(`drop trigger disk_full`);
    expect(r.status).toBe('failed');
    expect(r.errorMessage).toMatch(/disk is full/);
    const stored = count(s.store, `select count(*) as n from movies`);
    expect(stored).toBe(20);
    expect(r.added).toBe(stored);
    expect(
      s.store.sqlite
        .prepare(`select added, items_done as itemsDone from sync_runs where id = ?`)
        .get(r.runId),
    ).toEqual({ added: stored, itemsDone: 20 });
    // The next run resumes after the last committed page and adds exactly the rest.
    const again = await s.engine.syncLibrary(lib);
    expect(again).toMatchObject({ status: 'succeeded', added: 40 - stored });
  });
});
