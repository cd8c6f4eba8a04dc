// The main window: a sandboxed, context-isolated renderer with no Node, a strict CSP, no navigation
// away from the app and no new windows (Plex https links go to the system browser).
import { BrowserWindow, shell, type WebPreferences } from 'electron';
import { contentSecurityPolicy } from '../web/csp';
import { isAllowedExternalUrl } from './external-links';

export interface RendererSource {
  /** dist/renderer/index.html (production). */
  file?: string;
  /** The Vite dev server (development). */
  devServerUrl?: string;
}

export interface MainWindowOptions {
  preloadPath: string;
  renderer: RendererSource;
  iconPath?: string;
  /** Read on every close: config close_to_tray. */
  closeToTray: () => boolean;
  /** True once the app is quitting, so close really closes. */
  isQuitting: () => boolean;
}

export function webPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  };
}

/** The origin the renderer is served from: the page URL main trusts for IPC. */
export function rendererUrl(source: RendererSource): string {
  if (source.devServerUrl) return new URL('/', source.devServerUrl).toString();
  if (!source.file) throw new Error('no renderer to load: build it with `npm run build:renderer`');
  return new URL(`file://${source.file.replace(/\\/g, '/').replace(/^(?!\/)/, '/')}`).toString();
}

/** True when `url` is the app's own page (any hash or query on it). */
export function isAppUrl(url: string, source: RendererSource): boolean {
  try {
    const target = new URL(url);
    const own = new URL(rendererUrl(source));
    if (source.devServerUrl) return target.origin === own.origin;
    return target.protocol === 'file:' && target.pathname === own.pathname;
  } catch {
    return false;
  }
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'RetroVue',
    backgroundColor: '#1b1d23',
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    webPreferences: webPreferences(opts.preloadPath),
  });
  const contents = win.webContents;
  const csp = contentSecurityPolicy({
    devServer: opts.renderer.devServerUrl ? new URL(opts.renderer.devServerUrl).origin : null,
  });

  // Pages from a server (the dev server) get the CSP as a header; the built index.html carries it
  // as a meta tag for file:// loads, which have no response headers.
  contents.session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, opts.renderer)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, opts.renderer)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });

  win.on('close', (event) => {
    if (!opts.isQuitting() && opts.closeToTray()) {
      event.preventDefault();
      win.hide();
    }
  });
  win.once('ready-to-show', () => win.show());

  if (opts.renderer.devServerUrl) void win.loadURL(opts.renderer.devServerUrl);
  else if (opts.renderer.file) void win.loadFile(opts.renderer.file);
  return win;
}

export function showWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
