import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelledError,
  PlexAuthError,
  PlexDataError,
  PlexNetworkError,
  PlexNotFoundError,
  PlexTimeoutError,
} from '../../src-main/core/errors/errors';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { buildQueryString, createServerClient } from '../../src-main/core/plex/server-client';

const TOKEN = 'tok-abcdef123456';
const identity = makeIdentity('retrovue-test-client');
const seen: IncomingMessage[] = [];
let flaky = 0;

function handler(req: IncomingMessage, res: ServerResponse): void {
  seen.push(req);
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (body: unknown, type = 'application/json') => {
    res.writeHead(200, { 'Content-Type': type });
    res.end(JSON.stringify(body));
  };
  if (url.pathname === '/identity') return json({ MediaContainer: { machineIdentifier: 'm1', size: 0 } });
  if (req.headers['x-plex-token'] !== TOKEN) {
    res.writeHead(401, { 'Content-Type': 'text/html' });
    res.end('<html><h1>401 Unauthorized</h1></html>');
    return;
  }
  switch (url.pathname) {
    case '/charset':
      return json(
        { MediaContainer: { size: 1, Metadata: [{ ratingKey: '1' }] } },
        'application/json; charset=utf-8',
      );
    case '/list': {
      const start = Number(
        req.headers['x-plex-container-start'] ?? url.searchParams.get('X-Plex-Container-Start'),
      );
      const size = Number(
        req.headers['x-plex-container-size'] ?? url.searchParams.get('X-Plex-Container-Size'),
      );
      const total = 23;
      // A server that returns fewer items than asked must still be walked completely.
      const n = Math.max(0, Math.min(size - 1, total - start));
      const items = Array.from({ length: n }, (_, i) => ({ ratingKey: String(start + i) }));
      return json({ MediaContainer: { size: n, totalSize: total, offset: start, Metadata: items } });
    }
    case '/exact': {
      const start = Number(req.headers['x-plex-container-start']);
      const size = Number(req.headers['x-plex-container-size']);
      const total = 47;
      const n = Math.max(0, Math.min(size, total - start));
      const items = Array.from({ length: n }, (_, i) => ({ ratingKey: String(start + i) }));
      // Later pages answer faster, so an in-order result proves the reordering.
      setTimeout(
        () => json({ MediaContainer: { size: n, totalSize: total, offset: start, Metadata: items } }),
        40 - Math.min(start, 40),
      );
      return;
    }
    case '/nototal': {
      const start = Number(req.headers['x-plex-container-start']);
      const items =
        start >= 7
          ? []
          : Array.from({ length: Math.min(5, 7 - start) }, (_, i) => ({ ratingKey: String(start + i) }));
      return json({ MediaContainer: { size: items.length, Metadata: items } });
    }
    case '/missing':
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html>404</html>');
      return;
    case '/boom':
      res.writeHead(500, { 'Content-Type': 'application/xml' });
      res.end('<x/>');
      return;
    case '/flaky':
      flaky += 1;
      if (flaky < 3) {
        res.writeHead(503);
        res.end();
        return;
      }
      return json({ MediaContainer: { size: 0, attempt: flaky } });
    case '/truncated':
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"MediaContainer": {"size": 3, "Metadata": [{"ratingKey"');
      return;
    case '/noroot':
      return json({ something: 1 });
    case '/slow':
      setTimeout(() => json({ MediaContainer: {} }), 1500);
      return;
    case '/image':
      res.writeHead(200, { 'Content-Type': 'image/jpeg' });
      res.end(Buffer.from([0xff, 0xd8, 0xff, 0x01, 0x02]));
      return;
    default:
      res.writeHead(404);
      res.end();
  }
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('server client', () => {
  it('sends identity headers and the token, and parses JSON with a charset', async () => {
    const client = createServerClient({ baseUrl, token: TOKEN, identity });
    const { data, bytes } = await client.get('/charset');
    expect(data.MediaContainer.size).toBe(1);
    expect(bytes).toBeGreaterThan(10);
    const req = seen.at(-1)!;
    expect(req.headers['x-plex-client-identifier']).toBe('retrovue-test-client');
    expect(req.headers['x-plex-product']).toBe('RetroVue');
    expect(req.headers.accept).toBe('application/json');
    expect(client.stats()).toEqual({ apiCalls: 1, bytesReceived: bytes });
    client.close();
  });

  it('reads /identity without a token', async () => {
    const client = createServerClient({ baseUrl, identity });
    const { data } = await client.get('/identity');
    expect(data.MediaContainer.machineIdentifier).toBe('m1');
    expect(seen.at(-1)!.headers['x-plex-token']).toBeUndefined();
    client.close();
  });

  it('maps failures to typed errors', async () => {
    const client = createServerClient({ baseUrl, token: TOKEN, identity, timeoutMs: 300 });
    await expect(client.get('/missing')).rejects.toBeInstanceOf(PlexNotFoundError);
    await expect(client.get('/boom')).rejects.toMatchObject({ constructor: PlexNetworkError, status: 500 });
    await expect(client.get('/truncated')).rejects.toBeInstanceOf(PlexDataError);
    await expect(client.get('/noroot')).rejects.toBeInstanceOf(PlexDataError);
    await expect(client.get('/slow')).rejects.toBeInstanceOf(PlexTimeoutError);
    const bad = createServerClient({ baseUrl, token: 'wrong-token-123', identity });
    const err = await bad.get('/charset').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlexAuthError);
    expect((err as PlexAuthError).status).toBe(401);
    const down = createServerClient({ baseUrl: 'http://127.0.0.1:1', token: TOKEN, identity });
    await expect(down.get('/x')).rejects.toBeInstanceOf(PlexNetworkError);
    for (const c of [client, bad, down]) c.close();
  });

  it('retries transient failures', async () => {
    flaky = 0;
    const client = createServerClient({
      baseUrl,
      token: TOKEN,
      identity,
      retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 100 },
    });
    const { data } = await client.get('/flaky');
    expect(data.MediaContainer.attempt).toBe(3);
    expect(client.stats().apiCalls).toBe(3);
    await expect(client.get('/missing')).rejects.toBeInstanceOf(PlexNotFoundError);
    expect(client.stats().apiCalls).toBe(4);
    client.close();
  });

  it('cancels through an AbortSignal', async () => {
    const client = createServerClient({ baseUrl, token: TOKEN, identity });
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 50);
    await expect(client.get('/slow', { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(1000);
    client.close();
  });

  it('pages by items received and stops at totalSize or an empty page', async () => {
    const client = createServerClient({ baseUrl, token: TOKEN, identity });
    const keys: string[] = [];
    for await (const page of client.paginate('/list', { pageSize: 10 })) {
      keys.push(...page.items.map((i) => (i as { ratingKey: string }).ratingKey));
    }
    expect(keys).toEqual(Array.from({ length: 23 }, (_, i) => String(i)));
    expect(seen.at(-1)!.headers['x-plex-container-size']).toBe('10');
    const nototal: string[] = [];
    for await (const page of client.paginate('/nototal', { pageSize: 5, start: 2 })) {
      nototal.push(...page.items.map((i) => (i as { ratingKey: string }).ratingKey));
    }
    expect(nototal).toEqual(['2', '3', '4', '5', '6']);
    client.close();
  });

  it('fetches pages ahead when the server honours page sizes, in order', async () => {
    const client = createServerClient({ baseUrl, token: TOKEN, identity });
    const keys: string[] = [];
    for await (const page of client.paginate('/exact', { pageSize: 10, concurrency: 3 })) {
      keys.push(...page.items.map((i) => (i as { ratingKey: string }).ratingKey));
    }
    expect(keys).toEqual(Array.from({ length: 47 }, (_, i) => String(i)));
    expect(client.stats().apiCalls).toBe(5);
    // A server that caps page sizes: no offset is guessed, nothing is skipped.
    const capped: string[] = [];
    for await (const page of client.paginate('/list', { pageSize: 10, concurrency: 3 })) {
      capped.push(...page.items.map((i) => (i as { ratingKey: string }).ratingKey));
    }
    expect(capped).toEqual(Array.from({ length: 23 }, (_, i) => String(i)));
    client.close();
  });

  it('returns binary bodies', async () => {
    const client = createServerClient({ baseUrl, token: TOKEN, identity });
    const img = await client.getBinary('/image');
    expect(img.contentType).toBe('image/jpeg');
    expect([...img.data]).toEqual([0xff, 0xd8, 0xff, 0x01, 0x02]);
    client.close();
  });

  it('builds filter query strings without mangling operators', () => {
    expect(buildQueryString({ type: 1, 'updatedAt>>': 123, includeGuids: true, x: undefined })).toBe(
      '?type=1&updatedAt%3E%3E=123&includeGuids=1',
    );
  });
});
