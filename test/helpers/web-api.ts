// The app's public API as `retrovue serve` (and the headless `npm start`) offers it: the typed channels
// over the websocket bridge, called the way the browser renderer calls them.
import WebSocket from 'ws';
import type { Channel, EventMap, EventName, RequestOf, ResponseMap } from '../../src-shared/ipc/contract';
import { ACCESS_PARAM, encodeRequest, WS_PATH, type WsServerMessage } from '../../src-shared/ipc/ws-protocol';

export interface WebApi {
  call<C extends Channel>(channel: C, request?: RequestOf<C>): Promise<ResponseMap[C]>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  close(): void;
}

/** Connects to the page URL printed at start (`http://127.0.0.1:PORT/?access=TOKEN`). */
export async function connectWebApi(pageUrl: string): Promise<WebApi> {
  const page = new URL(pageUrl);
  const token = page.searchParams.get(ACCESS_PARAM) ?? '';
  const socket = new WebSocket(`ws://${page.host}${WS_PATH}?${ACCESS_PARAM}=${encodeURIComponent(token)}`, {
    origin: page.origin,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as WsServerMessage;
    if ('event' in message) {
      for (const l of listeners.get(message.event) ?? []) l(message.payload);
      return;
    }
    const waiter = message.id === null ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.result.ok) waiter.resolve(message.result.value);
    else waiter.reject(new Error(`${message.result.error.code}: ${message.result.error.message}`));
  });
  socket.on('close', () => {
    for (const w of pending.values()) w.reject(new Error('the app closed the connection'));
    pending.clear();
  });
  return {
    call<C extends Channel>(channel: C, request?: RequestOf<C>) {
      const id = nextId++;
      return new Promise<ResponseMap[C]>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        socket.send(encodeRequest(id, channel, request));
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    close: () => socket.close(),
  };
}
