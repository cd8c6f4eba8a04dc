// The desktop app's lifecycle with the stand-in electron module and a real core: start, window,
// IPC, tray, start-at-login, close-to-tray, and quit stopping the sync service first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_INVOKE_CHANNEL, type IpcResult } from '../../src-shared/ipc/contract';
import { createAppCore, type AppCore, type AppCoreOptions } from '../../src-main/core/app-core';
import { openStore } from '../../src-main/core/store/database';
import { getService } from '../../src-main/core/store/repositories/service-repository';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import * as fake from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const { runApp } = await import('../../src-main/app/app-main');

let cleanup: (() => void) | null = null;
beforeEach(() => {
  fake.ipcMain.handlers.clear();
  fake.app.removeAllListeners();
  fake.app.lock = true;
  fake.app.quitted = false;
  fake.app.quit.mockClear();
  fake.app.setLoginItemSettings.mockClear();
  fake.FakeBrowserWindow.instances.length = 0;
  fake.Tray.instances.length = 0;
});
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

function environment(): { env: NodeJS.ProcessEnv; dataDir: string } {
  const t = tempDir('retrovue-app-');
  cleanup = t.cleanup;
  const rendererDir = join(t.dir, 'renderer');
  const dataDir = join(t.dir, 'data');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>RetroVue</title>');
  return {
    dataDir,
    env: {
      RETROVUE_DATA_DIR: dataDir,
      RETROVUE_RENDERER_DIR: rendererDir,
      RETROVUE_MIGRATIONS_DIR: MIGRATIONS,
      RETROVUE_HEALTH_PORT: '0',
      RETROVUE_PLEX_TV_URL: 'http://127.0.0.1:1',
    },
  };
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('desktop app lifecycle', () => {
  it('starts the core, opens the window, wires IPC and the tray, and stops the service on quit', async () => {
    const { env, dataDir } = environment();
    let core: AppCore | null = null;
    const stop = vi.fn();
    const running = await runApp({
      argv: ['electron', 'main.js'],
      env,
      createCore: (o: AppCoreOptions) => {
        core = createAppCore({ ...o, fileLogging: false, gdm: false });
        const realStop = core.stop.bind(core);
        return Object.assign(core, { stop: () => (stop(), realStop()) });
      },
    });
    expect(running).not.toBeNull();
    expect(core).not.toBeNull();

    const win = fake.FakeBrowserWindow.instances[0]!;
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.js$/);
    expect(win.loaded).toMatch(/^file:.*index\.html$/);
    expect(win.visible).toBe(true);

    // The page can call the API through the one invoke channel.
    const invoke = fake.ipcMain.handlers.get(IPC_INVOKE_CHANNEL)!;
    const info = (await invoke(
      { sender: win.webContents, senderFrame: win.webContents.mainFrame },
      'app:info',
      undefined,
    )) as IpcResult<{ shell: string; dataDir: string }>;
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron', dataDir } });

    // Tray with its menu.
    const tray = fake.Tray.instances[0]!;
    expect(tray.menu?.items.map((i) => i.id).filter(Boolean)).toEqual([
      'open',
      'sync-all',
      'pause',
      'pause-for',
      'last-sync',
      'data-folder',
      'quit',
    ]);
    (tray.menu!.items.find((i) => i.id === 'pause')!.click as () => void)();
    await until(() => tray.menu!.items.some((i) => i.id === 'resume'));
    (tray.menu!.items.find((i) => i.id === 'resume')!.click as () => void)();
    await until(() => tray.menu!.items.some((i) => i.id === 'pause'));

    // Start at login follows the setting.
    expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith(
      expect.objectContaining({ openAtLogin: false }),
    );
    await invoke({ sender: win.webContents, senderFrame: win.webContents.mainFrame }, 'config:update', {
      start_at_login: true,
    });
    expect(fake.app.setLoginItemSettings).toHaveBeenLastCalledWith(
      expect.objectContaining({ openAtLogin: true }),
    );

    // Closing hides to the tray (close_to_tray defaults to true); the service keeps running.
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    fake.app.emit('second-instance');
    expect(win.visible).toBe(true);

    // Quit: held until the service has stopped, then the app really quits.
    fake.app.quit();
    expect(fake.app.quitted).toBe(false);
    await until(() => fake.app.quitted);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(tray.destroyed).toBe(true);
    const store = openStore(join(dataDir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });
    try {
      expect(getService(store.db, 'sync')?.status).toBe('stopped');
    } finally {
      store.close();
    }
  });

  it('a second instance hands over to the first and quits without starting anything', async () => {
    const { env } = environment();
    fake.app.lock = false;
    const createCore = vi.fn();
    expect(await runApp({ argv: [], env, createCore })).toBeNull();
    expect(createCore).not.toHaveBeenCalled();
    expect(fake.app.quit).toHaveBeenCalled();
    expect(fake.FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('starts hidden in the tray when launched at login', async () => {
    const { env } = environment();
    let core: AppCore | null = null;
    await runApp({
      argv: ['--hidden'],
      env,
      createCore: (o) => (core = createAppCore({ ...o, fileLogging: false, gdm: false })),
    });
    expect(fake.FakeBrowserWindow.instances).toHaveLength(0);
    expect(fake.Tray.instances).toHaveLength(1);
    fake.app.quit();
    await until(() => fake.app.quitted);
    expect(core).not.toBeNull();
  });

  it('opens the database with the better-sqlite3 build the launcher passes in RETROVUE_SQLITE_BINDING', async () => {
    const { env } = environment();
    // Under plain Node the Node build stands in for the Electron one: what matters is that the core loads it.
    const binding = join(
      __dirname,
      '..',
      '..',
      'node_modules',
      'better-sqlite3',
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const seen: AppCoreOptions[] = [];
    await runApp({
      argv: ['--hidden'],
      env: { ...env, RETROVUE_SQLITE_BINDING: binding },
      createCore: (o) => (seen.push(o), createAppCore({ ...o, fileLogging: false, gdm: false })),
    });
    expect(seen.map((o) => o.sqliteBinding)).toEqual([binding]);
    fake.app.quit();
    await until(() => fake.app.quitted);

    // A binding that is not there stops the start with the reason, rather than a silent default.
    fake.app.quitted = false;
    fake.app.removeAllListeners();
    await expect(
      runApp({
        argv: ['--hidden'],
        env: { ...env, RETROVUE_SQLITE_BINDING: join(env.RETROVUE_DATA_DIR!, 'nope.node') },
        createCore: (o) => createAppCore({ ...o, fileLogging: false, gdm: false }),
      }),
    ).rejects.toThrow(/nope\.node/);
  });
});
