import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthStatus } from '../../src-shared/service-events';
import {
  fetchDaemonHealth,
  startHealthServer,
  type HealthServer,
} from '../../src-main/core/service/health-server';
import { readHealth } from '../../src-main/core/service/health';
import { tempStore } from '../helpers/temp';
import { seedLibraries } from './fixtures';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function status(ok: boolean): HealthStatus {
  return {
    ok,
    state: ok ? 'ok' : 'failing',
    reasons: [],
    service: 'running',
    startedAt: 1,
    heartbeatAt: 2,
    account: null,
    servers: [],
    libraries: [],
    queue: [],
    databaseOk: ok,
    checkedAt: 3,
  };
}

async function serve(health: () => HealthStatus): Promise<HealthServer> {
  const server = await startHealthServer(health, 0);
  cleanups.push(() => server.close());
  return server;
}

describe('health endpoint', () => {
  it('answers GET /health on loopback: 200 when healthy, 503 when not; the full status needs the token', async () => {
    let healthy = true;
    const server = await serve(() => status(healthy));
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/health`);
    let res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true, service: 'running', checkedAt: 3 });
    res = await fetch(server.url, { headers: { authorization: `Bearer ${server.token}` } });
    expect(await res.json()).toEqual(status(true));
    healthy = false;
    res = await fetch(server.url);
    expect(res.status).toBe(503);
    expect(await fetchDaemonHealth(server.port, server.token)).toEqual(status(false));
    expect(await fetchDaemonHealth(server.port, 'wrong-token')).toBeNull();
  });

  it('shows nothing personal without the token', async () => {
    const server = await serve(() => ({
      ...status(true),
      account: { username: 'retro_tester', needsLogin: false },
    }));
    const text = await (await fetch(server.url)).text();
    expect(text).not.toContain('retro_tester');
  });

  it('refuses any Host but its own loopback name (DNS rebinding)', async () => {
    const server = await serve(() => status(true));
    const ask = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: server.port, path: '/health', headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await ask(`evil.example:${server.port}`)).toBe(403);
    expect(await ask('127.0.0.1')).toBe(403);
    expect(await ask(`localhost:${server.port}`)).toBe(200);
    expect(await ask(`127.0.0.1:${server.port}`)).toBe(200);
  });

  it('serves nothing else', async () => {
    const server = await serve(() => status(true));
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/health/../config`)).status).toBe(404);
    const post = await fetch(server.url, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('a health function that throws gives a 500, not a crash', async () => {
    const server = await serve(() => {
      throw new Error('database is locked');
    });
    const res = await fetch(server.url);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'database is locked' });
  });

  it('a port already taken: serves on another one and says which was taken; nothing answering reads as null', async () => {
    // Something else owns the port and hangs up on whoever connects.
    const blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const port = (blocker.address() as { port: number }).port;
    const server = await startHealthServer(() => status(true), port);
    cleanups.push(() => server.close());
    expect(server.portTaken).toBe(port);
    expect(server.port).not.toBe(port);
    expect((await fetch(server.url)).status).toBe(200);
    expect(await fetchDaemonHealth(port, server.token, 500)).toBeNull();
  });
});

describe('health from the database alone', () => {
  it('with no service: stopped, libraries with last success, a closed database is not ok', () => {
    const t = tempStore();
    const libs = seedLibraries(t.store, 2, 1);
    t.store.sqlite
      .prepare('update libraries set last_good_sync_at = 1234, last_sync_status = ? where id = ?')
      .run('succeeded', libs[0]!.id);
    t.store.sqlite
      .prepare("insert into sync_services(name, status, pid, heartbeat_at) values ('sync', 'running', 1, ?)")
      .run(Date.now() - 10 * 60_000);
    const h = readHealth(t.store.db, 'sync', null);
    // A "running" row with an old heartbeat is a process that died.
    expect(h).toMatchObject({ ok: true, service: 'stopped', databaseOk: true, queue: [] });
    expect(h.libraries).toEqual([
      {
        libraryId: libs[0]!.id,
        title: 'Library 1',
        lastSuccessAt: 1234,
        lastStatus: 'succeeded',
        nextRunAt: null,
      },
    ]);
    t.store.sqlite.prepare('update servers set needs_login = 1').run();
    expect(readHealth(t.store.db, 'sync', null)).toMatchObject({ ok: false });
    expect(readHealth(t.store.db, 'sync', null).servers[0]).toMatchObject({
      tokenOk: false,
      needsLogin: true,
    });
    t.cleanup();
    expect(readHealth(t.store.db, 'sync', null)).toMatchObject({ ok: false, databaseOk: false });
  });
});
