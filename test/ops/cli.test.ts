import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { recordMetric } from '../../src-main/core/metrics/metrics-writer';
import { recordSyncError } from '../../src-main/core/store/repositories/error-repository';
import { PlexNetworkError } from '../../src-main/core/errors/errors';
import { runRetrovueInProcess as runRetrovue } from '../helpers/cli';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { addLibrary, addMovie, addRun, addServer } from './fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dataDir(): string {
  const t = tempDir('retrovue-cli-ops-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('retrovue config', () => {
  it('set validates and writes, get reads, a bad value names the key, env overrides show', async () => {
    const dir = dataDir();
    const set = await runRetrovue(['--data-dir', dir, '--json', 'config', 'set', 'concurrent_scans', '4']);
    expect(set.status).toBe(0);
    expect(set.json()).toMatchObject({
      ok: true,
      key: 'concurrent_scans',
      value: 4,
      changed: ['concurrent_scans'],
    });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      version: 1,
      concurrent_scans: 4,
    });

    const bad = await runRetrovue(['--data-dir', dir, 'config', 'set', 'concurrent_scans', '40']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /^retrovue: config concurrent_scans: Too big: expected number to be <=8 \(got 40\)$/m,
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      version: 1,
      concurrent_scans: 4,
    });

    const got = await runRetrovue(['--data-dir', dir, '--json', 'config', 'get', 'concurrent_scans'], {
      RETROVUE_CONCURRENT_SCANS: '3',
    });
    expect(got.json()).toMatchObject({ key: 'concurrent_scans', value: 3, source: 'env' });

    const replacements = JSON.stringify([{ from: '/data', to: '/mnt/data' }]);
    expect(
      (await runRetrovue(['--data-dir', dir, 'config', 'set', 'path_replacements', replacements])).status,
    ).toBe(0);
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ version: 1, concurrent_scans: 4, log_level: 'loud' }),
    );
    const shown = await runRetrovue(['--data-dir', dir, '--json', 'config', 'show']);
    expect(shown.status).toBe(1);
    const doc = shown.json() as {
      settings: { key: string; value: unknown; source: string }[];
      issues: { key: string }[];
    };
    expect(doc.issues.map((i) => i.key)).toEqual(['log_level']);
    expect(doc.settings.find((s) => s.key === 'log_level')).toEqual({
      key: 'log_level',
      value: 'info',
      source: 'default',
    });
    expect(doc.settings.find((s) => s.key === 'concurrent_scans')).toEqual({
      key: 'concurrent_scans',
      value: 4,
      source: 'file',
    });

    const store = openStore(join(dir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });
    const audit = store.sqlite
      .prepare("select actor, action, details_json from audit_log where action = 'config_changed'")
      .all();
    store.close();
    expect(audit).toHaveLength(2);
  });
});

describe('retrovue cleanup / restore / maintenance / stats', () => {
  it('cleanup archives, restore lists and brings back, maintenance and stats report', async () => {
    const dir = dataDir();
    const db = join(dir, 'retrovue.db');
    const store = openStore(db, { migrationsFolder: MIGRATIONS });
    const serverId = addServer(store, 'Den');
    store.sqlite.prepare("update servers set chosen_uri = 'http://127.0.0.1:32400'").run();
    const libraryId = addLibrary(store, serverId, 'movie', '1', 'Films');
    addMovie(store, libraryId, '10', 'Vanished', {
      state: 'file_not_found',
      stateChangedAt: Date.now() - 60 * 86_400_000,
    });
    addMovie(store, libraryId, '11', 'Present');
    const runId = addRun(store, {
      serverId,
      libraryId,
      status: 'succeeded',
      startedAt: Date.now() - 3_600_000,
      added: 2,
    });
    recordMetric(store.db, {
      runId,
      serverId,
      libraryId,
      operation: 'full',
      startedAt: Date.now() - 3_600_000,
      durationMs: 2500,
      itemsProcessed: 2,
      itemsSkipped: 0,
      errors: 0,
      apiCalls: 3,
      bytesReceived: 4096,
      rowsWritten: 20,
    });
    recordSyncError(store.db, {
      error: new PlexNetworkError('server error 503', { status: 503 }),
      serverId,
      at: Date.now() - 60_000,
    });
    store.close();

    const dry = await runRetrovue(['--data-dir', dir, '--json', 'cleanup', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.json()).toMatchObject({ dryRun: true, candidates: 1, retentionDays: 30 });

    const cleaned = await runRetrovue(['--data-dir', dir, '--json', 'cleanup']);
    expect(cleaned.status).toBe(0);
    expect(cleaned.json()).toMatchObject({ dryRun: false, archive: { archived: 1 } });

    const list = await runRetrovue(['--data-dir', dir, '--json', 'restore']);
    const archived = (list.json() as { archived: { id: number; title: string }[] }).archived;
    expect(archived.map((a) => a.title)).toEqual(['Vanished']);
    expect((await runRetrovue(['--data-dir', dir, 'restore', 'abc'])).stderr).toMatch(
      /archive id "abc": expected a positive whole number/,
    );
    const restored = await runRetrovue(['--data-dir', dir, 'restore', String(archived[0]!.id)]);
    expect(restored.status).toBe(0);
    expect(restored.stdout).toMatch(/restored movie "Vanished"/);
    const again = await runRetrovue(['--data-dir', dir, 'restore', String(archived[0]!.id)]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already restored/);

    const maint = await runRetrovue(['--data-dir', dir, '--json', 'maintenance', '--vacuum']);
    expect(maint.status).toBe(0);
    expect(maint.json()).toMatchObject({ ok: true, integrity: 'ok', vacuumed: true });

    const stats = await runRetrovue(['--data-dir', dir, '--json', 'stats', '--since', '7d']);
    expect(stats.status).toBe(0);
    const s = stats.json() as {
      sync: {
        runs: { total: number };
        operations: { count: number; apiCalls: number; bytesReceived: number };
      };
      errors: { total: number; byClass: Record<string, number> };
      health: { servers: { name: string; state: string }[] };
    };
    expect(s.sync.runs.total).toBe(1);
    // The full run, the cleanup and the maintenance pass.
    expect(s.sync.operations).toMatchObject({ count: 3, apiCalls: 3, bytesReceived: 4096 });
    expect(s.errors).toMatchObject({ total: 1, byClass: { network: 1 } });
    expect(s.health.servers).toEqual([expect.objectContaining({ name: 'Den', state: 'degraded' })]);
    const human = await runRetrovue(['--data-dir', dir, 'stats', '--since', '1d']);
    expect(human.stdout).toMatch(/runs: 1 \(succeeded 1\)/);
    expect(human.stdout).toMatch(/Den: degraded \(1 unresolved error\(s\)\)/);
    expect((await runRetrovue(['--data-dir', dir, 'stats', '--since', 'soon'])).stderr).toMatch(
      /--since "soon"/,
    );

    const check = openStore(db, { migrationsFolder: MIGRATIONS });
    const actions = (
      check.sqlite.prepare('select action from audit_log order by id').all() as { action: string }[]
    ).map((a) => a.action);
    check.close();
    expect(actions).toEqual(['cleanup', 'restore', 'maintenance']);
  });
});
