// `retrovue serve`: the renderer and the websocket API on 127.0.0.1, only with the access token.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ACCESS_PARAM,
  decodeServerMessage,
  encodeRequest,
  isWsEvent,
  websocketUrl,
  type WsResponse,
  type WsServerMessage,
} from '../../src-shared/ipc/ws-protocol';
import { startServeMode, type ServeMode } from '../../src-main/web/serve-mode';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { tempDir } from '../helpers/temp';

let mode: ServeMode;
let fake: FakePlex;
let cleanup: () => void;
let base: string;

beforeAll(async () => {
  fake = await startFakePlex({ movies: 4, shows: 1, episodes: 2, offlineServer: false });
  const t = tempDir('retrovue-serve-');
  cleanup = t.cleanup;
  const rendererDir = join(t.dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>RetroVue</title><script src="/assets/app.js"></script>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(t.dir, 'secret.txt'), 'outside the renderer');
  mode = await startServeMode({
    dataDir: join(t.dir, 'data'),
    rendererDir,
    port: 0,
    healthPort: null,
    gdm: false,
    fileLogging: false,
    env: { RETROVUE_PLEX_TV_URL: fake.plexTvUrl },
  });
  base = `http://127.0.0.1:${mode.server.port}`;
});

afterAll(async () => {
  await mode?.stop();
  await fake?.stop();
  cleanup?.();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function client(ws: WebSocket) {
  const messages: WsServerMessage[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    const m = decodeServerMessage(data.toString());
    if (m) messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (
    match: (m: WsServerMessage) => boolean,
    timeoutMs = 10_000,
  ): Promise<WsServerMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no matching message');
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  let id = 0;
  return {
    messages,
    next,
    async call(channel: string, request?: unknown): Promise<WsResponse> {
      const myId = ++id;
      ws.send(JSON.stringify(request === undefined ? { id: myId, channel } : { id: myId, channel, request }));
      return (await next((m) => !isWsEvent(m) && m.id === myId)) as WsResponse;
    },
  };
}

describe('serve: HTTP', () => {
  it('prints a 127.0.0.1 URL that carries a long random access token', () => {
    const url = new URL(mode.server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get(ACCESS_PARAM)).toBe(mode.server.accessToken);
    expect(mode.server.accessToken.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    for (const path of [
      '/',
      '/assets/app.js',
      `/?${ACCESS_PARAM}=wrong`,
      `/?${ACCESS_PARAM}=`,
      `/?${ACCESS_PARAM}=${mode.server.accessToken}x`,
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('RetroVue</title>');
    }
    expect((await get('/', { Cookie: 'retrovue_access=nope' })).status).toBe(403);
  });

  it('serves the app with the token, with the CSP and a same-site cookie for its assets', async () => {
    const page = await get(`/?${ACCESS_PARAM}=${mode.server.accessToken}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>RetroVue</title>');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`ws://127.0.0.1:${mode.server.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const asset = await get('/assets/app.js', { Cookie: cookie.split(';')[0]! });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    // Client-side routes fall back to the page; nothing outside the renderer folder is reachable.
    expect((await get(`/settings?${ACCESS_PARAM}=${mode.server.accessToken}`)).body).toContain('RetroVue');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt']) {
      const r = await get(
        `${path}${path.includes('?') ? '&' : '?'}${ACCESS_PARAM}=${mode.server.accessToken}`,
      );
      expect(r.body, path).not.toContain('outside the renderer');
    }
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get(`/?${ACCESS_PARAM}=${mode.server.accessToken}`, {
      Host: `evil.example:${mode.server.port}`,
    });
    expect(r.status).toBe(403);
  });
});

describe('serve: websocket API', () => {
  it('refuses a websocket without the token, with a wrong one, or from another origin', async () => {
    const url = `ws://127.0.0.1:${mode.server.port}/ws`;
    await expect(connect(url)).rejects.toThrow('HTTP 403');
    await expect(connect(`${url}?${ACCESS_PARAM}=wrong`)).rejects.toThrow('HTTP 403');
    await expect(connect(websocketUrl(mode.server.url), { Origin: 'https://evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
    await expect(
      connect(`ws://127.0.0.1:${mode.server.port}/other?${ACCESS_PARAM}=${mode.server.accessToken}`),
    ).rejects.toThrow('HTTP 403');
  });

  it('answers typed calls, rejects bad arguments and pushes events', async () => {
    const ws = await connect(websocketUrl(mode.server.url), { Origin: base });
    const c = client(ws);
    try {
      const info = await c.call('app:info');
      expect(info.result).toMatchObject({ ok: true, value: { shell: 'web' } });

      const bad = await c.call('items:get', { kind: 'movie', id: 'seven' });
      expect(bad.result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      expect(bad.result.ok ? null : bad.result.error.issues?.[0]?.path).toBe('id');
      expect((await c.call('nope:nothing')).result).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL' },
      });
      expect((await c.call('items:get', { kind: 'movie', id: 1 })).result).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });

      ws.send('{not json');
      const unreadable = await c.next((m) => !isWsEvent(m) && m.id === null);
      expect(unreadable).toMatchObject({ id: null, result: { ok: false, error: { code: 'BAD_MESSAGE' } } });

      const added = await c.call('servers:addManual', { url: fake.pmsUrl, token: fake.token });
      expect(added.result.ok).toBe(true);
      expect(JSON.stringify(added)).not.toContain(fake.token);

      const updated = await c.call('config:update', { concurrent_scans: 4 });
      expect(updated.result).toMatchObject({ ok: true, value: { concurrent_scans: 4 } });
      const event = await c.next((m) => isWsEvent(m) && m.event === 'config:changed');
      expect(event).toMatchObject({ event: 'config:changed', payload: { concurrent_scans: 4 } });
    } finally {
      ws.close();
    }
  });

  it('builds the websocket URL from the page URL', () => {
    expect(websocketUrl('http://127.0.0.1:5000/?access=abc#/x')).toBe('ws://127.0.0.1:5000/ws?access=abc');
    expect(encodeRequest(3, 'app:info')).toBe('{"id":3,"channel":"app:info"}');
  });
});
