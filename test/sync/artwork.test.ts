import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { count, setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const imageRequests = (setup: SyncSetup) =>
  setup.fake.requestLog.entries.filter((e) => /\/(thumb|art)\/[^/]+$/.test(e.path)).length;

describe('artwork cache', () => {
  it('downloads thumbs and art once, named by content, and again only when the URL changes', async () => {
    s = await setupSync(
      { movies: 12, shows: 1, episodes: 2 },
      { artwork_cache: true, artwork_concurrency: 3 },
    );
    const lib = (
      s.store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }
    ).id;
    const r = await s.engine.syncLibrary(lib);
    expect(r.status).toBe('succeeded');
    const expected = count(s.store, `select count(*) as n from artwork where item_kind = 'movie'`);
    expect(expected).toBeGreaterThan(0);
    expect(
      count(
        s.store,
        `select count(*) as n from artwork where item_kind = 'movie' and cache_file is not null and bytes > 0`,
      ),
    ).toBe(expected);
    const files = readdirSync(join(s.dir, 'artwork'));
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => /^[0-9a-f]{64}\.(jpg|png|webp|gif)$/.test(f))).toBe(true);
    const cacheFiles = s.store.sqlite
      .prepare(`select cache_file as f from artwork where cache_file is not null`)
      .all() as Array<{ f: string }>;
    expect(cacheFiles.every((c) => existsSync(join(s!.dir, 'artwork', c.f)))).toBe(true);
    expect(imageRequests(s)).toBe(expected);

    s.fake.requestLog.reset();
    await s.engine.syncLibrary(lib, { kind: 'deep' });
    expect(imageRequests(s)).toBe(0);

    const movie = s.fake.control.snapshot().items.find((i) => i.type === 'movie' && i.hasThumb)!;
    s.fake.requestLog.reset();
    await new Promise((r) => setTimeout(r, 1100)); // thumb URLs carry updatedAt in seconds
    s.fake.control.change(movie.ratingKey, { summary: 'new poster' });
    await s.engine.syncLibrary(lib);
    const perItem = count(
      s.store,
      `select count(*) as n from artwork a join movies m on m.id = a.item_id where a.item_kind = 'movie' and m.plex_rating_key = ?`,
      movie.ratingKey,
    );
    expect(imageRequests(s)).toBe(perItem);
  });
});
