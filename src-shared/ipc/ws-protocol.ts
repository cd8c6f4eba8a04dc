// The websocket bridge of `retrovue serve`: the same typed API as the Electron preload, carried as
// JSON messages. Browser-safe (no Node): the server and the renderer's web bridge both use it.
//
//   client → server  {id, channel, request?}      one call; `request` omitted for no-argument channels
//   server → client  {id, result: IpcResult}       its answer (id null when the message was unreadable)
//   server → client  {event, payload}              an EventMap event (progress throttled per run)
//
// The page is opened as http://127.0.0.1:PORT/?access=TOKEN; the websocket connects to
// ws://127.0.0.1:PORT/ws?access=TOKEN (the token from the page's own URL). Without it: 403.
import {
  EVENT_NAMES,
  type Channel,
  type EventMap,
  type EventName,
  type IpcError,
  type IpcResult,
  type RequestOf,
} from './contract';

export const WS_PATH = '/ws';
/** Query parameter carrying the access token, on the page URL and on the websocket URL. */
export const ACCESS_PARAM = 'access';
/** The server refuses bigger messages. */
export const WS_MAX_MESSAGE_BYTES = 1024 * 1024;

export interface WsRequest<C extends Channel = Channel> {
  id: number;
  channel: C;
  request?: RequestOf<C>;
}

export interface WsResponse<T = unknown> {
  id: number | null;
  result: IpcResult<T>;
}

export interface WsEvent<E extends EventName = EventName> {
  event: E;
  payload: EventMap[E];
}

export type WsServerMessage = WsResponse | WsEvent;

export function encodeRequest<C extends Channel>(id: number, channel: C, request?: RequestOf<C>): string {
  const message: WsRequest<C> = request === undefined ? { id, channel } : { id, channel, request };
  return JSON.stringify(message);
}

export function encodeResponse(id: number | null, result: IpcResult<unknown>): string {
  return JSON.stringify({ id, result } satisfies WsResponse);
}

export function encodeEvent<E extends EventName>(event: E, payload: EventMap[E]): string {
  return JSON.stringify({ event, payload } satisfies WsEvent<E>);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a client message. The channel is checked by the server's dispatcher (unknown channel,
 * invalid argument); here only the envelope: an integer id and a string channel.
 */
export function decodeRequest(
  text: string,
):
  | { ok: true; id: number; channel: string; request: unknown }
  | { ok: false; id: number | null; error: IpcError } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: { code: 'BAD_MESSAGE', message: 'message is not JSON' } };
  }
  if (!isRecord(parsed))
    return { ok: false, id: null, error: { code: 'BAD_MESSAGE', message: 'message is not an object' } };
  const id = Number.isSafeInteger(parsed.id) ? (parsed.id as number) : null;
  if (id === null)
    return { ok: false, id: null, error: { code: 'BAD_MESSAGE', message: 'message id must be an integer' } };
  if (typeof parsed.channel !== 'string')
    return { ok: false, id, error: { code: 'BAD_MESSAGE', message: 'message channel must be a string' } };
  return { ok: true, id, channel: parsed.channel, request: parsed.request };
}

/** Reads a server message on the client; null for anything that is neither a response nor an event. */
export function decodeServerMessage(text: string): WsServerMessage | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  if ('result' in parsed && isRecord(parsed.result) && typeof parsed.result.ok === 'boolean') {
    return {
      id: typeof parsed.id === 'number' ? parsed.id : null,
      result: parsed.result as unknown as IpcResult<unknown>,
    };
  }
  if (typeof parsed.event === 'string' && (EVENT_NAMES as readonly string[]).includes(parsed.event)) {
    return { event: parsed.event as EventName, payload: parsed.payload as EventMap[EventName] };
  }
  return null;
}

export function isWsEvent(m: WsServerMessage): m is WsEvent {
  return 'event' in m;
}

/** The websocket URL for a page served at `pageUrl` (carries the page's access token along). */
export function websocketUrl(pageUrl: string): string {
  const url = new URL(pageUrl);
  const token = url.searchParams.get(ACCESS_PARAM);
  const ws = new URL(WS_PATH, url);
  ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) ws.searchParams.set(ACCESS_PARAM, token);
  return ws.toString();
}
