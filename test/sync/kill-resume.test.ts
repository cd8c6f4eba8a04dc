import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { count, expectConverged } from './helpers';

const CHILD = join(__dirname, 'sync-child.ts');

interface ChildRun {
  /** From the child's "syncing" line to its exit. */
  syncMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the child; with killAfterMs, SIGKILLs it that long after it starts syncing. */
function runChild(args: string[], killAfterMs?: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let syncStart = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (!syncStart && stdout.includes('syncing')) {
        syncStart = Date.now();
        if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      resolve({ syncMs: syncStart ? Date.now() - syncStart : 0, code, signal, stdout, stderr }),
    );
  });
}

/** Small deterministic PRNG so a failing kill pattern can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let fake: FakePlex;
let tmp: { dir: string; cleanup: () => void };

beforeAll(async () => {
  fake = await startFakePlex({ seed: 11, movies: 150, shows: 12, episodes: 300, latencyMs: 15 });
  tmp = tempDir();
});
afterAll(async () => {
  await fake.stop();
  tmp.cleanup();
});

describe('kill and resume', () => {
  it(
    'a sync killed at random points converges to exactly the server contents',
    { timeout: 120_000 },
    async () => {
      const dbPath = join(tmp.dir, 'kill.db');
      const args = [dbPath, fake.pmsUrl, fake.token, tmp.dir];
      const rand = mulberry32(Number(process.env.KILL_SEED ?? 20261129));
      // How long a whole sync takes on this machine right now: kills land inside that window.
      const reference = await runChild([join(tmp.dir, 'reference.db'), fake.pmsUrl, fake.token, tmp.dir]);
      expect(reference.code, reference.stderr).toBe(0);
      const fullMs = reference.syncMs;
      let kills = 0;
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        if (i === 3) {
          // The library changes while the sync is dead: the resumed run must still converge.
          const snap = fake.control.snapshot();
          fake.control.delete(snap.items.find((x) => x.type === 'movie')!.ratingKey);
          fake.control.addMovie({});
          fake.control.change(snap.items.find((x) => x.type === 'episode')!.ratingKey, { title: 'Retitled' });
        }
        const run = await runChild(args, Math.floor(20 + rand() * fullMs * 0.35));
        if (run.signal === 'SIGKILL') kills += 1;
        else expect(run.code, run.stderr).toBe(0);
        outcomes.push(run.signal ?? run.stdout.trim().split('\n').at(-1) ?? '');
      }
      expect(kills, outcomes.join(' | ')).toBeGreaterThanOrEqual(3);
      const final = await runChild(args);
      expect(final.code, final.stderr).toBe(0);
      expect(final.stdout).toMatch(/"status":"(succeeded|skipped)"/);
      expect(final.stdout).not.toMatch(/"status":"(failed|interrupted|cancelled)"/);

      const store = openStore(dbPath, { migrationsFolder: MIGRATIONS });
      try {
        expect(expectConverged(store, fake)).toEqual([]);
        expect(
          count(store, `select count(*) as n from sync_runs where resumed_from_run_id is not null`),
        ).toBeGreaterThan(0);
        expect(count(store, `select count(*) as n from sync_runs where status = 'running'`)).toBe(0);
        for (const t of ['movies', 'shows', 'seasons', 'episodes']) {
          expect(count(store, `select count(*) as n from ${t} where state in ('scanning', 'error')`)).toBe(0);
        }
        // No duplicated children either: one version row per Plex media id and owner.
        expect(
          count(
            store,
            `select count(*) - count(distinct coalesce(movie_id, 0) || ':' || coalesce(episode_id, 0) || ':' || plex_media_id) as n from media_versions`,
          ),
        ).toBe(0);
        expect(
          count(
            store,
            `select count(*) - count(distinct item_kind || ':' || item_id || ':' || sort_order) as n from cast_roles`,
          ),
        ).toBe(0);
        const integrity = store.sqlite.pragma('integrity_check', { simple: true });
        expect(integrity).toBe('ok');
        expect(store.sqlite.pragma('foreign_key_check')).toEqual([]);
      } finally {
        store.close();
      }
    },
  );
});
