// The one IPC entry point: a generic invoke over IPC_INVOKE_CHANNEL, accepted only from our own
// window's main frame showing our own page, validated against the contract before any handler
// runs. Events go the other way over IPC_EVENT_CHANNEL, once each (progress is throttled where runs
// make it: sync/progress.ts).
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import {
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  type ApiHandlers,
  type IpcResult,
} from '../../src-shared/ipc/contract';
import { dispatch } from '../core/api/dispatch';
import type { EventBus } from '../core/api/event-bus';
import { getLogger } from '../core/logging/logger';

const log = getLogger('ipc');

export interface IpcOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  handlers: ApiHandlers;
  /** The window allowed to call (null while none is open). */
  window: () => BrowserWindow | null;
  /** True for our page's URL (file:// index.html or the dev server). */
  isAppUrl: (url: string) => boolean;
}

export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  win: BrowserWindow | null,
  isAppUrl: (url: string) => boolean,
): boolean {
  if (!win || win.isDestroyed()) return false;
  const frame: WebFrameMain | null = event.senderFrame;
  if (!frame) return false;
  return event.sender === win.webContents && frame === win.webContents.mainFrame && isAppUrl(frame.url);
}

/** Registers the invoke handler; returns the function that removes it. */
export function registerIpc(opts: IpcOptions): () => void {
  opts.ipcMain.handle(
    IPC_INVOKE_CHANNEL,
    async (event, channel: unknown, request: unknown): Promise<IpcResult<unknown>> => {
      if (!isTrustedSender(event, opts.window(), opts.isAppUrl)) {
        log.warn('refused IPC from an unknown frame', { url: event.senderFrame?.url ?? null });
        return {
          ok: false,
          error: { code: 'FORBIDDEN', message: 'this frame may not call the RetroVue API' },
        };
      }
      return dispatch(opts.handlers, channel, request);
    },
  );
  return () => opts.ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}

/** Sends every core event to the window, once each (progress comes throttled from the run). */
export function forwardEventsToWindow(events: EventBus, window: () => BrowserWindow | null): () => void {
  return events.onAny((event, payload) => {
    const win = window();
    if (!win || win.isDestroyed() || win.webContents.isDestroyed()) return;
    win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });
}
