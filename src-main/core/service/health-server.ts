// The service's health endpoint: GET /health on loopback only, 200 when healthy and 503 when not,
// so a monitor can use the status code alone. Any local process (or a DNS-rebinding web page) can
// reach a loopback port, so the answer without the endpoint's token says only ok/state; the full
// status (account name, server URLs, library titles) needs the token, which the service publishes
// in its database row for `retrovue health`. Requests naming any other Host are refused.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthStatus } from '../../../src-shared/service-events';
import { RetroVueError } from '../errors/errors';

export const HEALTH_PATH = '/health';

export interface HealthServer {
  port: number;
  url: string;
  /** Bearer token for the full status. */
  token: string;
  /** Set when the configured port was taken and another one was picked. */
  portTaken: number | null;
  close(): Promise<void>;
}

/** What anyone on this machine may learn: nothing personal. */
export interface PublicHealth {
  ok: boolean;
  service: HealthStatus['service'];
  checkedAt: number;
}

const json = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : null;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Serves health on 127.0.0.1:port; when that port is taken (another instance, another program) it
 * serves on a free one instead and says so in `portTaken`, so the app still starts.
 */
export async function startHealthServer(health: () => HealthStatus, port: number): Promise<HealthServer> {
  const token = randomBytes(24).toString('base64url');
  let bound = port;
  const server: Server = createServer((req, res) => {
    if (!hostAllowed(req, bound)) {
      res.writeHead(403, json).end('{"error":"forbidden host"}');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== HEALTH_PATH) {
      res.writeHead(404, json).end('{"error":"not found"}');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...json, allow: 'GET, HEAD' }).end('{"error":"method not allowed"}');
      return;
    }
    let status: HealthStatus;
    try {
      status = health();
    } catch (err) {
      res.writeHead(500, json).end(JSON.stringify({ error: (err as Error).message }));
      return;
    }
    const full = bearer(req) === token;
    const body: HealthStatus | PublicHealth = full
      ? status
      : { ok: status.ok, service: status.service, checkedAt: status.checkedAt };
    res.writeHead(status.ok ? 200 : 503, json).end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
  });
  server.keepAliveTimeout = 1000;
  let portTaken: number | null = null;
  try {
    await listen(server, port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) {
      throw new RetroVueError(`cannot serve health on 127.0.0.1:${port}: ${(err as Error).message}`, {
        code: 'HEALTH_PORT',
        userFacing: true,
        cause: err,
      });
    }
    portTaken = port;
    await listen(server, 0);
  }
  bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}${HEALTH_PATH}`,
    token,
    portTaken,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a running service's full health; null when nothing answers in time or refuses the token. */
export async function fetchDaemonHealth(
  port: number,
  token: string,
  timeoutMs = 2000,
): Promise<HealthStatus | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200 && res.status !== 503) return null;
    const body = (await res.json()) as Partial<HealthStatus>;
    return Array.isArray(body.servers) ? (body as HealthStatus) : null;
  } catch {
    return null;
  }
}
