// `retrovue sync` says when it waits to retry a request, as the app's progress line does: a
// terminal gets it in the bar, anything else one line on stderr per wait (not in --json output).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { runRetrovueInProcess as runRetrovue } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

let fake: FakePlex;
beforeAll(async () => {
  fake = await startFakePlex({ seed: 21, movies: 8, shows: 1, episodes: 3 });
});
afterAll(() => fake.stop());

function dataDir(): { dir: string; cleanup: () => void } {
  const t = tempDir('retrovue-retry-waits-');
  writeFileSync(join(t.dir, 'config.json'), JSON.stringify({ version: 1, retry_delay_seconds: 0.2 }));
  return t;
}

describe('retrovue sync and retry waits', () => {
  it('tells each wait with its reason and try, then finishes the run', { timeout: 60_000 }, async () => {
    const t = dataDir();
    try {
      fake.control.addFault({ kind: 'error', status: 500, path: '/library/sections/*/all', times: 1 });
      const run = await runRetrovue(['--data-dir', t.dir, 'sync', '--server-url', fake.pmsUrl], {
        PLEX_TOKEN: fake.token,
      });
      expect(run.status, run.stderr).toBe(0);
      const waits = run.stderr.split('\n').filter((l) => l.includes('waiting'));
      expect(waits).toHaveLength(1);
      expect(waits[0]).toMatch(/^(Movies|TV Shows): waiting 1 s after a server error, try 2 of 4$/);
    } finally {
      t.cleanup();
    }
  });

  it('keeps --json output clean', { timeout: 60_000 }, async () => {
    const t = dataDir();
    try {
      fake.control.addFault({ kind: 'error', status: 503, path: '/library/sections/*/all', times: 1 });
      const run = await runRetrovue(['--data-dir', t.dir, '--json', 'sync', '--server-url', fake.pmsUrl], {
        PLEX_TOKEN: fake.token,
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/waiting/);
      expect(run.json()).toMatchObject({ ok: true });
    } finally {
      t.cleanup();
    }
  });
});
