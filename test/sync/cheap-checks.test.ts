// A no-change `retrovue sync` of a known server costs almost nothing: with --server-url two
// requests (/identity, then one /library/sections for every library), with the stored login one.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { runRetrovueAsync } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

let fake: FakePlex;
let tmp: { dir: string; cleanup: () => void };
beforeAll(async () => {
  fake = await startFakePlex({ seed: 6, movies: 12, shows: 2, episodes: 8 });
  tmp = tempDir();
});
afterAll(async () => {
  await fake.stop();
  tmp.cleanup();
});

const requested = () => fake.requestLog.entries.map((e) => e.path);
interface Summary {
  ok: boolean;
  libraries: Array<{ skippedUnchanged: boolean }>;
}

describe('cheap checks', () => {
  it('--server-url, nothing changed: /identity and one /library/sections', { timeout: 60_000 }, async () => {
    const dataDir = join(tmp.dir, 'url');
    const args = ['--data-dir', dataDir, '--json', 'sync', '--server-url', fake.pmsUrl];
    const env = { PLEX_TOKEN: fake.token };
    const first = await runRetrovueAsync(args, env);
    expect(first.status, first.stderr).toBe(0);
    fake.requestLog.reset();
    const again = await runRetrovueAsync(args, env);
    expect(again.status, again.stderr).toBe(0);
    const s = again.json() as Summary;
    expect(s.libraries).toHaveLength(2);
    expect(s.libraries.every((l) => l.skippedUnchanged)).toBe(true);
    expect(requested()).toEqual(['/identity', '/library/sections']);
  });

  it('stored login, nothing changed: one /library/sections', { timeout: 60_000 }, async () => {
    const dataDir = join(tmp.dir, 'stored');
    const env = { RETROVUE_DATA_DIR: dataDir };
    const add = await runRetrovueAsync(['servers', 'add', fake.pmsUrl], {
      ...env,
      PLEX_TOKEN: fake.token,
    });
    expect(add.status, add.stderr).toBe(0);
    const first = await runRetrovueAsync(['--json', 'sync'], env);
    expect(first.status, first.stderr).toBe(0);
    expect((first.json() as Summary).libraries).toHaveLength(2);
    fake.requestLog.reset();
    const again = await runRetrovueAsync(['--json', 'sync'], env);
    expect(again.status, again.stderr).toBe(0);
    expect((again.json() as Summary).libraries.every((l) => l.skippedUnchanged)).toBe(true);
    expect(requested()).toEqual(['/library/sections']);
  });
});
