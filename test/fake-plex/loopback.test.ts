// Issue 15: everything the fake plex.tv advertises stays on this machine. Every address, URI and
// image URL in its answers (JSON and XML, with every include flag) is loopback, plex.direct names are
// left out (they need DNS), the unreachable connections really are unreachable, and the avatar and
// PIN QR images are served by the fake itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from './index';
import { CLIENT_HEADERS, xmlElements, type Json } from './test-helpers';

let fake: FakePlex;

beforeAll(async () => {
  fake = await startFakePlex({ seed: 5, movies: 2, shows: 1, episodes: 2, sharedServer: true });
});
afterAll(() => fake.stop());

const ALL = '/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1';

function tv(path: string, init: { method?: string; json?: boolean } = {}) {
  return fetch(`${fake.plexTvUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...CLIENT_HEADERS,
      'X-Plex-Token': fake.token,
      Accept: init.json === false ? 'application/xml' : 'application/json',
    },
  });
}

function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

describe('the fake plex.tv stays on loopback', () => {
  it('lists every connection, public address and URI on loopback, and no plex.direct name', async () => {
    const res = await tv(ALL);
    const text = await res.text();
    expect(text).not.toMatch(/plex\.direct|plex\.tv|203\.0\.113|198\.51\.100|192\.0\.2\.|192\.168\./);
    const devices = JSON.parse(text) as Json[];
    expect(devices.length).toBe(4); // owned, shared, offline, player
    const connections = devices.flatMap((d) => d.connections as Json[]);
    expect(new Set(connections.map((c) => (c.relay ? 'relay' : c.local ? 'local' : 'remote')))).toEqual(
      new Set(['local', 'remote', 'relay']),
    );
    for (const c of connections) {
      expect(isLoopbackHost(c.address), c.address).toBe(true);
      expect(isLoopbackHost(new URL(c.uri).hostname), c.uri).toBe(true);
    }
    for (const d of devices) expect(isLoopbackHost(d.publicAddress), d.publicAddress).toBe(true);
    // Remote and relay sit on other loopback addresses, as a real LAN, public and relay address differ.
    const addresses = new Set(connections.map((c) => c.address));
    expect(addresses).toEqual(new Set(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '::1']));
  });

  it('answers the same on loopback in XML', async () => {
    const xml = await (await tv(ALL, { json: false })).text();
    expect(xml).not.toContain('plex.direct');
    const connections = xmlElements(xml, 'Connection');
    expect(connections.length).toBeGreaterThan(5);
    for (const c of connections) expect(isLoopbackHost(new URL(c.uri!).hostname), c.uri).toBe(true);
    for (const d of xmlElements(xml, 'Device')) expect(isLoopbackHost(d.publicAddress!)).toBe(true);
  });

  it('keeps exactly one working connection per server; the others are refused on loopback', async () => {
    const devices = (await (await tv(ALL)).json()) as Json[];
    const owned = devices.find((d) => d.clientIdentifier === fake.machineIdentifier)!;
    const outcomes = await Promise.all(
      (owned.connections as Json[]).map(async (c) => {
        try {
          const r = await fetch(`${c.uri}/identity`, { signal: AbortSignal.timeout(3000) });
          return `${c.uri} ${r.status}`;
        } catch {
          return `${c.uri} unreachable`;
        }
      }),
    );
    expect(outcomes.filter((o) => o.endsWith(' 200'))).toEqual([`${fake.pmsUrl} 200`]);
    expect(outcomes.filter((o) => o.endsWith(' unreachable')).length).toBe(outcomes.length - 1);
  });

  it('serves the account avatar and the PIN QR image itself', async () => {
    const user = (await (await tv('/api/v2/user')).json()) as Json;
    expect(user.thumb.startsWith(`${fake.plexTvUrl}/users/`)).toBe(true);
    const pin = (await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json()) as Json;
    expect(pin.qr.startsWith(`${fake.plexTvUrl}/api/v2/pins/qr/`)).toBe(true);
    for (const url of [user.thumb as string, pin.qr as string]) {
      const image = await fetch(url);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await image.arrayBuffer()).subarray(0, 4)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47]),
      );
    }
  });
});
