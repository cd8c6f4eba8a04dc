// A batch of details that cannot be read is split down to the items at fault; they become item
// errors and the rest of the batch is stored. One malformed item never fails the library (issue 14).
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultKind } from '../fake-plex/index';
import { count, expectConverged, setupSync, storedStates, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const movieLibrary = (setup: SyncSetup) =>
  (setup.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }).id;

/** Every detail request that includes `key`, alone or in a batch. */
const including = (key: string) => new RegExp(`^/library/metadata/([^/?]*,)?${key}(,[^/?]*)?$`);

describe('details that cannot be read', () => {
  for (const kind of ['malformed', 'truncate'] as FaultKind[]) {
    it(`a ${kind} answer for batches holding one item isolates that item; the rest is stored`, async () => {
      s = await setupSync(
        { movies: 30, shows: 1, episodes: 2 },
        { detail_batch_size: 10, retry_attempts: 0 },
      );
      const keys = s.fake.control
        .snapshot()
        .items.filter((i) => i.type === 'movie')
        .map((i) => i.ratingKey);
      const victim = keys[13]!;
      const rule = s.fake.control.addFault({ kind, path: including(victim) });
      const r = await s.engine.syncLibrary(movieLibrary(s));
      expect(r).toMatchObject({ status: 'succeeded', added: 29, errors: 1, removed: 0 });
      expect(storedStates(s.store, 'movie').get(victim)).toBe('error');
      expect(
        s.store.sqlite.prepare(`select last_error from movies where plex_rating_key = ?`).get(victim),
      ).toEqual({ last_error: expect.stringMatching(/^details could not be fetched: /) });
      expect(count(s.store, `select count(*) as n from movies where state <> 'error'`)).toBe(29);
      // The server answers properly again: the item is fetched on the next run.
      s.fake.control.removeFault(rule);
      const again = await s.engine.syncLibrary(movieLibrary(s));
      expect(again).toMatchObject({ status: 'succeeded', errors: 0 });
      expect(expectConverged(s.store, s.fake, ['movie'])).toEqual([]);
    });
  }

  it('a 400 for batches holding one item isolates it too; nothing is removed', async () => {
    s = await setupSync({ movies: 12, shows: 1, episodes: 2 }, { detail_batch_size: 4, retry_attempts: 0 });
    await s.engine.syncServer(s.serverId);
    const keys = s.fake.control
      .snapshot()
      .items.filter((i) => i.type === 'movie')
      .map((i) => i.ratingKey);
    const victim = keys[5]!;
    s.fake.control.change(victim, { title: 'Changed' });
    s.fake.control.change(keys[6]!, { title: 'Changed too' });
    s.fake.control.change(keys[7]!, { title: 'Changed as well' });
    s.fake.control.addFault({ kind: 'error', status: 400, path: including(victim) });
    const r = await s.engine.syncLibrary(movieLibrary(s));
    expect(r).toMatchObject({ status: 'succeeded', updated: 2, errors: 1, removed: 0 });
    expect(count(s.store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
  });
});
