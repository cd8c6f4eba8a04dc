// Who syncs a library is decided by a lock the operating system releases when its holder dies,
// not by probing a pid: a sync killed with SIGKILL and left an unreaped zombie (as on a machine
// whose init does not reap orphans) does not block the next one, two syncs started together never
// both run, and the service holds a pushed change until the other process is done.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import type { ServiceEvent } from '../../src-shared/service-events';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient } from '../../src-main/core/plex/server-client';
import { createSyncService } from '../../src-main/core/service/sync-service';
import { openStore, type Store } from '../../src-main/core/store/database';
import { isLibraryLocked, tryLockLibrary } from '../../src-main/core/store/library-lock';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { RETROVUE_COMMAND, runRetrovueAsync } from '../helpers/cli';
import { MIGRATIONS, tempDir, tempStore } from '../helpers/temp';
import { pollUntil } from '../helpers/wait';
import { count, expectConverged } from './helpers';

let fake: FakePlex;
let tmp: { dir: string; cleanup: () => void };
const cleanups: (() => unknown)[] = [];
beforeAll(async () => {
  fake = await startFakePlex({ seed: 12, movies: 300, shows: 0, episodes: 0, latencyMs: 15 });
  tmp = tempDir();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await fake.stop();
  tmp.cleanup();
});

const syncArgs = (dataDir: string, ...extra: string[]) => [
  '--data-dir',
  dataDir,
  '--json',
  'sync',
  '--server-url',
  fake.pmsUrl,
  ...extra,
];
const env = () => ({ PLEX_TOKEN: fake.token });
const open = (dataDir: string) => openStore(join(dataDir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });

/**
 * `retrovue` as the child of a parent that never wait()s for it (python, reaping only when told):
 * once killed, it stays a zombie whose pid still "exists".
 */
function startUnreaped(args: string[]): Promise<{ pid: number; reap: () => void }> {
  const parent = spawn(
    'python3',
    [
      '-c',
      'import os,sys\npid=os.fork()\nif pid==0:\n  os.execv(sys.argv[1], sys.argv[1:])\nprint(pid, flush=True)\nsys.stdin.readline()\nos.waitpid(pid, 0)',
      ...RETROVUE_COMMAND,
      ...args,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env() } },
  );
  const lines = createInterface({ input: parent.stdout! });
  return new Promise((resolve) =>
    lines.once('line', (line) => resolve({ pid: Number(line), reap: () => parent.stdin!.end('\n') })),
  );
}

const processState = (pid: number) => /State:\s+(\S)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

