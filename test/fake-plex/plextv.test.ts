import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from './index';
import { CLIENT_HEADERS, type Json } from './test-helpers';

let fake: FakePlex;
let now = Date.parse('2026-01-01T00:00:00Z');

beforeAll(async () => {
  fake = await startFakePlex({
    seed: 3,
    movies: 5,
    shows: 1,
    episodes: 3,
    sharedServer: true,
    pinMinPollIntervalMs: 1000,
    clock: () => now,
  });
});
afterAll(() => fake.stop());

function tv(
  path: string,
  init: { method?: string; token?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const headers: Record<string, string> = { ...CLIENT_HEADERS, ...init.headers };
  if (init.token) headers['X-Plex-Token'] = init.token;
  return fetch(`${fake.plexTvUrl}${path}`, { method: init.method ?? 'GET', headers, body: init.body });
}

describe('PIN login', () => {
  it('creates strong PINs (25 chars, 1800 s) and short ones (4 chars, 900 s) with 201', async () => {
    const strong = await tv('/api/v2/pins?strong=true', { method: 'POST' });
    expect(strong.status).toBe(201);
    const s = (await strong.json()) as Json;
    expect(s.code).toMatch(/^[a-z0-9]{25}$/);
    expect(s.expiresIn).toBe(1800);
    expect(s.authToken).toBeNull();
    expect(s.clientIdentifier).toBe(CLIENT_HEADERS['X-Plex-Client-Identifier']);
    expect(typeof s.id).toBe('number');
    const short = await tv('/api/v2/pins', { method: 'POST' });
    const p = (await short.json()) as Json;
    expect(p.code).toHaveLength(4);
    expect(p.expiresIn).toBe(900);
    const formStrong = await tv('/api/v2/pins', {
      method: 'POST',
      body: 'strong=true',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(((await formStrong.json()) as Json).code).toHaveLength(25);
  });

  it('rejects a PIN request without X-Plex-Client-Identifier (400, code 1000)', async () => {
    const res = await fetch(`${fake.plexTvUrl}/api/v2/pins?strong=true`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).errors[0].code).toBe(1000);
  });

  it('polls null until approved, counts expiresIn down, rate limits fast polls, then returns a working token', async () => {
    const pin = (await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json()) as Json;
    const first = (await (await tv(`/api/v2/pins/${pin.id}`)).json()) as Json;
    expect(first.authToken).toBeNull();
    const tooFast = await tv(`/api/v2/pins/${pin.id}`);
    expect(tooFast.status).toBe(429);
    expect(((await tooFast.json()) as Json).errors[0].code).toBe(1003);
    now += 61_000;
    const later = (await (await tv(`/api/v2/pins/${pin.id}`)).json()) as Json;
    expect(later.expiresIn).toBe(1800 - 61);
    fake.control.approvePin(pin.id);
    now += 2000;
    const approved = (await (await tv(`/api/v2/pins/${pin.id}`)).json()) as Json;
    expect(typeof approved.authToken).toBe('string');
    expect(approved.authToken).not.toBe(fake.token);
    const user = await tv('/api/v2/user', { token: approved.authToken });
    expect(user.status).toBe(200);
    const pms = await fetch(`${fake.pmsUrl}/library/sections`, {
      headers: { 'X-Plex-Token': approved.authToken },
    });
    expect(pms.status).toBe(200);
  });

  it('approves over the HTTP control endpoint (by id) and through the fake auth page (by code)', async () => {
    const a = (await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json()) as Json;
    const ctl = await fetch(`${fake.plexTvUrl}/__control/pins/${a.id}/approve`, {
      method: 'POST',
      headers: { 'X-Plex-Token': fake.token },
    });
    expect(ctl.status).toBe(200);
    now += 2000;
    expect(((await (await tv(`/api/v2/pins/${a.id}`)).json()) as Json).authToken).toBeTruthy();
    const noToken = await fetch(`${fake.plexTvUrl}/__control/pins/${a.id}/approve`, { method: 'POST' });
    expect(noToken.status).toBe(401);
    const b = (await (await tv('/api/v2/pins', { method: 'POST' })).json()) as Json;
    const page = await fetch(`${fake.plexTvUrl}/auth`);
    expect(await page.text()).toContain('Approve');
    const viaPage = await fetch(`${fake.plexTvUrl}/auth/approve`, {
      method: 'POST',
      body: `code=${b.code}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(viaPage.status).toBe(200);
    now += 2000;
    expect(((await (await tv(`/api/v2/pins/${b.id}`)).json()) as Json).authToken).toBeTruthy();
  });

  it('answers 404 code 1020 after expiry (by time or by control)', async () => {
    const a = (await (await tv('/api/v2/pins', { method: 'POST' })).json()) as Json;
    now += 901_000;
    const expired = await tv(`/api/v2/pins/${a.id}`);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as Json).errors[0]).toMatchObject({
      code: 1020,
      message: 'Code not found or expired',
    });
    const b = (await (await tv('/api/v2/pins?strong=true', { method: 'POST' })).json()) as Json;
    fake.control.expirePin(b.code);
    expect((await tv(`/api/v2/pins/${b.id}`)).status).toBe(404);
  });
});

describe('account', () => {
  it('validates tokens with /api/v2/user and /api/v2/ping; unknown → 401 code 1001', async () => {
    const ok = await tv('/api/v2/user', { token: fake.token });
    expect(ok.status).toBe(200);
    const user = (await ok.json()) as Json;
    expect(user).toMatchObject({
      username: expect.any(String),
      uuid: expect.any(String),
      id: expect.any(Number),
    });
    expect((await tv('/api/v2/ping', { token: fake.token })).status).toBe(200);
    const bad = await tv('/api/v2/user', { token: 'nope' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as Json).errors[0].code).toBe(1001);
  });

  it('revoking a token makes plex.tv and the PMS answer 401; restoring brings it back', async () => {
    const token = fake.control.mintToken();
    expect((await tv('/api/v2/user', { token })).status).toBe(200);
    fake.control.revokeToken(token);
    expect((await tv('/api/v2/user', { token })).status).toBe(401);
    expect(
      (await fetch(`${fake.pmsUrl}/library/sections`, { headers: { 'X-Plex-Token': token } })).status,
    ).toBe(401);
    fake.control.restoreToken(token);
    expect(
      (await fetch(`${fake.pmsUrl}/library/sections`, { headers: { 'X-Plex-Token': token } })).status,
    ).toBe(200);
  });
});

describe('resources', () => {
  it('returns a bare array with the fake PMS, a shared server, an offline server and a player', async () => {
    const res = await tv('/api/v2/resources?includeHttps=1&includeRelay=1', { token: fake.token });
    expect(res.status).toBe(200);
    const devices = (await res.json()) as Json[];
    expect(Array.isArray(devices)).toBe(true);
    const servers = devices.filter((d) => d.provides.split(',').includes('server'));
    expect(devices.length).toBeGreaterThan(servers.length);
    const owned = servers.find((s) => s.clientIdentifier === fake.machineIdentifier)!;
    expect(owned).toMatchObject({
      owned: true,
      accessToken: fake.token,
      presence: true,
      product: 'Plex Media Server',
    });
    expect(owned.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(owned.connections.some((c: Json) => c.relay)).toBe(true);
    expect(owned.connections.some((c: Json) => c.uri === fake.pmsUrl)).toBe(true);
    const results = await Promise.all(
      owned.connections
        .filter((c: Json) => c.uri.startsWith('http://127.0.0.1'))
        .map(async (c: Json) => {
          try {
            return (await fetch(`${c.uri}/identity`, { signal: AbortSignal.timeout(2000) })).status;
          } catch {
            return 'unreachable';
          }
        }),
    );
    expect(results).toContain(200);
    expect(results).toContain('unreachable');

    const shared = servers.find((s) => s.owned === false)!;
    expect(shared.clientIdentifier).toBe(fake.sharedServer!.machineIdentifier);
    expect(shared.accessToken).toBe(fake.sharedServer!.token);
    expect(shared.sourceTitle).toBeTruthy();
    const sharedOk = await fetch(`${fake.sharedServer!.pmsUrl}/library/sections`, {
      headers: { 'X-Plex-Token': shared.accessToken, Accept: 'application/json' },
    });
    expect(sharedOk.status).toBe(200);
    const sharedWithAccountToken = await fetch(`${fake.sharedServer!.pmsUrl}/library/sections`, {
      headers: { 'X-Plex-Token': fake.token },
    });
    expect(sharedWithAccountToken.status).toBe(401);
    expect(servers.some((s) => s.presence === false)).toBe(true);
  });

  it('lists relays only with includeRelay=1 and requires a valid token', async () => {
    const devices = (await (await tv('/api/v2/resources', { token: fake.token })).json()) as Json[];
    expect(devices.flatMap((d) => d.connections).some((c: Json) => c.relay)).toBe(false);
    expect((await tv('/api/v2/resources', { token: 'bad' })).status).toBe(401);
  });
});
