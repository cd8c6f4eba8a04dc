// plex.tv (the account service) over Node's fetch: PINs, the signed-in user, the keep-alive ping and
// the resources list. Every failure becomes one of the typed Plex errors; no token ever reaches a
// message (errors redact, and tokens travel only in headers).
import { z } from 'zod';
import {
  CancelledError,
  PlexAuthError,
  PlexDataError,
  PlexNetworkError,
  PlexNotFoundError,
  PlexTimeoutError,
  type PlexError,
  type PlexErrorInit,
} from '../errors/errors';
import { NO_RETRY, withRetry, type RetryPolicy } from '../errors/retry';
import { identityHeaders, type PlexIdentity } from './identity';

export interface PlexTvClientOptions {
  /** Config plex_tv_url, e.g. https://plex.tv (tests: the fake's loopback URL). */
  baseUrl: string;
  identity: PlexIdentity;
  timeoutMs?: number;
  /** Transient failures (network, timeout, 5xx, 429, a damaged body) retried by errors/retry.ts. */
  retry?: RetryPolicy;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

const pinSchema = z.object({
  id: z.number().int(),
  code: z.string().min(1),
  expiresIn: z.number().optional(),
  createdAt: z.string().optional(),
  expiresAt: z.string().optional(),
  authToken: z.string().min(1).nullable().optional(),
  clientIdentifier: z.string().optional(),
});

export interface PlexPin {
  id: number;
  code: string;
  /** Unix ms; computed from expiresAt, else from expiresIn relative to now. */
  expiresAt: number;
  authToken: string | null;
}

const userSchema = z.object({
  id: z.number().int().optional(),
  uuid: z.string().min(1),
  username: z.string().optional().nullable(),
  title: z.string().optional().nullable(),
  email: z.string().optional().nullable(),
  thumb: z.string().optional().nullable(),
  friendlyName: z.string().optional().nullable(),
});

export interface PlexUser {
  plexId: number | null;
  uuid: string;
  username: string;
  title: string | null;
  email: string | null;
  avatarUrl: string | null;
}

const boolish = z
  .union([z.boolean(), z.number(), z.string()])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

const connectionSchema = z.object({
  protocol: z.enum(['http', 'https']),
  address: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  uri: z.string().min(1),
  local: boolish.optional(),
  relay: boolish.optional(),
  IPv6: boolish.optional(),
});

const resourceSchema = z.object({
  name: z.string(),
  product: z.string().optional().nullable(),
  productVersion: z.string().optional().nullable(),
  platform: z.string().optional().nullable(),
  clientIdentifier: z.string().min(1),
  provides: z.string().optional().nullable(),
  owned: boolish.optional(),
  sourceTitle: z.string().optional().nullable(),
  accessToken: z.string().optional().nullable(),
  httpsRequired: boolish.optional(),
  presence: boolish.optional(),
  connections: z.array(z.unknown()).optional().nullable(),
});

export interface PlexResourceConnection {
  protocol: 'http' | 'https';
  address: string;
  port: number;
  uri: string;
  local: boolean;
  relay: boolean;
}

export interface PlexResource {
  name: string;
  product: string | null;
  productVersion: string | null;
  platform: string | null;
  clientIdentifier: string;
  provides: string[];
  owned: boolean;
  sourceTitle: string | null;
  accessToken: string | null;
  httpsRequired: boolean;
  presence: boolean;
  connections: PlexResourceConnection[];
}

export interface ResourcesResult {
  resources: PlexResource[];
  /** Entries of the list that failed validation: reported, the rest still used. */
  rejected: { index: number; name: string | null; reason: string }[];
}

export interface PlexTvClient {
  readonly baseUrl: string;
  createPin(opts?: RequestOptions): Promise<PlexPin>;
  /** 404 (code 1020) = expired or unknown: a PlexNotFoundError. */
  getPin(id: number, code: string, opts?: RequestOptions): Promise<PlexPin>;
  /** Validates a token: PlexAuthError when plex.tv refuses it. */
  getUser(token: string, opts?: RequestOptions): Promise<PlexUser>;
  /** Keeps a token fresh (plex.tv's equivalent of a refresh). */
  ping(token: string, opts?: RequestOptions): Promise<void>;
  resources(token: string, opts?: RequestOptions): Promise<ResourcesResult>;
}

const DEFAULT_TIMEOUT_MS = 15_000;

export function createPlexTvClient(options: PlexTvClientOptions): PlexTvClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers = identityHeaders(options.identity);

  const retry = options.retry ?? NO_RETRY;

  function call(
    method: 'GET' | 'POST',
    path: string,
    token: string | null,
    opts: RequestOptions = {},
  ): Promise<unknown> {
    return withRetry(() => callOnce(method, path, token, opts), { ...retry, signal: opts.signal });
  }

