// The Electron shell's wiring, run under Node with a stand-in `electron` module.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiCallError,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  requestSchemas,
  reviveApiError,
  type ApiHandlers,
  type Channel,
  type IpcResult,
  type RetroVueApi,
} from '../../src-shared/ipc/contract';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import type { HealthStatus } from '../../src-shared/service-events';
import { createEventBus } from '../../src-main/core/api/event-bus';
import { tempDir } from '../helpers/temp';
import * as fake from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const { webPreferences, createMainWindow, isAppUrl } = await import('../../src-main/app/window');
const { registerIpc, forwardEventsToWindow } = await import('../../src-main/app/ipc');
const { acquireSingleInstance } = await import('../../src-main/app/single-instance');
const { createTray, trayMenuTemplate, trayStateOf } = await import('../../src-main/app/tray');
const { createNotifier } = await import('../../src-main/app/notifications');
const { createSafeStorageVault } = await import('../../src-main/app/safe-storage-vault');

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeEach(() => {
  fake.ipcMain.handlers.clear();
  fake.app.removeAllListeners();
  fake.app.lock = true;
  fake.app.quitted = false;
  fake.FakeBrowserWindow.instances.length = 0;
  fake.Tray.instances.length = 0;
  fake.Notification.shown.length = 0;
  fake.shell.openExternal.mockClear();
  fake.app.quit.mockClear();
  fake.dialog.showMessageBox.mockClear();
  fake.safeStorage.available = true;
});

function rendererFile(): string {
  const { dir, cleanup } = tempDir('retrovue-renderer-');
  cleanups.push(cleanup);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>RetroVue</title>');
  return join(dir, 'index.html');
}

/** Every channel with an argument its schema accepts. */
const GOOD: Record<Channel, unknown> = {
  'app:info': undefined,
  'app:openPath': { which: 'logs' },
  'health:get': undefined,
  'account:get': undefined,
  'account:logout': undefined,
  'login:start': undefined,
  'login:cancel': undefined,
  'login:status': undefined,
  'servers:list': undefined,
  'servers:refresh': undefined,
  'servers:addManual': { url: 'http://127.0.0.1:32400', token: 'abcdef' },
  'servers:remove': { serverId: 1 },
  'libraries:list': undefined,
  'libraries:refresh': { serverId: 1 },
  'libraries:select': { libraryIds: [1, 2], selected: true },
  'paths:check': { libraryId: 1 },
  'status:libraries': undefined,
  'schedules:extras': undefined,
  'paths:recheck': undefined,
  'status:recentChanges': undefined,
  'paths:folderExists': { path: '/tmp' },
  'sync:start': {},
  'sync:cancel': { libraryId: 1 },
  'sync:pause': undefined,
  'sync:resume': undefined,
  'sync:queue': undefined,
  'schedules:list': undefined,
  'schedules:update': { id: 1, enabled: false },
  'schedules:describe': { cron: '0 3 * * *' },
  'errors:list': {},
  'errors:resolve': { ids: [1] },
  'errors:retry': { id: 1 },
  'stats:get': { since: 0 },
  'items:search': { kind: 'movie' },
  'items:get': { kind: 'movie', id: 3 },
  'items:history': { kind: 'movie', id: 3 },
  'runs:undo': { runId: 2 },
  'deletions:confirm': { libraryId: 1, heldAt: 5 },
  'deletions:keep': { libraryId: 1, heldAt: 5 },
  'config:get': undefined,
  'config:update': { concurrent_scans: 3 },
};

const CHANNELS = Object.keys(requestSchemas) as Channel[];

function spyHandlers(): ApiHandlers & Record<Channel, ReturnType<typeof vi.fn>> {
  return Object.fromEntries(CHANNELS.map((c) => [c, vi.fn(() => ({ channel: c }))])) as never;
}

