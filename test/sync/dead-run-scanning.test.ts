// After a kill during a deep scan, no reader sees `scanning` from a run that is not alive (issue 14):
// a row changes only when its page commits, so the file a killed process leaves behind holds no row
// in a state that no live run stands behind, before any writer opens it. The next writer marks the
// dead run interrupted, and the next sync finishes the job.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
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
    'leaves no `scanning` row for any reader, and the next sync finishes the job',
    { timeout: 60_000 },
    async () => {
      s = await setupSync({ movies: 120, shows: 2, episodes: 8 });
      await s.engine.syncServer(s.serverId);
      const path = s.store.path;
      // Slow details: the child's deep scan has pages classified and waiting for their details.
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
      const states = () =>
        s!.store.sqlite
          .prepare(`select state, count(*) as n from movies group by state order by state`)
          .all();
      const before = states();
      s.fake.requestLog.reset();
      const deadline = Date.now() + 30_000;
      // Details of several pages asked for and not yet answered: the moment a mark would show.
      while (s.fake.requestLog.count('/library/metadata/:id') < 4 && Date.now() < deadline) {
        expect(scanning()).toBe(0);
        await sleep(20);
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // The file as the dead process left it, read before any writer opens it: its run still says
      // `running`, but every row holds the state it had (or the one its committed page gave it).
      expect(scanning()).toBe(0);
      expect(states()).toEqual(before);
      expect(count(s.store, `select count(*) as n from sync_runs where status = 'running'`)).toBeGreaterThan(
        0,
      );
      const readOnly = openStore(path, { migrationsFolder: MIGRATIONS, readonly: true });
      try {
        expect(count(readOnly, `select count(*) as n from movies where state = 'scanning'`)).toBe(0);
      } finally {
        readOnly.close();
      }

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
