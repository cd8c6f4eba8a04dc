// The only bridge between the page and main: one object, `window.retrovue`, typed by the contract.
// It can call the generic invoke channel and listen to the event channel, nothing else. A failed
// call rejects with a SerializedApiError (transport.ts); the page revives it with reviveApiError.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Channel, EventMap, EventName, ResponseMap, RetroVueApi } from '../../src-shared/ipc/contract';
// Only the zod-free transport at runtime: a sandboxed preload cannot require npm packages.
import {
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  serializeApiError,
  type IpcResult,
} from '../../src-shared/ipc/transport';

const api = {
  async invoke<C extends Channel>(channel: C, ...request: unknown[]): Promise<ResponseMap[C]> {
    const result = (await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, channel, request[0])) as IpcResult<
      ResponseMap[C]
    >;
    if (result.ok) return result.value;
    // Rejecting with an Error would lose code and issues on the way through the context bridge.
    throw serializeApiError(result.error);
  },
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload as EventMap[E]);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
} satisfies RetroVueApi;

contextBridge.exposeInMainWorld('retrovue', api);
