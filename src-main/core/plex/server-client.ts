// The one way the core talks to a Plex Media Server: `plex-api` underneath (identity headers,
// token, gzip), with what it lacks added here: per-call cancellation, typed errors, JSON parsing
// of any application/json* body, a MediaContainer guard, retries for idempotent GETs, a paging
// iterator and request/byte counters for metrics.
import { Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import PlexAPI from 'plex-api';
import {
  CancelledError,
  PlexAuthError,
  PlexDataError,
  PlexError,
  PlexNetworkError,
  PlexNotFoundError,
  PlexTimeoutError,
} from '../errors/errors';
import { NO_RETRY, withRetry, type RetryAttemptInfo, type RetryPolicy } from '../errors/retry';
import { isAuthStatus } from '../errors/classify';
import { registerSecret } from '../logging/redact';
import type { PlexIdentity } from './identity';

export type QueryValue = string | number | boolean | undefined | null;
export type Query = Record<string, QueryValue>;

export interface ServerClientOptions {
  /** e.g. http://192.168.1.10:32400 or https://1-2-3-4.abc.plex.direct:32400 */
  baseUrl: string;
  /** Null for the unauthenticated /identity probe. */
  token?: string | null;
  identity: PlexIdentity;
  /** Per request; config api_timeout_seconds * 1000. */
  timeoutMs?: number;
  /** Retries of transient failures (network, timeout, 5xx, 429, a damaged body); errors/retry.ts. */
  retry?: RetryPolicy;
  /** Each retried failure (logging, tests). */
  onRetry?: (info: RetryAttemptInfo) => void;
  /** Concurrent sockets to this server. */
  maxSockets?: number;
}

export interface RequestOptions {
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A parsed JSON answer: Plex wraps everything in a MediaContainer object. */
export interface PlexJson {
  MediaContainer: Record<string, unknown>;
}

export interface PlexResponse<T> {
  data: T;
  /** Body bytes after decompression. */
  bytes: number;
}

export interface BinaryResponse {
  data: Buffer;
  contentType: string | null;
  bytes: number;
}

export interface PaginateOptions {
  pageSize: number;
  query?: Query;
  signal?: AbortSignal;
  /** Offset to start from (a resumed run). */
  start?: number;
  /** Safety stop for servers that ignore paging; default: enough for 10M items. */
  maxPages?: number;
  /**
   * Pages requested at once. Once a full page and totalSize are known, the next pages' offsets are
   * known too and are fetched ahead; a short page (a server capping sizes) falls back to one at a time.
   */
  concurrency?: number;
}

export interface Page {
  /** The page's `Metadata` (or `Directory`) entries, unvalidated. */
  items: unknown[];
  /** The container's attributes (librarySectionID and other hoisted fields). */
  container: Record<string, unknown>;
  offset: number;
  /** Offset of the page after this one. */
  nextOffset: number;
  totalSize: number | null;
}

export interface ClientStats {
  apiCalls: number;
  bytesReceived: number;
}

export interface ServerClient {
  readonly baseUrl: string;
  /** GET a JSON endpoint; resolves with the validated `{MediaContainer}` root. */
  get(path: string, options?: RequestOptions): Promise<PlexResponse<PlexJson>>;
  /** GET anything else (images); the body as bytes. */
  getBinary(path: string, options?: RequestOptions): Promise<BinaryResponse>;
  /** Walks a paged list with X-Plex-Container-Start/Size, advancing by items received. */
  paginate(path: string, options: PaginateOptions): AsyncGenerator<Page>;
  stats(): ClientStats;
  /** A view on the same connection with its own counters (one sync run's metrics). */
  scoped(): ServerClient;
  /** Frees the keep-alive sockets. */
  close(): void;
}

type ParsedBody =
  | { kind: 'json'; value: unknown; bytes: number }
  | { kind: 'raw'; body: Buffer; contentType: string | null; bytes: number };

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_PAGES = 20_000;

export function buildQueryString(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const v = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
    // The name may carry a filter operator (`updatedAt>>`); the query `=` completes it.
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(v)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** plex-api hands back JSON only for an exact `application/json`; we accept any JSON type. */
async function parseResponse(response: IncomingMessage, body: Buffer): Promise<ParsedBody> {
  const contentType = response.headers['content-type'] ?? null;
  const bytes = body.length;
  if (contentType && /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType)) {
    const text = body.toString('utf8');
    try {
      return { kind: 'json', value: JSON.parse(text), bytes };
    } catch (err) {
      // A body cut short or garbled on the way: the same request usually comes back whole.
      throw new PlexDataError(`malformed JSON from server (${bytes} bytes): ${(err as Error).message}`, {
        bodySnippet: text.slice(0, 200),
        transient: true,
        cause: err,
      });
    }
  }
  return { kind: 'raw', body, contentType, bytes };
}

function statusFromMessage(message: string): number | null {
  const m = /response code: (\d{3})/.exec(message);
  return m ? Number(m[1]) : null;
}

/** Turns what plex-api/request reject with into our typed errors. */
export function mapTransportError(err: unknown, url: string): PlexError {
  if (err instanceof PlexError) return err;
  const e = err as NodeJS.ErrnoException & { connect?: boolean };
  const message = e?.message ?? String(err);
  const code = e?.code;
  if (message.includes('denied request, you must provide a way to authenticate')) {
    return new PlexAuthError(`server rejected the token (401) for ${url}`, { status: 401, url, cause: err });
  }
  if (message.includes('lack of managed user permissions')) {
    return new PlexAuthError(`server refused access (403) for ${url}`, { status: 403, url, cause: err });
  }
  const status = statusFromMessage(message);
  if (status !== null) {
    if (status === 404) return new PlexNotFoundError(`not found (404): ${url}`, { status, url, cause: err });
    if (isAuthStatus(status))
      return new PlexAuthError(`server refused access (${status}) for ${url}`, { status, url, cause: err });
    if (status >= 500 || status === 429 || status === 408)
      return new PlexNetworkError(`server error ${status} for ${url}`, { status, url, cause: err });
    return new PlexDataError(`unexpected status ${status} for ${url}`, { status, url, cause: err });
  }
  if (code === 'ESOCKETTIMEDOUT' || code === 'ETIMEDOUT') {
    return new PlexTimeoutError(`request timed out: ${url}`, { url, cause: err });
  }
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'HPE_INVALID_CONSTANT') {
    return new PlexDataError(`truncated or corrupt response from ${url}`, {
      url,
      transient: true,
      cause: err,
    });
  }
  return new PlexNetworkError(`cannot reach server (${code ?? message}): ${url}`, { url, cause: err });
}

function abortError(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledError) return reason;
  return new CancelledError(
    typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : 'cancelled',
  );
}

