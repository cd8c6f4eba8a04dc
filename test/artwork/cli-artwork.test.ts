// `retrovue sync` stores items and fetches no artwork; `retrovue artwork` fills the cache with
// scaled posters and exits; a second run fetches nothing; a small artwork_cache_max_mb holds.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { runRetrovueAsync } from '../helpers/cli';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { count } from '../sync/helpers';

let fake: FakePlex;
let tmp: { dir: string; cleanup: () => void };
beforeAll(async () => {
  fake = await startFakePlex({ seed: 4, movies: 40, shows: 4, episodes: 24 });
  tmp = tempDir();
});
afterAll(async () => {
  await fake.stop();
  tmp.cleanup();
});

const transcodes = () => fake.requestLog.entries.filter((e) => e.path === '/photo/:/transcode').length;
const originals = () =>
  fake.requestLog.entries.filter((e) => /^\/library\/metadata\/[^/]+\/(thumb|art)\//.test(e.path)).length;
const diskBytes = (dir: string) => {
  try {
    return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  } catch {
    return 0;
  }
};

interface Summary {
  ok: boolean;
  fetched: number;
  failed: number;
  bytes: number;
  cacheFull: boolean;
  cache: { prefetchable: number; cached: number; bytesOnDisk: number; limitBytes: number };
}

describe('retrovue artwork', () => {
  it('sync fetches none; artwork fetches every poster scaled, once', { timeout: 60_000 }, async () => {
    const dataDir = join(tmp.dir, 'a');
    const global = ['--data-dir', dataDir, '--json'];
    const server = ['--server-url', fake.pmsUrl, '--token', fake.token];
    fake.requestLog.reset();
    const sync = await runRetrovueAsync([...global, 'sync', ...server]);
    expect(sync.status, sync.stderr).toBe(0);
    expect(transcodes() + originals()).toBe(0);

    const first = await runRetrovueAsync([...global, 'artwork', ...server]);
    expect(first.status, first.stderr).toBe(0);
    const s1 = first.json() as Summary;
    const store = openStore(join(dataDir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });
    const posters = count(
      store,
      `select count(*) as n from artwork where kind = 'thumb' and item_kind <> 'episode'`,
    );
    store.close();
    expect(posters).toBeGreaterThan(40);
    expect(s1).toMatchObject({ ok: true, fetched: posters, failed: 0, cacheFull: false });
    expect(s1.cache).toMatchObject({ prefetchable: posters, cached: posters });
    expect(s1.bytes).toBe(diskBytes(join(dataDir, 'artwork')));
    expect(s1.bytes / posters).toBeLessThan(40 * 1024);
    expect(transcodes()).toBe(posters);
    expect(originals()).toBe(0);

    const second = await runRetrovueAsync([...global, 'artwork', ...server]);
    expect((second.json() as Summary).fetched).toBe(0);
    expect(transcodes()).toBe(posters);

    const stats = await runRetrovueAsync([...global, 'stats']);
    expect(stats.json()).toMatchObject({ artwork: { prefetchable: posters, cached: posters, missing: 0 } });
    expect((await runRetrovueAsync(['--data-dir', dataDir, 'stats'])).stdout).toContain(
      `artwork: ${posters}/${posters} posters cached`,
    );

    const human = await runRetrovueAsync(['--data-dir', dataDir, 'artwork', ...server]);
    expect(human.stdout).toMatch(/^artwork: 0 fetched, 0 failed, 0\.0 MB/m);
  });

  it('holds a small artwork_cache_max_mb; 0 keeps nothing', { timeout: 60_000 }, async () => {
    const dataDir = join(tmp.dir, 'b');
    const global = ['--data-dir', dataDir, '--json'];
    const server = ['--server-url', fake.pmsUrl, '--token', fake.token];
    expect((await runRetrovueAsync([...global, 'sync', ...server])).status).toBe(0);
    expect(
      (await runRetrovueAsync(['--data-dir', dataDir, 'config', 'set', 'artwork_cache_max_mb', '0'])).status,
    ).toBe(0);
    fake.requestLog.reset();
    const none = await runRetrovueAsync([...global, 'artwork', ...server]);
    expect(none.json()).toMatchObject({ fetched: 0, cache: { limitBytes: 0, bytesOnDisk: 0 } });
    expect(transcodes()).toBe(0);
    // Real posters are larger, but the fake's 300×450 answers are ~11 KB: 1 MB holds about 93.
    const fakeMovies = await startFakePlex({ seed: 9, movies: 150, shows: 0, episodes: 0 });
    try {
      const dir2 = join(tmp.dir, 'c');
      const other = ['--server-url', fakeMovies.pmsUrl, '--token', fakeMovies.token];
      expect((await runRetrovueAsync(['--data-dir', dir2, 'sync', ...other])).status).toBe(0);
      expect(
        (await runRetrovueAsync(['--data-dir', dir2, 'config', 'set', 'artwork_cache_max_mb', '1'])).status,
      ).toBe(0);
      const full = await runRetrovueAsync(['--data-dir', dir2, '--json', 'artwork', ...other]);
      const s = full.json() as Summary;
      expect(s.cacheFull).toBe(true);
      expect(s.fetched).toBeGreaterThan(50);
      expect(diskBytes(join(dir2, 'artwork'))).toBeLessThanOrEqual(1_048_576);
      expect(s.cache.bytesOnDisk).toBe(diskBytes(join(dir2, 'artwork')));
    } finally {
      await fakeMovies.stop();
    }
  });
});
