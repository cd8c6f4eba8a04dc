// The renderer's websocket bridge against the real `retrovue serve` server (web-server.ts): calls,
// validation errors, pushed events, and what happens when the connection drops.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEventBus } from '../../src-main/core/api/event-bus';
import { startWebServer, type WebServer } from '../../src-main/web/web-server';
import { WebBridge, type SocketLike } from '../../src-renderer/bridge/web-bridge';
import { withRevivedErrors } from '../../src-renderer/bridge';
import {
  ApiCallError,
  serializeApiError,
  type ApiHandlers,
  type RetroVueApi,
} from '../../src-shared/ipc/contract';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';

const nodeSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

let server: WebServer | null = null;
let bridge: WebBridge | null = null;
const dirs: string[] = [];
afterEach(async () => {
  bridge?.close();
  bridge = null;
  await server?.close();
  server = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function serve(handlers: Partial<ApiHandlers>) {
  const rendererDir = mkdtempSync(join(tmpdir(), 'retrovue-bridge-'));
  dirs.push(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  const events = createEventBus();
  server = await startWebServer({
    handlers: handlers as ApiHandlers,
    events,
    rendererDir,
    port: 0,
    accessToken: 'test-token',
  });
  const wsUrl = `ws://127.0.0.1:${server.port}/ws?access=test-token`;
  return { events, wsUrl };
}

describe('WebBridge', () => {
  it('invokes channels and receives pushed events', async () => {
    const { events, wsUrl } = await serve({
      'config:get': () => DEFAULT_CONFIG,
      'schedules:describe': ({ cron }) => ({
        valid: cron === '0 3 * * *',
        description: `cron ${cron}`,
        nextRuns: [],
      }),
    });
    bridge = new WebBridge({ url: wsUrl, createSocket: nodeSocket });
    // Queued before the socket opens, sent on open.
    const config = await bridge.invoke('config:get');
    expect(config.batch_size).toBe(DEFAULT_CONFIG.batch_size);
    expect(await bridge.invoke('schedules:describe', { cron: '0 3 * * *' })).toEqual({
      valid: true,
      description: 'cron 0 3 * * *',
      nextRuns: [],
    });

    const received: number[] = [];
    bridge.on('config:changed', (c) => received.push(c.batch_size));
    events.emit('config:changed', { ...DEFAULT_CONFIG, batch_size: 777 });
    await expect.poll(() => received).toEqual([777]);
  });

  it('rejects with a typed ApiCallError carrying the validation issues', async () => {
    const { wsUrl } = await serve({
      'schedules:describe': () => ({ valid: true, description: '', nextRuns: [] }),
    });
    bridge = new WebBridge({ url: wsUrl, createSocket: nodeSocket });
    const error = await bridge.invoke('schedules:describe', { cron: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).code).toBe('INVALID_ARGUMENT');
    expect((error as ApiCallError).issues?.[0]?.path).toBe('cron');
  });

  it('refuses a wrong token and reports the connection as closed', async () => {
    const { wsUrl } = await serve({});
    const statuses: string[] = [];
    bridge = new WebBridge({
      url: wsUrl.replace('test-token', 'wrong'),
      createSocket: nodeSocket,
      maxRetryMs: 50,
    });
    bridge.onStatus((s) => statuses.push(s));
    await expect.poll(() => statuses.includes('closed')).toBe(true);
  });

  it('fails calls in flight when the server goes away, and reconnects when it is back', async () => {
    let release: (() => void) | null = null;
    const { wsUrl } = await serve({
      'app:info': () =>
        new Promise((resolve) => {
          release = () =>
            resolve({
              version: '1',
              platform: 'linux',
              dataDir: '/d',
              logDir: '/l',
              databasePath: '/db',
              shell: 'web',
            });
        }),
      'config:get': () => DEFAULT_CONFIG,
    });
    bridge = new WebBridge({ url: wsUrl, createSocket: nodeSocket, maxRetryMs: 100 });
    await bridge.invoke('config:get');
    const inFlight = bridge.invoke('app:info').catch((e: unknown) => e);
    await expect.poll(() => release !== null).toBe(true);
    const port = server!.port;
    await server!.close();
    const error = await inFlight;
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).code).toBe('DISCONNECTED');

    // Same port, new server: the bridge's retry loop finds it and queued calls go through.
    const rendererDir = dirs[0]!;
    server = await startWebServer({
      handlers: { 'config:get': () => ({ ...DEFAULT_CONFIG, batch_size: 42 }) } as unknown as ApiHandlers,
      events: createEventBus(),
      rendererDir,
      port,
      accessToken: 'test-token',
    });
    await expect.poll(() => bridge!.status, { timeout: 5000 }).toBe('open');
    expect((await bridge.invoke('config:get')).batch_size).toBe(42);
  });
});

describe('Electron preload bridge', () => {
  it('revives the serialized rejection into an ApiCallError with its issues', async () => {
    // What preload.ts does on a failed call: rejects with the plain serialized shape.
    const preload = {
      invoke: () =>
        Promise.reject(
          serializeApiError({
            code: 'INVALID_ARGUMENT',
            message: 'bad',
            issues: [{ path: 'cron', message: 'empty' }],
          }),
        ),
      on: () => () => undefined,
    } as unknown as RetroVueApi;
    const error = await withRevivedErrors(preload)
      .invoke('schedules:describe', { cron: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).issues).toEqual([{ path: 'cron', message: 'empty' }]);
  });
});