/** Settles with the request, or rejects with CancelledError as soon as the signal fires. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function isMediaContainerRoot(value: unknown): value is PlexJson {
  if (!value || typeof value !== 'object') return false;
  const mc = (value as Record<string, unknown>).MediaContainer;
  return !!mc && typeof mc === 'object' && !Array.isArray(mc);
}

function toInt(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

export function createServerClient(options: ServerClientOptions): ServerClient {
  const base = new URL(options.baseUrl);
  const https = base.protocol === 'https:';
  const port = base.port ? Number(base.port) : https ? 443 : 32400;
  const pathPrefix = base.pathname.replace(/\/+$/, '');
  const baseUrl = `${base.protocol}//${base.host}${pathPrefix}`;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  if (options.token) registerSecret(options.token);
  const api = new PlexAPI({
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port,
    https,
    ...(options.token ? { token: options.token } : {}),
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // `request` follows redirects across protocols and hosts (GHSA-p8p7-x288-28g6): a PMS never redirects
    // the API calls we make, so none is followed.
    requestOptions: { agent, followRedirect: false },
    responseParser: parseResponse,
    options: {
      identifier: options.identity.clientIdentifier,
      product: options.identity.product,
      version: options.identity.version,
      device: options.identity.device,
      deviceName: options.identity.deviceName,
      platform: options.identity.platform,
      platformVersion: options.identity.platformVersion,
    },
  });
  const retry = options.retry ?? NO_RETRY;

  const view = (counters: ClientStats[]): ServerClient => {
    async function requestOnce(path: string, opts: RequestOptions): Promise<ParsedBody> {
      const uri = `${pathPrefix}${path}${buildQueryString(opts.query)}`;
      for (const c of counters) c.apiCalls += 1;
      try {
        const parsed = (await raceAbort(
          api.query({ uri, ...(opts.headers ? { extraHeaders: opts.headers } : {}) }),
          opts.signal,
        )) as ParsedBody;
        for (const c of counters) c.bytesReceived += parsed.bytes;
        return parsed;
      } catch (err) {
        if (err instanceof CancelledError) throw err;
        throw mapTransportError(err, `${baseUrl}${uri}`);
      }
    }

    function request(path: string, opts: RequestOptions): Promise<ParsedBody> {
      return withRetry(() => requestOnce(path, opts), {
        ...retry,
        signal: opts.signal,
        onRetry: options.onRetry,
      });
    }

    async function get(path: string, opts: RequestOptions = {}): Promise<PlexResponse<PlexJson>> {
      const parsed = await request(path, opts);
      if (parsed.kind !== 'json') {
        throw new PlexDataError(
          `expected JSON from ${baseUrl}${path}, got ${parsed.contentType ?? 'no content type'}`,
          {
            url: `${baseUrl}${path}`,
            bodySnippet: parsed.body.subarray(0, 200).toString('utf8'),
          },
        );
      }
      if (!isMediaContainerRoot(parsed.value)) {
        throw new PlexDataError(`response from ${baseUrl}${path} has no MediaContainer object`, {
          url: `${baseUrl}${path}`,
        });
      }
      return { data: parsed.value, bytes: parsed.bytes };
    }

    async function getBinary(path: string, opts: RequestOptions = {}): Promise<BinaryResponse> {
      const parsed = await request(path, opts);
      if (parsed.kind === 'json') {
        const data = Buffer.from(JSON.stringify(parsed.value));
        return { data, contentType: 'application/json', bytes: parsed.bytes };
      }
      return { data: parsed.body, contentType: parsed.contentType, bytes: parsed.bytes };
    }

    async function fetchPage(
      path: string,
      opts: PaginateOptions,
      offset: number,
      pageSize: number,
    ): Promise<Page> {
      const { data } = await get(path, {
        query: opts.query,
        // plex-api silently drops header values that are not strings.
        headers: { 'X-Plex-Container-Start': String(offset), 'X-Plex-Container-Size': String(pageSize) },
        signal: opts.signal,
      });
      const mc = data.MediaContainer;
      const raw = mc.Metadata ?? mc.Directory ?? [];
      if (!Array.isArray(raw)) {
        throw new PlexDataError(`page at offset ${offset} of ${path}: Metadata is not an array`);
      }
      return {
        items: raw,
        container: mc,
        offset,
        nextOffset: offset + raw.length,
        totalSize: toInt(mc.totalSize),
      };
    }

    async function* paginate(path: string, opts: PaginateOptions): AsyncGenerator<Page> {
      const pageSize = Math.max(1, Math.trunc(opts.pageSize));
      const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
      const ahead = Math.max(1, Math.trunc(opts.concurrency ?? 1));
      let offset = Math.max(0, opts.start ?? 0);
      // Pages requested ahead at the offsets they will have if the server keeps honouring the size.
      const inFlight = new Map<number, Promise<Page>>();
      const request = (at: number) => {
        const p = fetchPage(path, opts, at, pageSize);
        p.catch(() => undefined);
        inFlight.set(at, p);
      };
      try {
        for (let pageNo = 0; pageNo < maxPages; pageNo++) {
          if (!inFlight.has(offset)) request(offset);
          const page = await inFlight.get(offset)!;
          inFlight.delete(offset);
          if (page.items.length === 0) return;
          const last = page.totalSize !== null && page.nextOffset >= page.totalSize;
          if (!last && page.items.length === pageSize && page.totalSize !== null) {
            for (let k = 1; k < ahead; k++) {
              const at = page.offset + k * pageSize;
              if (at >= page.totalSize) break;
              if (!inFlight.has(at)) request(at);
            }
          } else if (page.items.length !== pageSize) {
            // A short page: the server caps page sizes, so offsets guessed ahead are wrong.
            inFlight.clear();
          }
          yield page;
          if (last) return;
          offset = page.nextOffset;
        }
        throw new PlexDataError(`${path}: more than ${maxPages} pages; the server seems to ignore paging`);
      } finally {
        inFlight.clear();
      }
    }

    const own = counters[counters.length - 1]!;
    return {
      baseUrl,
      get,
      getBinary,
      paginate,
      stats: () => ({ ...own }),
      scoped: () => view([...counters, { apiCalls: 0, bytesReceived: 0 }]),
      close: () => agent.destroy(),
    };
  };
  return view([{ apiCalls: 0, bytesReceived: 0 }]);
}
