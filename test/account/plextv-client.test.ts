// How the plex.tv client turns odd answers into typed errors, against a scripted loopback server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceConnections } from '../../src-main/core/discovery/resources';
import {
  CancelledError,
  PlexAuthError,
  PlexDataError,
  PlexNetworkError,
  PlexNotFoundError,
  PlexTimeoutError,
} from '../../src-main/core/errors/errors';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createPlexTvClient, parseResources, parseRetryAfter } from '../../src-main/core/plex/plextv-client';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
let server: Server;
let baseUrl: string;
const seen: IncomingMessage[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const client = () =>
  createPlexTvClient({ baseUrl, identity: makeIdentity('retrovue-client-test'), timeoutMs: 500 });
const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

describe('plex.tv client', () => {
  it('sends the identity headers and the token as a header, never in the URL', async () => {
    handler = json(200, { uuid: 'u-1', username: 'someone', thumb: 'https://x/avatar' });
    const user = await client().getUser('secret-token-abcdef');
    expect(user).toMatchObject({ uuid: 'u-1', username: 'someone', avatarUrl: 'https://x/avatar' });
    const req = seen.at(-1)!;
    expect(req.url).toBe('/api/v2/user');
    expect(req.headers['x-plex-token']).toBe('secret-token-abcdef');
    expect(req.headers['x-plex-client-identifier']).toBe('retrovue-client-test');
    expect(req.headers['x-plex-product']).toBe('RetroVue');
    expect(req.headers.accept).toBe('application/json');
  });

  it('maps plex.tv error bodies and statuses to typed errors with the plex code', async () => {
    handler = json(401, {
      errors: [{ code: 1001, message: 'User could not be authenticated', status: 401 }],
    });
    const auth = await client()
      .getUser('t-123456')
      .catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(PlexAuthError);
    expect(auth).toMatchObject({ status: 401, plexCode: 1001 });

    handler = json(422, { errors: [{ code: 1099, message: 'Invalid token' }] });
    await expect(client().ping('t-123456')).rejects.toBeInstanceOf(PlexAuthError);

    handler = json(404, { errors: [{ code: 1020, message: 'Code not found or expired', status: 404 }] });
    await expect(client().getPin(5, 'abc')).rejects.toMatchObject({
      plexCode: 1020,
      constructor: PlexNotFoundError,
    });

    handler = json(
      429,
      { errors: [{ code: 1003, message: 'API rate limit exceeded', status: 429 }] },
      { 'Retry-After': '3' },
    );
    const limited = await client()
      .getPin(5, 'abc')
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(PlexNetworkError);
    expect(limited).toMatchObject({ status: 429, plexCode: 1003, retryAfterMs: 3000, retryable: true });

    handler = json(503, {});
    await expect(client().ping('t-123456')).rejects.toMatchObject({ status: 503, retryable: true });
  });

  it('rejects malformed answers with PlexDataError', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"id": 12, "code": ');
    };
    await expect(client().createPin()).rejects.toBeInstanceOf(PlexDataError);
    handler = json(201, { id: 'not-a-number', code: 'x' });
    await expect(client().createPin()).rejects.toBeInstanceOf(PlexDataError);
    handler = json(200, { uuid: 5 });
    await expect(client().getUser('t-123456')).rejects.toBeInstanceOf(PlexDataError);
    handler = json(200, { not: 'a list' });
    await expect(client().resources('t-123456')).rejects.toBeInstanceOf(PlexDataError);
  });

  it('reads the PIN expiry from expiresAt, falling back to expiresIn', async () => {
    handler = json(201, { id: 7, code: 'abc', expiresAt: '2030-01-01T00:00:00Z', authToken: null });
    expect(await client().createPin()).toEqual({
      id: 7,
      code: 'abc',
      expiresAt: Date.parse('2030-01-01T00:00:00Z'),
      authToken: null,
    });
    expect(seen.at(-1)!.method).toBe('POST');
    expect(seen.at(-1)!.url).toBe('/api/v2/pins?strong=true');
    handler = json(201, { id: 8, code: 'def', expiresIn: 1800 });
    const before = Date.now();
    const pin = await client().createPin();
    expect(pin.expiresAt).toBeGreaterThanOrEqual(before + 1_800_000);
  });

  it('times out, is cancellable, and reports an unreachable plex.tv as a network error', async () => {
    handler = () => undefined; // never answers
    await expect(client().ping('t-123456')).rejects.toBeInstanceOf(PlexTimeoutError);
    const controller = new AbortController();
    const pending = client().ping('t-123456', { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    const dead = createPlexTvClient({ baseUrl: 'http://127.0.0.1:1', identity: makeIdentity('x') });
    await expect(dead.ping('t-123456')).rejects.toBeInstanceOf(PlexNetworkError);
  });

  it('parses Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
});

describe('resources parsing', () => {
  it('keeps valid entries when others are malformed, and drops malformed connections', () => {
    const { resources, rejected } = parseResources([
      {
        name: 'Good',
        clientIdentifier: 'm1',
        provides: 'server',
        owned: true,
        accessToken: 'tok-123456',
        httpsRequired: false,
        connections: [
          {
            protocol: 'https',
            address: '192.168.1.5',
            port: 32400,
            uri: 'https://192-168-1-5.h.plex.direct:32400',
            local: true,
            relay: false,
          },
          { protocol: 'gopher', address: 'x', port: 1, uri: 'gopher://x' },
          {
            protocol: 'https',
            address: '198.51.100.2',
            port: 8443,
            uri: 'https://relay.plex.direct:8443',
            local: false,
            relay: true,
          },
          {
            protocol: 'https',
            address: '203.0.113.9',
            port: '32400',
            uri: 'https://203-0-113-9.h.plex.direct:32400',
            local: 0,
            relay: 0,
          },
        ],
      },
      { name: 'No id', provides: 'server' },
      'garbage',
    ]);
    expect(resources).toHaveLength(1);
    expect(rejected.map((r) => r.index)).toEqual([1, 2]);
    const good = resources[0]!;
    expect(good.connections).toHaveLength(3);
    // http twins for the direct https connections (not for the relay), ranked later by the picker.
    expect(resourceConnections(good).map((c) => `${c.kind} ${c.uri}`)).toEqual([
      'local https://192-168-1-5.h.plex.direct:32400',
      'local http://192.168.1.5:32400',
      'relay https://relay.plex.direct:8443',
      'remote https://203-0-113-9.h.plex.direct:32400',
      'remote http://203.0.113.9:32400',
    ]);
    expect(resourceConnections({ ...good, httpsRequired: true }).every((c) => c.protocol === 'https')).toBe(
      true,
    );
  });
});
