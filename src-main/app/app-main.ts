// The desktop app's lifecycle: one instance, the core started once, the window and tray around it,
// close-to-tray, start-at-login, and a quit that stops the sync service before the process ends.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, ipcMain, protocol, shell, type BrowserWindow } from 'electron';
import { VAULT_FILE } from '../core/account/file-vault';
import { createAppCore, type AppCore, type AppCoreOptions } from '../core/app-core';
import { describeError } from '../core/errors/errors';
import { getLogger } from '../core/logging/logger';
import { defaultDataDir } from '../core/paths';
import { locateRenderer } from '../web/static-files';
import { APP_USER_MODEL_ID } from './app-id';
import { registerArtworkScheme, serveArtwork } from './artwork-protocol';
import { forwardEventsToWindow, registerIpc } from './ipc';
import { applyStartAtLogin } from './login-item';
import { locateElectronBinding } from './native-binding';
import { createNotifier } from './notifications';
import { createSafeStorageVault } from './safe-storage-vault';
import { acquireSingleInstance } from './single-instance';
import { createTray, type TrayController } from './tray';
import { feedTray } from './tray-feed';
import { createMainWindow, isAppUrl, showWindow, type RendererSource } from './window';

const log = getLogger('app');

export interface RunAppOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Replaceable so tests can observe the core the shell drives. */
  createCore?: (options: AppCoreOptions) => AppCore;
}

export interface RunningApp {
  core: AppCore;
  window: () => BrowserWindow | null;
  tray: TrayController | null;
}

/** Icons: resources/assets when packaged (outside the asar archive), the repository's otherwise. */
function locateAssets(): string {
  const candidates = [
    process.resourcesPath ? join(process.resourcesPath, 'assets') : null,
    join(__dirname, '..', '..', 'assets'),
  ].filter((p): p is string => p !== null);
  return candidates.find((p) => existsSync(join(p, 'tray'))) ?? candidates[0]!;
}

function rendererSource(argv: string[], env: NodeJS.ProcessEnv): RendererSource {
  if (argv.includes('--dev'))
    return { devServerUrl: env.RETROVUE_DEV_SERVER_URL ?? 'http://127.0.0.1:5173/' };
  const dir = locateRenderer(env);
  return dir ? { file: join(dir, 'index.html') } : {};
}

/** Starts the app; resolves null in a second instance (which hands over to the first and quits). */
export async function runApp(options: RunAppOptions = {}): Promise<RunningApp | null> {
  const argv = options.argv ?? process.argv;
  const env = options.env ?? process.env;
  let win: BrowserWindow | null = null;
  const getWindow = () => (win && !win.isDestroyed() ? win : null);
  let quitting = false;
  let stopped = false;
  let core: AppCore | null = null;
  let tray: TrayController | null = null;

  const renderer = rendererSource(argv, env);
  const openWindow = (): void => {
    const existing = getWindow();
    if (existing) return showWindow(existing);
    if (!core) return;
    const c = core;
    win = createMainWindow({
      preloadPath: join(__dirname, 'preload.js'),
      renderer,
      iconPath: join(locateAssets(), 'icons', '512x512.png'),
      isQuitting: () => quitting,
      closeToTray: () => c.config().close_to_tray,
    });
    win.on('closed', () => {
      win = null;
    });
  };

  if (!acquireSingleInstance(app, () => openWindow())) return null;
  // Windows shows notifications only for an app with an AppUserModelID (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped || !core) return;
    // Hold the quit until the service has stopped: runs in flight end at a safe point.
    event.preventDefault();
    const c = core;
    core = null;
    tray?.destroy();
    void c
      .stop()
      .catch((err: unknown) => log.error('stopping the core failed', { error: describeError(err) }))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  app.on('window-all-closed', () => {
    // With close-to-tray the window only hides; reaching here means the person closed it for good.
    if (!core || !core.config().close_to_tray) app.quit();
  });
  app.on('activate', () => openWindow());

  registerArtworkScheme(protocol);
  await app.whenReady();
  const dataDir = defaultDataDir(env);
  const make = options.createCore ?? createAppCore;
  const created = make({
    dataDir,
    sqliteBinding: locateElectronBinding({
      env,
      electronVersion: process.versions.electron,
      packagedResources: app.isPackaged ? process.resourcesPath : null,
      projectDir: join(__dirname, '..', '..'),
    }),
    shell: 'electron',
    vault: createSafeStorageVault({ file: join(dataDir, VAULT_FILE), window: getWindow }),
    openExternal: (url) => shell.openExternal(url),
    openPath: async (path) => {
      const error = await shell.openPath(path);
      if (error) throw new Error(error);
    },
    notify: createNotifier(() => openWindow()),
    env,
  });
  core = created;
  await created.start();
  serveArtwork(protocol, created.artwork);

  registerIpc({
    ipcMain,
    handlers: created.handlers,
    window: getWindow,
    isAppUrl: (url) => isAppUrl(url, renderer),
  });
  forwardEventsToWindow(created.events, getWindow);

  applyStartAtLogin(app, created.config().start_at_login);
  created.events.on('config:changed', (c) => applyStartAtLogin(app, c.start_at_login));

  const run = (what: string, fn: () => unknown): void => {
    Promise.resolve()
      .then(fn)
      .catch((err: unknown) => log.warn(`tray: ${what} failed`, { error: describeError(err) }));
  };
  tray = createTray(locateAssets(), {
    open: () => openWindow(),
    syncAll: () => run('sync all', () => created.handlers['sync:start']({ kind: 'incremental' })),
    pause: () => run('pause', () => created.handlers['sync:pause'](undefined)),
    resume: () => run('resume', () => created.handlers['sync:resume'](undefined)),
    quit: () => app.quit(),
    openErrors: () => {
      openWindow();
      run('open errors', () => getWindow()?.webContents.executeJavaScript("location.hash = '#/errors'"));
    },
    openDataFolder: () => run('open data folder', () => created.handlers['app:openPath']({ which: 'data' })),
  });
  await feedTray(created, tray);

  if (!argv.includes('--hidden')) openWindow();
  return { core: created, window: getWindow, tray };
}
