import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Faults, FaultDecision } from './faults';
import { QueryParams, headerValue } from './query';
import type { RequestLog, ServerName } from './request-log';

export interface FakeRequest {
  method: string;
  path: string;
  rawQuery: string;
  query: QueryParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client asked for JSON (`Accept: application/json`); otherwise Plex answers XML. */
  wantsJson: boolean;
  /** X-Plex-Token from the header or the query string. */
  token: string | undefined;
  remoteAddress: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (req: FakeRequest, params: string[]) => Reply | Promise<Reply>;

interface Route {
  method: string;
  regex: RegExp;
  /** Normalised form for logs and counters, e.g. `/library/metadata/:id`. */
  route: string;
  handler: Handler;
}

/** Routes written as templates with `{name}` placeholders (not `:name`: Plex paths contain literal `/:/`). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const regex = new RegExp(
      `^${template
        .split(/\{[a-zA-Z]+\}/)
        .map(escapeRegExp)
        .join('([^/]+)')}/?$`,
    );
    const route = template.replace(/\{([a-zA-Z]+)\}/g, ':$1');
    this.routes.push({ method, regex, route, handler });
    return this;
  }

  match(
    method: string,
    path: string,
  ): { route: Route; params: string[] } | { route: undefined; allowed: boolean } {
    let allowed = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
        allowed = true;
        continue;
      }
      return { route, params: m.slice(1).map(safeDecode) };
    }
    return { route: undefined, allowed };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Numeric path segments become `:id`, so unmatched paths still group in the counters. */
export function normaliseUnmatched(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/:id');
}

export const CONTROL_PREFIX = '/__control';

export interface ServiceDeps {
  name: ServerName;
  log: RequestLog;
  faults: Faults;
  /** Extra headers on every answer (PMS: X-Plex-Protocol and friends). */
  commonHeaders: Record<string, string>;
  notFound: (req: FakeRequest) => Reply;
  /** Control routes served on this port too (exempt from faults and from the log). */
  control?: Router;
}

/**
 * One listening HTTP server: routing, request log, latency and fault injection, and the ability to go away
 * and come back on the same port (a PMS restart).
 */
export class HttpService {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private boundPort = 0;
  private host = '127.0.0.1';
  listening = false;

  constructor(
    private readonly router: Router,
    private readonly deps: ServiceDeps,
  ) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.keepAliveTimeout = 20_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  async listen(port: number, host = '127.0.0.1'): Promise<void> {
    this.host = host;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  /** Stops listening and drops every open connection: clients see refused/reset connections. */
  async goAway(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  /** Listens again on the same port after `goAway`. */
  async comeBack(): Promise<void> {
    if (this.listening) return;
    await this.listen(this.boundPort, this.host);
  }

  async close(): Promise<void> {
    await this.goAway();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
    const query = new QueryParams(rawQuery);
    const body = await readBody(req);
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path,
      rawQuery,
      query,
      headers: req.headers,
      body,
      wantsJson: (headerValue(req.headers, 'accept') ?? '').includes('application/json'),
      token: headerValue(req.headers, 'x-plex-token') ?? query.get('X-Plex-Token'),
      remoteAddress: req.socket.remoteAddress ?? '',
    };

    if (path.startsWith(CONTROL_PREFIX) && this.deps.control) {
      const reply = await this.dispatch(this.deps.control, request).catch(internalError);
      write(res, reply.reply, { ...this.deps.commonHeaders });
      return;
    }

    const matched = this.router.match(request.method, path);
    const route = matched.route?.route ?? normaliseUnmatched(path);
    const decisions = this.deps.faults.decide(this.deps.name, path, route);
    const latency = decisions.reduce((ms, d) => ms + (d.kind === 'latency' ? (d.latencyMs ?? 0) : 0), 0);
    const failure = decisions.find((d) => d.kind !== 'latency');
    const record = (status: number) =>
      this.deps.log.record({
        server: this.deps.name,
        method: request.method,
        path,
        route,
        query: rawQuery,
        status,
        fault: failure?.kind,
        durationMs: Date.now() - started,
        at: started,
      });
    if (latency) await sleep(latency);

    if (failure?.kind === 'hang') {
      record(0);
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (failure?.kind === 'body') {
      const status = failure.status ?? 200;
      record(status);
      const headers = { 'Content-Type': failure.contentType ?? 'application/json' };
      write(res, { status, headers, body: failure.body ?? '' }, this.deps.commonHeaders);
      return;
    }
    if (failure?.kind === 'error') {
      const status = failure.status ?? 500;
      record(status);
      write(res, errorReply(status), this.deps.commonHeaders);
      return;
    }

    const { reply } = await this.dispatch(this.router, request).catch(internalError);
    record(reply.status);
    if (failure) applyBodyFault(res, reply, failure, this.deps.commonHeaders);
    else write(res, reply, this.deps.commonHeaders);
  }

  private async dispatch(router: Router, request: FakeRequest): Promise<{ reply: Reply }> {
    const matched = router.match(request.method, request.path);
    if (!matched.route) {
      if (matched.allowed)
        return {
          reply: {
            status: 405,
            headers: { 'Content-Type': 'text/html' },
            body: htmlStatus(405, 'Method Not Allowed'),
          },
        };
      return { reply: this.deps.notFound(request) };
    }
    return { reply: await matched.route.handler(request, matched.params) };
  }
}

function internalError(err: unknown): { reply: Reply } {
  const message = err instanceof Error ? err.message : String(err);
  return {
    reply: {
      status: 500,
      headers: { 'Content-Type': 'text/plain' },
      body: `fake plex internal error: ${message}`,
    },
  };
}

export function htmlStatus(status: number, text: string): string {
  return `<html><head><title>${text}</title></head><body><h1>${status} ${text}</h1></body></html>`;
}

function errorReply(status: number): Reply {
  if (status === 500) {
    return {
      status,
      headers: { 'Content-Type': 'application/xml' },
      body: '<?xml version="1.0" encoding="UTF-8"?>\n<Response code="500" status="Internal Server Error"/>\n',
    };
  }
  const text = status === 503 ? 'Service Unavailable' : status === 429 ? 'Too Many Requests' : 'Error';
  return { status, headers: { 'Content-Type': 'text/html' }, body: htmlStatus(status, text) };
}

function write(res: ServerResponse, reply: Reply, common: Record<string, string>): void {
  if (res.destroyed) return;
  const body = reply.body ?? '';
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(reply.status, { ...common, ...reply.headers, 'Content-Length': String(buffer.length) });
  res.end(buffer);
}

function applyBodyFault(
  res: ServerResponse,
  reply: Reply,
  fault: FaultDecision,
  common: Record<string, string>,
): void {
  const body = reply.body ?? '';
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const half = Math.max(1, Math.floor(buffer.length / 2));
  if (fault.kind === 'reset') {
    res.writeHead(reply.status, { ...common, ...reply.headers, 'Content-Length': String(buffer.length) });
    res.write(buffer.subarray(0, half), () => res.destroy());
    return;
  }
  if (fault.kind === 'truncate') {
    write(res, { ...reply, body: buffer.subarray(0, half) }, common);
    return;
  }
  if (fault.kind === 'malformed') {
    const text = buffer.toString('utf8');
    const cut = Math.floor(text.length / 2);
    write(res, { ...reply, body: `${text.slice(0, cut)}\u0000,,}{<"${text.slice(cut)}` }, common);
    return;
  }
  write(res, reply, common);
}

function readBody(req: IncomingMessage): Promise<string> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    return Promise.resolve('');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