describe('main window', () => {
  it('runs the page isolated: context isolation, sandbox, no Node, web security on', () => {
    const file = rendererFile();
    const win = createMainWindow({
      preloadPath: '/app/preload.js',
      renderer: { file },
      closeToTray: () => true,
      isQuitting: () => false,
    }) as unknown as fake.FakeBrowserWindow;
    const prefs = win.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(webPreferences('/x').allowRunningInsecureContent).toBe(false);
    expect(win.loaded).toBe(pathToFileURL(file).href);
  });

  it('adds the strict CSP to responses and denies permission requests', () => {
    const win = createMainWindow({
      preloadPath: '/p.js',
      renderer: { file: rendererFile() },
      closeToTray: () => true,
      isQuitting: () => false,
    }) as unknown as fake.FakeBrowserWindow;
    let headers: Record<string, string[]> = {};
    win.webContents.session.headersListener!(
      { responseHeaders: { 'X-Other': ['1'] } },
      (r) => (headers = r.responseHeaders),
    );
    const csp = headers['Content-Security-Policy']![0]!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(headers['X-Other']).toEqual(['1']);
    let granted: boolean | null = null;
    win.webContents.session.permissionHandler!(null, 'notifications', (g) => (granted = g));
    expect(granted).toBe(false);
  });

  it('blocks navigation away from the app and opens only https Plex links outside', () => {
    const file = rendererFile();
    const win = createMainWindow({
      preloadPath: '/p.js',
      renderer: { file },
      closeToTray: () => true,
      isQuitting: () => false,
    }) as unknown as fake.FakeBrowserWindow;
    const navigate = (url: string) => {
      const e = new fake.FakeEvent();
      win.webContents.emit('will-navigate', e, url);
      return e.defaultPrevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate(`${pathToFileURL(file).href}#/settings`)).toBe(false);

    const open = win.webContents.windowOpenHandler!;
    expect(open({ url: 'https://app.plex.tv/desktop' })).toEqual({ action: 'deny' });
    expect(fake.shell.openExternal).toHaveBeenCalledWith('https://app.plex.tv/desktop');
    fake.shell.openExternal.mockClear();
    for (const url of [
      'http://plex.tv/',
      'https://evil.example/',
      'https://plex.tv.evil.example/',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ]) {
      expect(open({ url })).toEqual({ action: 'deny' });
    }
    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });

  it('closing hides the window to the tray unless the app is quitting or close_to_tray is off', () => {
    let quitting = false;
    let toTray = true;
    const win = createMainWindow({
      preloadPath: '/p.js',
      renderer: { file: rendererFile() },
      closeToTray: () => toTray,
      isQuitting: () => quitting,
    }) as unknown as fake.FakeBrowserWindow;
    expect(win.visible).toBe(true);
    win.close();
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
    toTray = false;
    win.close();
    expect(win.destroyed).toBe(true);

    const win2 = createMainWindow({
      preloadPath: '/p.js',
      renderer: { file: rendererFile() },
      closeToTray: () => true,
      isQuitting: () => quitting,
    }) as unknown as fake.FakeBrowserWindow;
    quitting = true;
    win2.close();
    expect(win2.destroyed).toBe(true);
  });

  it('recognises its own page only', () => {
    const file = rendererFile();
    expect(isAppUrl(pathToFileURL(file).href, { file })).toBe(true);
    expect(isAppUrl('file:///other/index.html', { file })).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/x', { devServerUrl: 'http://localhost:5173/' })).toBe(true);
    expect(isAppUrl('http://localhost:5174/', { devServerUrl: 'http://localhost:5173/' })).toBe(false);
  });
});

/** A main window with the IPC handlers registered against spy handlers. */
function setupIpc() {
  const file = rendererFile();
  const win = createMainWindow({
    preloadPath: '/p.js',
    renderer: { file },
    closeToTray: () => true,
    isQuitting: () => false,
  }) as unknown as fake.FakeBrowserWindow;
  const handlers = spyHandlers();
  registerIpc({
    ipcMain: fake.ipcMain as never,
    handlers,
    window: () => win as never,
    isAppUrl: (u) => isAppUrl(u, { file }),
  });
  const invoke = fake.ipcMain.handlers.get(IPC_INVOKE_CHANNEL)!;
  const call = (
    channel: unknown,
    request: unknown,
    sender = win.webContents,
    frame: fake.FakeFrame | null = win.webContents.mainFrame,
  ) => invoke({ sender, senderFrame: frame }, channel, request) as Promise<IpcResult<unknown>>;
  return { win, handlers, call };
}

