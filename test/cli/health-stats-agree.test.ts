// `retrovue health` and `retrovue stats` read one health function with one stale limit, so they
// cannot disagree about the same database (before, stats used its own verdict and a 120 s limit
// against health's 60 s: stats said "degraded" while health said "healthy").
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlexNetworkError } from '../../src-main/core/errors/errors';
import { openStore } from '../../src-main/core/store/database';
import { recordSyncError } from '../../src-main/core/store/repositories/error-repository';
import { HEARTBEAT_STALE_MS } from '../../src-main/core/service/health';
import type { HealthStatus } from '../../src-shared/service-events';
import { runRetrovueInProcess as runRetrovue } from '../helpers/cli';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { addLibrary, addRun, addServer } from '../ops/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function database(setup: (store: ReturnType<typeof openStore>) => void): string {
  const t = tempDir('retrovue-health-agree-');
  cleanups.push(t.cleanup);
  const store = openStore(join(t.dir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });
  const serverId = addServer(store, 'Den');
  store.sqlite.prepare("update servers set chosen_uri = 'http://127.0.0.1:32400'").run();
  const libraryId = addLibrary(store, serverId, 'movie', '1', 'Films');
  addRun(store, { serverId, libraryId, status: 'succeeded', startedAt: Date.now() - 3_600_000 });
  setup(store);
  store.close();
  return t.dir;
}

async function both(dir: string): Promise<{ health: HealthStatus; stats: HealthStatus }> {
  const health = await runRetrovue(['--data-dir', dir, '--json', 'health']);
  const stats = await runRetrovue(['--data-dir', dir, '--json', 'stats', '--since', '7d']);
  expect(stats.status).toBe(0);
  return {
    health: health.json() as HealthStatus,
    stats: (stats.json() as { health: HealthStatus }).health,
  };
}

const verdict = (h: HealthStatus) => ({
  ok: h.ok,
  state: h.state,
  reasons: h.reasons,
  service: h.service,
  servers: h.servers.map((s) => ({ name: s.name, state: s.state, reasons: s.reasons })),
});

describe('retrovue health and retrovue stats', () => {
  it('agree on open errors and on a service that died 90 s ago', async () => {
    const dir = database((store) => {
      recordSyncError(store.db, {
        error: new PlexNetworkError('server error 503', { status: 503 }),
        serverId: 1,
        at: Date.now() - 60_000,
      });
      // Between the two old limits (60 s and 120 s): the one that decides whether it is alive.
      expect(90_000).toBeGreaterThan(HEARTBEAT_STALE_MS);
      store.sqlite
        .prepare(
          "insert into sync_services(name, status, pid, hostname, heartbeat_at) values ('sync', 'running', 999999, 'elsewhere', ?)",
        )
        .run(Date.now() - 90_000);
    });
    const { health, stats } = await both(dir);
    expect(verdict(stats)).toEqual(verdict(health));
    expect(health).toMatchObject({ ok: true, state: 'degraded', service: 'stopped' });
    expect(health.reasons).toEqual([
      'Den: 1 unresolved error(s)',
      'the sync service (pid 999999) stopped without a word',
    ]);
  });

  it('agree that a failed last run is a failure', async () => {
    const dir = database((store) => {
      addRun(store, { serverId: 1, libraryId: 1, status: 'failed', startedAt: Date.now() - 60_000 });
    });
    const { health, stats } = await both(dir);
    expect(verdict(stats)).toEqual(verdict(health));
    expect(health).toMatchObject({
      ok: false,
      state: 'failing',
      reasons: ['Den: last run of "Films" failed'],
    });
    const human = await runRetrovue(['--data-dir', dir, 'stats', '--since', '7d']);
    expect(human.stdout).toMatch(/health: failing\n {2}Den: failing \(last run of "Films" failed\)/);
  });
});