describe('library locks', () => {
  it(
    'a sync killed with SIGKILL and left a zombie does not block the next, which continues its run',
    { timeout: 120_000 },
    async () => {
      const dataDir = join(tmp.dir, 'zombie');
      const setup = await runRetrovueAsync(['--data-dir', dataDir, 'config', 'set', 'batch_size', '20']);
      expect(setup.status, setup.stderr).toBe(0);
      const child = await startUnreaped(syncArgs(dataDir));
      cleanups.push(child.reap);
      const store = open(dataDir);
      try {
        await pollUntil(
          'the first pages stored',
          () => {
            try {
              return count(store, `select count(*) as n from movies`) >= 40;
            } catch {
              return false; // tables not created yet
            }
          },
          60_000,
        );
        const killed = store.sqlite.prepare(`select id from sync_runs where status = 'running'`).get() as {
          id: number;
        };
        process.kill(child.pid, 'SIGKILL');
        await pollUntil('a zombie', () => processState(child.pid) === 'Z', 5_000);
        // The pid still exists: probing it says "alive".
        expect(() => process.kill(child.pid, 0)).not.toThrow();
        await new Promise((r) => setTimeout(r, 100));
        const libraryId = (
          store.sqlite.prepare(`select id from libraries where type = 'movie'`).get() as { id: number }
        ).id;
        expect(isLibraryLocked(store, libraryId)).toBe(false);
        const next = await runRetrovueAsync(syncArgs(dataDir), env());
        expect(next.status, next.stderr).toBe(0);
        const summary = next.json() as {
          libraries: Array<{ status: string; resumedFromRunId: number | null }>;
        };
        const movies = summary.libraries.find((l) => l.resumedFromRunId !== null);
        expect(movies).toMatchObject({ status: 'succeeded', resumedFromRunId: killed.id });
        expect(processState(child.pid)).toBe('Z');
        expect(expectConverged(store, fake)).toEqual([]);
      } finally {
        store.close();
      }
    },
  );

  it(
    'two syncs of one library started together: exactly one runs, the other says so',
    { timeout: 60_000 },
    async () => {
      const dataDir = join(tmp.dir, 'pair');
      const first = await runRetrovueAsync(syncArgs(dataDir), env());
      expect(first.status, first.stderr).toBe(0);
      fake.control.change(fake.control.snapshot().items[0]!.ratingKey, { summary: 'changed' });
      // The run that gets the lock holds it for seconds (a slow detail answer): on a loaded machine
      // the second process may start that much later, and must still find the library busy.
      fake.control.addFault({ kind: 'latency', latencyMs: 4_000, path: '/library/metadata/*', times: 1 });
      const both = await Promise.all([
        runRetrovueAsync(syncArgs(dataDir, '--deep', '--library', '1'), env()),
        runRetrovueAsync(syncArgs(dataDir, '--deep', '--library', '1'), env()),
      ]);
      const ran = both.filter((r) => r.status === 0);
      const refused = both.filter((r) => r.status !== 0);
      expect(ran).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.stderr).toMatch(/is being synced by another process/);
      const store = open(dataDir);
      try {
        expect(
          count(
            store,
            `select count(*) as n from sync_runs r join libraries l on l.id = r.library_id where l.type = 'movie' and r.kind = 'deep'`,
          ),
        ).toBe(1);
      } finally {
        store.close();
      }

      // --wait: whichever comes second waits for the other, then runs; the runs never overlap.
      const waited = await Promise.all([
        runRetrovueAsync(syncArgs(dataDir, '--deep', '--library', '1', '--wait'), env()),
        runRetrovueAsync(syncArgs(dataDir, '--deep', '--library', '1', '--wait'), env()),
      ]);
      expect(waited.map((r) => r.status)).toEqual([0, 0]);
      const after = open(dataDir);
      try {
        const runs = after.sqlite
          .prepare(
            `select r.status, r.started_at as s, r.finished_at as f from sync_runs r join libraries l on l.id = r.library_id
              where l.type = 'movie' and r.kind = 'deep' order by r.id`,
          )
          .all() as Array<{ status: string; s: number; f: number }>;
        expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
        expect(runs[2]!.s).toBeGreaterThanOrEqual(runs[1]!.f);
      } finally {
        after.close();
      }
    },
  );

  it(
    'the service holds a pushed change while another process syncs the library, then runs it',
    { timeout: 60_000 },
    async () => {
      const { store, dir, cleanup } = tempStore();
      cleanups.push(cleanup);
      const identity = makeIdentity('retrovue-lock-tests');
      const client = createServerClient({ baseUrl: fake.pmsUrl, token: fake.token, identity });
      const { libraries } = await registerServerByUrl(store, client);
      client.close();
      const movies = libraries.find((l) => l.type === 'movie')!;
      // Another connection holds the library, as another process's sync would.
      const other: Store = openStore(store.path, { migrationsFolder: MIGRATIONS });
      cleanups.push(() => other.close());
      const held = tryLockLibrary(other, movies.id)!;
      expect(held).not.toBeNull();
      const service = createSyncService({
        store,
        config: () => ({ ...DEFAULT_CONFIG, live_push: false, artwork_cache: false }),
        engine: { dataDir: dir, identity, migrationsFolder: MIGRATIONS, sqliteBinding: null },
        serverAccess: async () => ({ baseUrl: fake.pmsUrl, token: fake.token }),
      });
      cleanups.push(() => service.stop({ timeoutMs: 5_000 }));
      const events: ServiceEvent[] = [];
      service.on((e) => events.push(e));
      await service.start();
      service.requestSync({ libraryIds: [movies.id], trigger: 'push' });
      await pollUntil(
        'the busy notice',
        () => events.some((e) => e.type === 'skipped' && /another process/.test(e.reason)),
        10_000,
      );
      expect(service.queue().some((q) => q.libraryId === movies.id)).toBe(true);
      expect(events.some((e) => e.type === 'failed')).toBe(false);
      held.release();
      const isMovies = (e: ServiceEvent): e is Extract<ServiceEvent, { type: 'finished' }> =>
        e.type === 'finished' && e.result.libraryId === movies.id;
      await pollUntil('the held run', () => events.some(isMovies), 20_000);
      const finished = events.find(isMovies)!;
      expect(finished.result).toMatchObject({ libraryId: movies.id, status: 'succeeded' });
    },
  );
});
