// The daemon's health endpoint: GET /health on loopback only, 200 when healthy and 503 when not,
// so a monitor can use the status code alone. Nothing else is served.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthStatus } from '../../../src-shared/service-events';
import { RetroVueError } from '../errors/errors';

export const HEALTH_PATH = '/health';

export interface HealthServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(health: () => HealthStatus, port: number): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== HEALTH_PATH) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' })
        .end('{"error":"method not allowed"}');
      return;
    }
    let body: string;
    let status: HealthStatus;
    try {
      status = health();
      body = JSON.stringify(status);
    } catch (err) {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: (err as Error).message }));
      return;
    }
    res
      .writeHead(status.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new RetroVueError(`cannot serve health on 127.0.0.1:${port}: ${err.message}`, {
          code: 'HEALTH_PORT',
          userFacing: true,
          cause: err,
        }),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}${HEALTH_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Reads a running daemon's health; null when nothing answers in time. */
export async function fetchDaemonHealth(port: number, timeoutMs = 2000): Promise<HealthStatus | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200 && res.status !== 503) return null;
    return (await res.json()) as HealthStatus;
  } catch {
    return null;
  }
}
