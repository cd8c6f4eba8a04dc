// After a kill during a deep scan, no reader sees `scanning` from a run that is not alive: the
// next process to open the database puts the rows back and marks the run interrupted (issue 14).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { openStore } from '../../src-main/core/store/database';
import type { RunRow } from '../../src-main/core/store/repositories/run-repository';
import { isStale } from '../../src-main/core/sync/checkpoint';
import { MIGRATIONS } from '../helpers/temp';
import { count, expectConverged, setupSync, type SyncSetup } from './helpers';

const CHILD = join(__dirname, 'sync-child.ts');

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('a sync killed during a deep scan', () => {
  it(
    'leaves no `scanning` row for the next reader, and the next sync finishes the job',
    { timeout: 60_000 },
    async () => {
      s = await setupSync({ movies: 120, shows: 2, episodes: 8 });
      await s.engine.syncServer(s.serverId);
      const path = s.store.path;
      // Slow details: the child's deep scan has items marked scanning while it waits for them.
      const rule = s.fake.control.addFault({ kind: 'latency', latencyMs: 400, path: '/library/metadata/*' });
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', CHILD, path, s.fake.pmsUrl, s.fake.token, s.dir, 'deep'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_c, sig) => resolve(sig)),
      );
      const scanning = () => count(s!.store, `select count(*) as n from movies where state = 'scanning'`);
      const deadline = Date.now() + 30_000;
      while (scanning() === 0 && Date.now() < deadline) await sleep(20);
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // The rows as the dead process left them.
      expect(scanning()).toBeGreaterThan(0);

      const reader = openStore(path, { migrationsFolder: MIGRATIONS });
      try {
        expect(count(reader, `select count(*) as n from movies where state = 'scanning'`)).toBe(0);
        expect(count(reader, `select count(*) as n from sync_runs where status = 'running'`)).toBe(0);
        expect(
          count(reader, `select count(*) as n from sync_runs where status = 'interrupted'`),
        ).toBeGreaterThan(0);
      } finally {
        reader.close();
      }
      s.fake.control.removeFault(rule);
      const again = await s.engine.syncServer(s.serverId, { kind: 'deep' });
      expect(again.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(expectConverged(s.store, s.fake)).toEqual([]);
    },
  );
});

describe('is the process of a run alive?', () => {
  it('a killed process nobody reaped (a zombie, as under a PID 1 that does not reap) is dead', async () => {
    // sh starts a child that exits at once, then becomes `sleep`, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const pid = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
      );
      await sleep(200);
      // It still answers signal 0: only its state says it is gone.
      expect(() => process.kill(pid, 0)).not.toThrow();
      const run = { status: 'running', heartbeatAt: Date.now(), startedAt: Date.now() } as RunRow;
      const checkpoint = {
        chainRunId: 1,
        phase: 'movies' as const,
        offset: 0,
        baseline: { updatedAt: null, contentChangedAt: null },
        complete: false,
        flawed: false,
        pid,
        host: hostname(),
      };
      expect(isStale(run, checkpoint, 120_000, false)).toBe(true);
      expect(isStale(run, { ...checkpoint, pid: parent.pid! }, 120_000, false)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
