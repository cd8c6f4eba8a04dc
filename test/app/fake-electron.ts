// A stand-in for the `electron` module (no binary here): just enough of app, BrowserWindow,
// ipcMain/ipcRenderer, Tray, Menu, shell, Notification, safeStorage, dialog and contextBridge for
// the shell's wiring to run under Node. ipcRenderer.invoke reaches ipcMain's handler with the
// sender set to the window that loaded the page, as Electron does.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeFrame {
  url: string;
}

let nextId = 1;

export class FakeSession {
  headersListener:
    | ((
        details: { responseHeaders?: Record<string, string[]> },
        cb: (r: { responseHeaders: Record<string, string[]> }) => void,
      ) => void)
    | null = null;
  permissionHandler: ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void) | null =
    null;
  webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: NonNullable<FakeSession['permissionHandler']>): void {
    this.permissionHandler = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  mainFrame: FakeFrame = { url: 'about:blank' };
  session = new FakeSession();
  sent: unknown[][] = [];
  windowOpenHandler: ((d: { url: string }) => { action: 'deny' | 'allow' }) | null = null;
  destroyed = false;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  setWindowOpenHandler(handler: NonNullable<FakeWebContents['windowOpenHandler']>): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  loaded: string | null = null;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadFile(file: string): Promise<void> {
    this.loaded = pathToFileURL(file).href;
    this.webContents.mainFrame = { url: this.loaded };
    this.emit('ready-to-show');
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.mainFrame = { url };
    this.emit('ready-to-show');
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What the close button does: 'close' can be prevented; otherwise the window is gone. */
  close(): void {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

type InvokeHandler = (
  event: { sender: FakeWebContents; senderFrame: FakeFrame | null },
  ...args: unknown[]
) => unknown;

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
};

class FakeApp extends EventEmitter {
  lock = true;
  quitCalls = 0;
  quitted = false;
  loginItem: unknown = null;
  requestSingleInstanceLock = vi.fn(() => this.lock);
  whenReady = vi.fn(() => Promise.resolve());
  setLoginItemSettings = vi.fn((s: unknown) => {
    this.loginItem = s;
  });
  exit = vi.fn();
  /** Electron's quit: 'before-quit' may be prevented; else the app quits. */
  quit = vi.fn(() => {
    this.quitCalls += 1;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  });
}

export const app = new FakeApp();

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: unknown;
  tooltip = '';
  menu: { items: Record<string, unknown>[] } | null = null;
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  setImage(image: unknown): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: Record<string, unknown>[] }): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export const Menu = { buildFromTemplate: (items: Record<string, unknown>[]) => ({ items }) };
export const nativeImage = { createFromPath: (path: string) => ({ path }) };
export const shell = {
  openExternal: vi.fn(() => Promise.resolve()),
  openPath: vi.fn(() => Promise.resolve('')),
};

export class Notification extends EventEmitter {
  static shown: { title: string; body: string }[] = [];
  static isSupported = () => true;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    Notification.shown.push({ title: this.options.title, body: this.options.body });
  }
}

export const safeStorage = {
  available: true,
  isEncryptionAvailable(): boolean {
    return this.available;
  },
  // Reversible and visibly not plaintext: enough to tell encrypted from plain entries.
  encryptString: (plain: string) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
  decryptString: (data: Buffer) => Buffer.from(data.toString().replace(/^enc:/, ''), 'hex').toString(),
};

export const dialog = { showMessageBox: vi.fn(async () => ({ response: 1, checkboxChecked: false })) };

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(name: string, api: unknown): void {
    this.exposed.set(name, api);
  },
};

/** The web contents whose page the fake ipcRenderer speaks for. */
export const rendererHost: { contents: FakeWebContents | null } = { contents: null };
const rendererListeners = new EventEmitter();

export const ipcRenderer = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = ipcMain.handlers.get(channel);
    if (!handler) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    const sender = rendererHost.contents;
    if (!sender) return Promise.reject(new Error('no page'));
    return Promise.resolve(handler({ sender, senderFrame: sender.mainFrame }, ...args));
  },
  on(channel: string, listener: (...args: unknown[]) => void): void {
    rendererListeners.on(channel, listener);
  },
  removeListener(channel: string, listener: (...args: unknown[]) => void): void {
    rendererListeners.off(channel, listener);
  },
  listenerCount(channel: string): number {
    return rendererListeners.listenerCount(channel);
  },
  /** What main's webContents.send delivers to the page. */
  deliver(channel: string, ...args: unknown[]): void {
    rendererListeners.emit(channel, {}, ...args);
  },
};

export const BrowserWindow = FakeBrowserWindow;

type ProtocolHandler = (request: { url: string }) => Promise<Response>;
export const protocol = {
  privileged: [] as { scheme: string; privileges: Record<string, boolean> }[],
  handlers: new Map<string, ProtocolHandler>(),
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void {
    protocol.privileged.push(...schemes);
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    protocol.handlers.set(scheme, handler);
  },
};

export const electron = {
  app,
  BrowserWindow,
  ipcMain,
  ipcRenderer,
  Tray,
  Menu,
  nativeImage,
  shell,
  Notification,
  safeStorage,
  dialog,
  contextBridge,
  protocol,
};