  async function callOnce(
    method: 'GET' | 'POST',
    path: string,
    token: string | null,
    opts: RequestOptions,
  ): Promise<unknown> {
    const url = `${baseUrl}${path}`;
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (opts.signal) signals.push(opts.signal);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: token ? { ...headers, 'X-Plex-Token': token } : headers,
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw new CancelledError();
      if (err instanceof Error && err.name === 'TimeoutError') {
        throw new PlexTimeoutError(`plex.tv did not answer ${method} ${path} within ${timeoutMs} ms`, {
          url,
        });
      }
      throw new PlexNetworkError(`cannot reach plex.tv (${method} ${path}): ${causeText(err)}`, {
        url,
        cause: err,
      });
    }
    let text = '';
    try {
      text = await res.text();
    } catch (err) {
      if (opts.signal?.aborted) throw new CancelledError();
      // An error status says enough without its body; a good one cut short is a transport fault.
      if (res.ok)
        throw new PlexNetworkError(`plex.tv's answer to ${method} ${path} was cut short: ${causeText(err)}`, {
          url,
          cause: err,
        });
    }
    if (!res.ok) throw statusError(res, text, method, path, url);
    if (res.status === 204 || text.trim() === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new PlexDataError(`plex.tv answered ${method} ${path} with a body that is not JSON`, {
        status: res.status,
        url,
        bodySnippet: text,
        transient: true,
      });
    }
  }

  function parsePin(body: unknown, path: string): PlexPin {
    const parsed = pinSchema.safeParse(body);
    if (!parsed.success) {
      throw new PlexDataError(`plex.tv PIN answer (${path}) is malformed: ${z.prettifyError(parsed.error)}`);
    }
    const p = parsed.data;
    const fromIso = p.expiresAt ? Date.parse(p.expiresAt) : Number.NaN;
    const expiresAt = Number.isFinite(fromIso) ? fromIso : Date.now() + (p.expiresIn ?? 0) * 1000;
    return { id: p.id, code: p.code, expiresAt, authToken: p.authToken ?? null };
  }

  return {
    baseUrl,
    async createPin(opts) {
      return parsePin(await call('POST', '/api/v2/pins?strong=true', null, opts), 'create');
    },
    async getPin(id, code, opts) {
      const path = `/api/v2/pins/${encodeURIComponent(String(id))}?code=${encodeURIComponent(code)}`;
      return parsePin(await call('GET', path, null, opts), 'poll');
    },
    async getUser(token, opts) {
      const body = await call('GET', '/api/v2/user', token, opts);
      const parsed = userSchema.safeParse(body);
      if (!parsed.success) {
        throw new PlexDataError(`plex.tv user answer is malformed: ${z.prettifyError(parsed.error)}`);
      }
      const u = parsed.data;
      return {
        plexId: u.id ?? null,
        uuid: u.uuid,
        username: u.username || u.title || u.friendlyName || u.email || u.uuid,
        title: u.title ?? u.friendlyName ?? null,
        email: u.email ?? null,
        avatarUrl: u.thumb ?? null,
      };
    },
    async ping(token, opts) {
      await call('GET', '/api/v2/ping', token, opts);
    },
    async resources(token, opts) {
      const body = await call('GET', '/api/v2/resources?includeHttps=1&includeRelay=1', token, opts);
      if (!Array.isArray(body)) throw new PlexDataError('plex.tv resources answer is not a list');
      return parseResources(body);
    },
  };
}

/** Validates each entry on its own: one odd device must not hide every server. */
export function parseResources(list: unknown[]): ResourcesResult {
  const resources: PlexResource[] = [];
  const rejected: ResourcesResult['rejected'] = [];
  list.forEach((entry, index) => {
    const parsed = resourceSchema.safeParse(entry);
    if (!parsed.success) {
      const name = entry && typeof entry === 'object' && 'name' in entry ? String(entry.name) : null;
      rejected.push({ index, name, reason: z.prettifyError(parsed.error) });
      return;
    }
    const r = parsed.data;
    const connections: PlexResourceConnection[] = [];
    for (const c of r.connections ?? []) {
      const pc = connectionSchema.safeParse(c);
      if (pc.success) {
        connections.push({
          protocol: pc.data.protocol,
          address: pc.data.address,
          port: pc.data.port,
          uri: pc.data.uri.replace(/\/+$/, ''),
          local: pc.data.local ?? false,
          relay: pc.data.relay ?? false,
        });
      }
    }
    resources.push({
      name: r.name,
      product: r.product ?? null,
      productVersion: r.productVersion ?? null,
      platform: r.platform ?? null,
      clientIdentifier: r.clientIdentifier,
      provides: (r.provides ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      owned: r.owned ?? false,
      sourceTitle: r.sourceTitle ?? null,
      accessToken: r.accessToken || null,
      httpsRequired: r.httpsRequired ?? false,
      presence: r.presence ?? false,
      connections,
    });
  });
  return { resources, rejected };
}

function statusError(res: Response, text: string, method: string, path: string, url: string): PlexError {
  const plexErr = firstPlexError(text);
  const init: PlexErrorInit = {
    status: res.status,
    url,
    bodySnippet: text,
    ...(plexErr?.code !== undefined ? { plexCode: plexErr.code } : {}),
  };
  const detail = plexErr?.message ? `: ${plexErr.message}` : '';
  const what = `plex.tv ${method} ${path.split('?')[0]} answered ${res.status}${detail}`;
  // 498: an expired JWT token (Plex docs, "JWT Authentication"), a login matter like 401.
  if (res.status === 401 || res.status === 498 || (res.status === 422 && /invalid token/i.test(text))) {
    return new PlexAuthError(what, init);
  }
  if (res.status === 404) return new PlexNotFoundError(what, init);
  if (res.status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return new PlexNetworkError(what, retryAfterMs === null ? init : { ...init, retryAfterMs });
  }
  if (res.status >= 500) return new PlexNetworkError(what, init);
  return new PlexDataError(what, init);
}

const plexErrorBody = z.object({
  errors: z.array(z.object({ code: z.number().optional(), message: z.string().optional() })).min(1),
});

function firstPlexError(text: string): { code?: number; message?: string } | null {
  try {
    const parsed = plexErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data.errors[0] ?? null) : null;
  } catch {
    return null;
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

function causeText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) return `${err.message} (${cause.message})`;
    return err.message;
  }
  return String(err);
}