describe('IPC', () => {
  it('registers one generic invoke channel that reaches every channel of the contract', async () => {
    const { handlers, call } = setupIpc();
    expect([...fake.ipcMain.handlers.keys()]).toEqual([IPC_INVOKE_CHANNEL]);
    for (const channel of CHANNELS) {
      const result = await call(channel, GOOD[channel]);
      expect(result, channel).toEqual({ ok: true, value: { channel } });
      expect(handlers[channel], channel).toHaveBeenCalledTimes(1);
    }
    // Defaults from the schema are applied before the handler sees the request.
    expect(handlers['items:search']).toHaveBeenCalledWith({ kind: 'movie', limit: 50, offset: 0 });
    expect(handlers['sync:start']).toHaveBeenCalledWith({ kind: 'incremental' });
  });

  it('rejects bad arguments on every channel with a typed error, without calling the handler', async () => {
    const { handlers, call } = setupIpc();
    for (const channel of CHANNELS) {
      const result = await call(channel, 12345);
      expect(result.ok, channel).toBe(false);
      if (!result.ok) {
        expect(result.error.code, channel).toBe('INVALID_ARGUMENT');
        expect(result.error.message, channel).toContain(channel);
        expect(result.error.issues?.length, channel).toBeGreaterThan(0);
      }
      expect(handlers[channel], channel).not.toHaveBeenCalled();
    }
    const huge = await call('libraries:select', {
      libraryIds: Array.from({ length: 5000 }, (_, i) => i + 1),
      selected: true,
    });
    expect(huge.ok).toBe(false);
    const negative = await call('items:get', { kind: 'movie', id: -4 });
    expect(negative.ok ? null : negative.error.issues?.[0]?.path).toBe('id');
    const unknown = await call('fs:readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });

  it('answers only our window’s main frame showing our page', async () => {
    const { win, handlers, call } = setupIpc();
    const other = new fake.FakeWebContents();
    other.mainFrame = win.webContents.mainFrame;
    expect(await call('app:info', undefined, other, other.mainFrame)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await call('app:info', undefined, win.webContents, { url: win.webContents.mainFrame.url }),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('app:info', undefined, win.webContents, null)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    win.webContents.mainFrame.url = 'https://evil.example/';
    expect(await call('app:info', undefined)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(handlers['app:info']).not.toHaveBeenCalled();
  });

  it('turns a handler failure into a typed error without a stack', async () => {
    const { handlers, call } = setupIpc();
    handlers['servers:list'].mockImplementation(() => {
      throw new Error('boom at /secret/path?X-Plex-Token=abcdefgh123');
    });
    const result = await call('servers:list', undefined);
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom at /secret/path?X-Plex-Token=[redacted]' },
    });
  });

  it('forwards core events to the window on the event channel', () => {
    const win = createMainWindow({
      preloadPath: '/p.js',
      renderer: { file: rendererFile() },
      closeToTray: () => true,
      isQuitting: () => false,
    }) as unknown as fake.FakeBrowserWindow;
    const bus = createEventBus();
    const stop = forwardEventsToWindow(bus, () => win as never);
    bus.emit('config:changed', DEFAULT_CONFIG);
    expect(win.webContents.sent).toEqual([[IPC_EVENT_CHANNEL, 'config:changed', DEFAULT_CONFIG]]);
    stop();
    bus.emit('config:changed', DEFAULT_CONFIG);
    expect(win.webContents.sent).toHaveLength(1);
  });
});

describe('preload', () => {
  it('exposes one typed API object that invokes through main and subscribes to events', async () => {
    const { win, handlers } = setupIpc();
    fake.rendererHost.contents = win.webContents;
    await import('../../src-main/app/preload');
    expect([...fake.contextBridge.exposed.keys()]).toEqual(['retrovue']);
    const api = fake.contextBridge.exposed.get('retrovue') as RetroVueApi;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);

    await expect(api.invoke('app:info')).resolves.toEqual({ channel: 'app:info' });
    await expect(api.invoke('items:get', { kind: 'movie', id: 7 })).resolves.toEqual({
      channel: 'items:get',
    });
    expect(handlers['items:get']).toHaveBeenCalledWith({ kind: 'movie', id: 7 });
    // What crosses the context bridge is plain data (an Error would keep only its message) ...
    const failure = await api.invoke('items:get', { kind: 'movie', id: 0 }).catch((e: unknown) => e);
    expect(structuredClone(failure)).toEqual(failure);
    expect(failure).toMatchObject({
      name: 'ApiCallError',
      code: 'INVALID_ARGUMENT',
      issues: [{ path: 'id' }],
    });
    // ... which the page turns back into the contract's ApiCallError.
    const revived = reviveApiError(failure);
    expect(revived).toBeInstanceOf(ApiCallError);
    expect((revived as ApiCallError).code).toBe('INVALID_ARGUMENT');
    expect((revived as ApiCallError).issues?.[0]?.path).toBe('id');
    expect(reviveApiError(new Error('x'))).toBeInstanceOf(Error);

    const seen: unknown[] = [];
    const before = fake.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL);
    const off = api.on('config:changed', (c) => seen.push(c.concurrent_scans));
    fake.ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'health:changed', {});
    fake.ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'config:changed', { ...DEFAULT_CONFIG, concurrent_scans: 5 });
    expect(seen).toEqual([5]);
    off();
    expect(fake.ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(before);
    fake.ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'config:changed', DEFAULT_CONFIG);
    expect(seen).toEqual([5]);
  });
});

