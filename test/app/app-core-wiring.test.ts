// What the app core wires up for the desktop app and `retrovue serve`: the scheduler's
// database-wide operations run the real maintenance code, and the log goes to <dataDir>/logs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServiceEvent } from '../../src-shared/service-events';
import { createFileVault, VAULT_FILE } from '../../src-main/core/account/file-vault';
import { createAppCore, type AppCore } from '../../src-main/core/app-core';
import { listArchived } from '../../src-main/core/maintenance/archive';
import { openStore } from '../../src-main/core/store/database';
import { findSchedule, setScheduleNextRun } from '../../src-main/core/store/repositories/schedule-repository';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { addLibrary, addMovie, addServer, count } from '../ops/fixtures';

const DAY = 86_400_000;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
});

function newCore(dataDir: string, options: { fileLogging?: boolean; env?: NodeJS.ProcessEnv } = {}): AppCore {
  return createAppCore({
    dataDir,
    migrationsFolder: MIGRATIONS,
    vault: createFileVault(join(dataDir, VAULT_FILE)),
    shell: 'web',
    healthPort: null,
    gdm: false,
    fileLogging: options.fileLogging ?? false,
    env: { RETROVUE_PLEX_TV_URL: 'http://127.0.0.1:1', RETROVUE_ARTWORK_CACHE: 'false', ...options.env },
  });
}

describe('scheduled operations in the app core', () => {
  it('a due cleanup schedule runs the real cleanup: a file_not_found item past retention is archived', async () => {
    const { dir, cleanup } = tempDir('retrovue-core-ops-');
    cleanups.push(cleanup);
    // First start creates the default schedules.
    const first = newCore(dir);
    await first.start();
    await first.stop();

    const store = openStore(join(dir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });
    const now = Date.now();
    const serverId = addServer(store);
    const libraryId = addLibrary(store, serverId, 'movie', '1');
    // Not selected: this test is about the cleanup, not about a first sync against no server.
    store.sqlite.prepare('update libraries set selected = 0 where id = ?').run(libraryId);
    addMovie(store, libraryId, '100', 'Gone Long Ago', {
      state: 'file_not_found',
      stateChangedAt: now - 400 * DAY,
    });
    addMovie(store, libraryId, '101', 'Gone Recently', {
      state: 'file_not_found',
      stateChangedAt: now - DAY,
    });
    const schedule = findSchedule(store.db, null, 'cleanup')!;
    expect(schedule.nextRunAt).toBeGreaterThan(now);
    // The weekly cleanup came due while the app was closed.
    setScheduleNextRun(store.db, schedule.id, now - 60_000);
    store.close();

    const core = newCore(dir);
    const events: ServiceEvent[] = [];
    const finished = new Promise<ServiceEvent>((resolve) => {
      core.events.on('service:event', (e) => {
        events.push(e);
        if (e.type === 'operation' && e.operation === 'cleanup' && e.status !== 'started') resolve(e);
      });
    });
    await core.start();
    cleanups.push(() => core.stop());
    const outcome = await finished;
    expect(outcome).toMatchObject({ type: 'operation', operation: 'cleanup', status: 'finished' });
    expect(outcome.type === 'operation' && outcome.message).toMatch(/^archived 1 item\(s\)/);
    await core.stop();

    const after = openStore(join(dir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });
    try {
      expect(listArchived(after).map((a) => a.title)).toEqual(['Gone Long Ago']);
      expect(after.sqlite.prepare('select title from movies').all()).toEqual([{ title: 'Gone Recently' }]);
      const ran = findSchedule(after.db, null, 'cleanup')!;
      expect(ran.lastStatus).toBe('succeeded');
      expect(ran.nextRunAt).toBeGreaterThan(now);
      // Like `retrovue cleanup`: a backup before removing anything, and a metric row.
      expect(readdirSync(join(dir, 'backups')).some((f) => f.includes('pre-cleanup'))).toBe(true);
      expect(count(after, 'sync_metrics', "operation = 'cleanup'")).toBe(1);
    } finally {
      after.close();
    }
  });
});

describe('logging in the app core', () => {
  it('writes JSON lines to <dataDir>/logs at the configured level, and follows a level change', async () => {
    const { dir, cleanup } = tempDir('retrovue-core-log-');
    cleanups.push(cleanup);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const core = newCore(dir, { fileLogging: true });
    await core.start();
    cleanups.push(() => core.stop());
    const file = join(dir, 'logs', 'retrovue.log');
    const read = () =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { level: string; scope?: string; msg: string });
    // The service reports its state changes at info.
    expect(read()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'info', scope: 'service.service', msg: 'state' }),
      ]),
    );
    expect(core.info.logDir).toBe(join(dir, 'logs'));

    await core.handlers['config:update']({ log_level: 'warn' });
    const before = read().length;
    await core.handlers['sync:pause'](undefined);
    await core.handlers['sync:resume'](undefined);
    expect(read()).toHaveLength(before);
    await core.handlers['config:update']({ log_level: 'info' });
    await core.handlers['sync:pause'](undefined);
    expect(
      read()
        .slice(before)
        .map((l) => l.msg),
    ).toEqual(expect.arrayContaining(['paused']));
  });
});
