// RetroVueApi over the `retrovue serve` websocket (src-shared/ipc/ws-protocol.ts): the browser twin
// of the Electron preload. Calls made while the socket is down wait and go out on reconnect.
import { backoffDelay } from '../../src-shared/backoff';
import {
  ApiCallError,
  unwrapResult,
  type Channel,
  type EventMap,
  type EventName,
  type RequestOf,
  type ResponseMap,
  type RetroVueApi,
} from '../../src-shared/ipc/contract';
import {
  ACCESS_PARAM,
  decodeServerMessage,
  encodeRequest,
  isWsEvent,
  WS_PATH,
} from '../../src-shared/ipc/ws-protocol';

export type BridgeStatus = 'connecting' | 'open' | 'closed';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The minimal WebSocket surface used, so tests can pass another implementation. */
export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface WebBridgeOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  /** Upper bound of the reconnect back-off. */
  maxRetryMs?: number;
}

const OPEN = 1;
const TOKEN_KEY = 'retrovue.access';

/** Reads `?access=` once, keeps it for reloads in this tab and removes it from the address bar. */
export function takeAccessToken(
  loc: Location = window.location,
  storage: Storage = window.sessionStorage,
): string | null {
  const params = new URLSearchParams(loc.search);
  const fromUrl = params.get(ACCESS_PARAM);
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    params.delete(ACCESS_PARAM);
    const search = params.toString();
    window.history.replaceState(null, '', `${loc.pathname}${search ? `?${search}` : ''}${loc.hash}`);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

export function webSocketUrl(loc: Location, token: string | null): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?${ACCESS_PARAM}=${encodeURIComponent(token)}` : '';
  return `${scheme}//${loc.host}${WS_PATH}${query}`;
}

export class WebBridge implements RetroVueApi {
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly outbox: string[] = [];
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private readonly statusListeners = new Set<(status: BridgeStatus) => void>();
  /** Reconnects since the socket last opened (the back-off step). */
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByUser = false;
  status: BridgeStatus = 'connecting';

  constructor(private readonly options: WebBridgeOptions) {
    this.connect();
  }

  invoke<C extends Channel>(
    channel: C,
    ...request: RequestOf<C> extends undefined ? [] : [RequestOf<C>]
  ): Promise<ResponseMap[C]> {
    const id = this.nextId++;
    const message = encodeRequest(id, channel, request[0]);
    return new Promise<ResponseMap[C]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.socket && this.socket.readyState === OPEN) this.socket.send(message);
      else this.outbox.push(message);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  onStatus(listener: (status: BridgeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  close(): void {
    this.closedByUser = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.failPending('The connection to RetroVue was closed.');
  }

  private connect(): void {
    const create =
      this.options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
    const socket = create(this.options.url);
    this.socket = socket;
    this.setStatus('connecting');
    socket.onopen = () => {
      this.retries = 0;
      this.setStatus('open');
      for (const message of this.outbox.splice(0)) socket.send(message);
    };
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.setStatus('closed');
      // Requests in flight died with the socket; those not yet sent wait in the outbox.
      this.failPending('The connection to RetroVue was lost; retrying.');
      if (!this.closedByUser) {
        const wait = backoffDelay(this.retries++, {
          initialMs: 500,
          maxMs: this.options.maxRetryMs ?? 10_000,
        });
        this.retryTimer = setTimeout(() => this.connect(), wait);
      }
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    const message = decodeServerMessage(data);
    if (!message) return;
    if (isWsEvent(message)) {
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    const pending = message.id === null ? undefined : this.pending.get(message.id);
    if (!pending || message.id === null) return;
    this.pending.delete(message.id);
    try {
      pending.resolve(unwrapResult(message.result));
    } catch (error) {
      pending.reject(error);
    }
  }

  private failPending(message: string): void {
    const error = new ApiCallError({ code: 'DISCONNECTED', message });
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private setStatus(status: BridgeStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