describe('single instance', () => {
  it('a second launch quits and the first one shows its window', () => {
    const onSecond = vi.fn();
    expect(acquireSingleInstance(fake.app as never, onSecond)).toBe(true);
    fake.app.emit('second-instance');
    expect(onSecond).toHaveBeenCalledTimes(1);

    fake.app.lock = false;
    const other = vi.fn();
    expect(acquireSingleInstance(fake.app as never, other)).toBe(false);
    expect(fake.app.quit).toHaveBeenCalled();
  });
});

function health(patch: Partial<HealthStatus> = {}): HealthStatus {
  return {
    ok: true,
    state: 'ok',
    reasons: [],
    service: 'running',
    startedAt: 1,
    heartbeatAt: 2,
    account: { username: 'me', needsLogin: false },
    servers: [],
    libraries: [
      {
        libraryId: 1,
        title: 'Movies',
        lastSuccessAt: Date.now() - 5 * 60_000,
        lastStatus: 'succeeded',
        nextRunAt: null,
      },
    ],
    queue: [],
    databaseOk: true,
    checkedAt: 3,
    ...patch,
  };
}

describe('tray', () => {
  const actions = () => ({ open: vi.fn(), syncAll: vi.fn(), pause: vi.fn(), resume: vi.fn(), quit: vi.fn() });

  it('has Open, Sync all now, Pause/Resume, last sync time and Quit', () => {
    const a = actions();
    const items = trayMenuTemplate(health(), a);
    expect(items.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual([
      'Open RetroVue',
      'Sync all now',
      'Pause syncing',
      'Last sync: 5 min ago',
      'Quit RetroVue',
    ]);
    const byId = (id: string) => items.find((i) => i.id === id)!;
    expect(byId('last-sync').enabled).toBe(false);
    for (const [id, fn] of [
      ['open', a.open],
      ['sync-all', a.syncAll],
      ['pause', a.pause],
      ['quit', a.quit],
    ] as const) {
      (byId(id).click as () => void)();
      expect(fn, id).toHaveBeenCalledTimes(1);
    }
    const paused = trayMenuTemplate(health({ service: 'paused' }), a);
    expect(paused.find((i) => i.id === 'resume')?.label).toBe('Resume syncing');
    expect(paused.find((i) => i.id === 'pause')).toBeUndefined();
    expect(trayMenuTemplate(health({ libraries: [] }), a).find((i) => i.id === 'last-sync')?.label).toBe(
      'Last sync: never',
    );
  });

  it('shows idle, syncing, error and login states with their icons', () => {
    const running = {
      libraryId: 1,
      libraryTitle: 'Movies',
      kind: 'incremental' as const,
      trigger: 'manual' as const,
      status: 'running' as const,
      runId: 1,
      enqueuedAt: 1,
    };
    expect(trayStateOf(health())).toBe('idle');
    expect(trayStateOf(health({ queue: [running] }))).toBe('syncing');
    expect(trayStateOf(health({ ok: false }))).toBe('error');
    expect(trayStateOf(health({ ok: false, account: { username: 'me', needsLogin: true } }))).toBe('login');

    const controller = createTray('/assets', actions());
    const tray = fake.Tray.instances[0]!;
    expect(tray.image).toEqual({ path: join('/assets', 'tray', 'tray-idle.png') });
    controller.update(health({ queue: [running] }));
    expect(tray.image).toEqual({ path: join('/assets', 'tray', 'tray-syncing.png') });
    expect(controller.state).toBe('syncing');
    expect(tray.tooltip).toBe('RetroVue: syncing');
    expect(tray.menu?.items.map((i) => i.id)).toContain('sync-all');
  });
});

describe('notifications', () => {
  it('shows a native notification and opens the window on click', () => {
    const onClick = vi.fn();
    createNotifier(onClick)({
      kind: 'sync_failed',
      title: 'Sync of Movies failed',
      body: 'server unreachable',
    });
    expect(fake.Notification.shown).toEqual([{ title: 'Sync of Movies failed', body: 'server unreachable' }]);
  });
});

describe('safeStorage vault', () => {
  function vaultFile(): string {
    const { dir, cleanup } = tempDir('retrovue-vault-');
    cleanups.push(cleanup);
    mkdirSync(dir, { recursive: true });
    return join(dir, 'tokens.json');
  }

  it('stores tokens encrypted when the OS offers encryption', async () => {
    const file = vaultFile();
    const vault = createSafeStorageVault({ file, window: () => null });
    await vault.set('account:x', 'secret-token-123');
    expect(vault.isEncrypted).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('secret-token-123');
    await expect(vault.get('account:x')).resolves.toBe('secret-token-123');
    expect(fake.dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('asks before storing unencrypted, and stores nothing when the person declines', async () => {
    fake.safeStorage.available = false;
    const file = vaultFile();
    const vault = createSafeStorageVault({ file, window: () => null });
    fake.dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    await expect(vault.set('account:x', 'secret-token-123')).rejects.toMatchObject({
      code: 'VAULT_UNAVAILABLE',
    });
    expect(existsSync(file)).toBe(false);

    fake.dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false });
    await vault.set('account:x', 'secret-token-123');
    await vault.set('server:y', 'other-token-456');
    expect(fake.dialog.showMessageBox).toHaveBeenCalledTimes(2);
    await expect(vault.get('server:y')).resolves.toBe('other-token-456');
  });
});

describe('preload bundle', () => {
  it('needs nothing but electron at runtime (a sandboxed preload cannot require packages)', async () => {
    const { build } = await import('esbuild');
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // The same externals tsup uses for dist/main/preload.js: every dependency, and electron.
    const out = await build({
      entryPoints: [join(__dirname, '..', '..', 'src-main', 'app', 'preload.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
      external: ['electron', ...Object.keys(pkg.dependencies)],
    });
    const code = out.outputFiles[0]!.text;
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
  });
});
