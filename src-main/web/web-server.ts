// `retrovue serve`: the renderer and the typed API for a browser on this computer only. Bound to
// 127.0.0.1; every request must carry the access token (URL parameter, then a same-site cookie)
// and a Host of 127.0.0.1/localhost (no DNS rebinding); websockets must come from our own origin.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiHandlers } from '../../src-shared/ipc/contract';
import {
  ACCESS_PARAM,
  decodeRequest,
  encodeEvent,
  encodeResponse,
  WS_MAX_MESSAGE_BYTES,
  WS_PATH,
} from '../../src-shared/ipc/ws-protocol';
import { ARTWORK_ROUTE } from '../../src-shared/artwork-url';
import { dispatch } from '../core/api/dispatch';
import { artworkReply, type ArtworkSource } from '../core/artwork/artwork-route';
import type { EventBus } from '../core/api/event-bus';
import { describeError, UserError } from '../core/errors/errors';
import { getLogger } from '../core/logging/logger';
import { ACCESS_COOKIE, cookieValue, generateAccessToken, tokenMatches } from './access-token';
import { contentSecurityPolicy } from './csp';
import { readStaticFile } from './static-files';

const log = getLogger('web');

export interface WebServerOptions {
  handlers: ApiHandlers;
  events: EventBus;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 = any free port. */
  port?: number;
  /** Fixed token (tests); random otherwise. */
  accessToken?: string;
  /** Pictures for /artwork/<kind>/<id>/<thumb|art> (from the local cache; the Plex token stays here). */
  artwork?: ArtworkSource | null;
}

export interface WebServer {
  /** The URL to open, token included. */
  readonly url: string;
  readonly port: number;
  readonly accessToken: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const accessToken = options.accessToken ?? generateAccessToken();
  let port = 0;
  const allowedHosts = (): Set<string> => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = (): Set<string> => new Set([...allowedHosts()].map((h) => `http://${h}`));

  const authorised = (req: IncomingMessage): { ok: boolean; viaQuery: boolean } => {
    if (!allowedHosts().has(req.headers.host ?? '')) return { ok: false, viaQuery: false };
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const fromQuery = url.searchParams.get(ACCESS_PARAM);
    if (fromQuery !== null) return { ok: tokenMatches(fromQuery, accessToken), viaQuery: true };
    return { ok: tokenMatches(cookieValue(req.headers.cookie, ACCESS_COOKIE), accessToken), viaQuery: false };
  };

  const securityHeaders = (res: ServerResponse): void => {
    res.setHeader(
      'Content-Security-Policy',
      contentSecurityPolicy({ connect: [`ws://${HOST}:${port}`, `ws://localhost:${port}`] }),
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    // The page URL carries the token: never send it on as a Referer.
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  };

  const forbid = (res: ServerResponse): void => {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('403 forbidden: open the URL printed by `retrovue serve` (it carries the access token)\n');
  };

  const server = createServer((req, res) => {
    securityHeaders(res);
    const auth = authorised(req);
    if (!auth.ok) return forbid(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      res.end();
      return;
    }
    if (auth.viaQuery) {
      res.setHeader(
        'Set-Cookie',
        `${ACCESS_COOKIE}=${encodeURIComponent(accessToken)}; HttpOnly; SameSite=Strict; Path=/`,
      );
    }
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    if (path.startsWith(`/${ARTWORK_ROUTE}/`)) {
      void artworkReply(options.artwork ?? null, path).then((reply) => {
        res.writeHead(reply.status, reply.headers);
        res.end(req.method === 'HEAD' ? undefined : reply.body);
      });
      return;
    }
    readStaticFile(options.rendererDir, path).then(
      (file) => {
        if (!file) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('not found\n');
          return;
        }
        res.writeHead(200, {
          'Content-Type': file.contentType,
          'Content-Length': file.body.length,
          'Cache-Control': file.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
        });
        res.end(req.method === 'HEAD' ? undefined : file.body);
      },
      (err: unknown) => {
        log.error('static file failed', { path, error: describeError(err) });
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      },
    );
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    const origin = req.headers.origin;
    const originOk = origin === undefined || allowedOrigins().has(origin);
    if (path !== WS_PATH || !originOk || !authorised(req).ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(
              `port ${options.port} on ${HOST} is already in use (another RetroVue or program): pick another with --port N`,
              'PORT_IN_USE',
            )
          : err,
      );
    server.once('error', onError);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://${HOST}:${port}/?${ACCESS_PARAM}=${encodeURIComponent(accessToken)}`;
  log.info('web mode listening', { port });

  return {
    url,
    port,
    accessToken,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveSocket(ws: WebSocket, options: WebServerOptions): void {
  const stop = options.events.onAny((event, payload) => {
    if (ws.readyState === ws.OPEN) ws.send(encodeEvent(event, payload));
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      ws.send(
        encodeResponse(null, {
          ok: false,
          error: { code: 'BAD_MESSAGE', message: 'binary messages are not accepted' },
        }),
      );
      return;
    }
    const decoded = decodeRequest(data.toString());
    if (!decoded.ok) {
      ws.send(encodeResponse(decoded.id, { ok: false, error: decoded.error }));
      return;
    }
    void dispatch(options.handlers, decoded.channel, decoded.request).then((result) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeResponse(decoded.id, result));
    });
  });
  ws.on('close', stop);
  ws.on('error', (err) => {
    log.warn('websocket error', { error: describeError(err) });
    stop();
  });
}
