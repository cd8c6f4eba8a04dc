import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from './index';
import { CLIENT_HEADERS, plexGet, plexJson } from './test-helpers';

let fake: FakePlex;

beforeAll(async () => {
  fake = await startFakePlex({ seed: 5, movies: 20, shows: 2, episodes: 10 });
});
afterEach(() => fake.control.clearFaults());
afterAll(() => fake.stop());

const movieKey = () => fake.control.snapshot().items.find((i) => i.type === 'movie')!.ratingKey;

describe('faults', () => {
  it('adds latency to every answer', async () => {
    fake.control.setFaults({ latencyMs: 150 });
    const started = Date.now();
    expect((await plexGet(fake, '/library/sections')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('answers a seeded, repeatable share of 500/503', async () => {
    const statuses = async (target: FakePlex) => {
      const out: number[] = [];
      for (let i = 0; i < 40; i++)
        out.push((await plexGet(target, '/library/sections', { token: target.token })).status);
      return out;
    };
    const twin = await startFakePlex({
      seed: 5,
      movies: 1,
      shows: 0,
      episodes: 0,
      faults: { errorRate: 0.3 },
    });
    try {
      const triplet = await startFakePlex({
        seed: 5,
        movies: 1,
        shows: 0,
        episodes: 0,
        faults: { errorRate: 0.3 },
      });
      try {
        const a = await statuses(twin);
        const b = await statuses(triplet);
        expect(a).toEqual(b);
        expect(a.filter((s) => s >= 500).length).toBeGreaterThan(3);
        expect(a.filter((s) => s === 200).length).toBeGreaterThan(15);
        expect(new Set(a.filter((s) => s >= 500))).toEqual(new Set([500, 503]));
      } finally {
        await triplet.stop();
      }
    } finally {
      await twin.stop();
    }
  });

  it('hangs until the client gives up, scoped to a path, for a set number of times', async () => {
    fake.control.addFault({ kind: 'hang', path: '/library/sections/:id/all', times: 1 });
    await expect(plexGet(fake, '/library/sections', {}).then((r) => r.status)).resolves.toBe(200);
    await expect(
      fetch(`${fake.pmsUrl}/library/sections/1/all`, {
        headers: { 'X-Plex-Token': fake.token },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect((await plexGet(fake, '/library/sections/1/all')).status).toBe(200);
  });

  it('resets the connection mid-body', async () => {
    fake.control.addFault({ kind: 'reset', path: '/library/metadata/*' });
    const res = await plexGet(fake, `/library/metadata/${movieKey()}`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('sends truncated and malformed JSON', async () => {
    for (const kind of ['truncate', 'malformed'] as const) {
      const id = fake.control.addFault({ kind, path: '/library/sections' });
      const res = await plexGet(fake, '/library/sections');
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
      fake.control.removeFault(id);
    }
    expect((await plexGet(fake, '/library/sections')).status).toBe(200);
  });

  it('puts wrong types in chosen items', async () => {
    const rk = movieKey();
    fake.control.setFaults({
      corruptItems: {
        [rk]: {
          duration: '7020000',
          title: null,
          'Media.0.Part.0.size': 'huge',
          'Media.0.Part.0.Stream': null,
          Genre: 'oops',
        },
      },
    });
    const item = (await plexJson(fake, `/library/metadata/${rk}`)).MediaContainer.Metadata[0];
    expect(item.duration).toBe('7020000');
    expect('title' in item).toBe(false);
    expect(item.Media[0].Part[0].size).toBe('huge');
    expect(item.Media[0].Part[0].Stream).toBeUndefined();
    expect(item.Genre).toBe('oops');
    expect(typeof item.Media[0].Part[0].file).toBe('string');
    const list = (await plexJson(fake, '/library/sections/1/all')).MediaContainer.Metadata;
    const others = list.filter((m: { ratingKey: string }) => m.ratingKey !== rk);
    expect(
      others.every(
        (m: { title?: string; duration: unknown }) =>
          typeof m.title === 'string' && typeof m.duration === 'number',
      ),
    ).toBe(true);
  });

  it('invalidates the token after N requests, on PMS and plex.tv', async () => {
    const token = fake.control.mintToken();
    fake.control.setFaults({ tokenExpiresAfterRequests: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await plexGet(fake, '/library/sections', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 401, 401]);
    const user = await fetch(`${fake.plexTvUrl}/api/v2/user`, {
      headers: { ...CLIENT_HEADERS, 'X-Plex-Token': token },
    });
    expect(user.status).toBe(401);
  });

  it('goes away and comes back on the same port', async () => {
    await fake.control.pmsDown();
    await expect(fetch(`${fake.pmsUrl}/identity`)).rejects.toThrow();
    await fake.control.pmsUp();
    expect((await fetch(`${fake.pmsUrl}/identity`)).status).toBe(200);
    const res = await fetch(`${fake.plexTvUrl}/__control/pms/down`, {
      method: 'POST',
      headers: { 'X-Plex-Token': fake.token },
    });
    expect(res.status).toBe(200);
    await expect(fetch(`${fake.pmsUrl}/identity`)).rejects.toThrow();
    await fetch(`${fake.plexTvUrl}/__control/pms/up`, {
      method: 'POST',
      headers: { 'X-Plex-Token': fake.token },
    });
    expect((await fetch(`${fake.pmsUrl}/identity`)).status).toBe(200);
  });

  it('scopes faults to plex.tv with server: "plextv" (the PMS is unaffected) and can take plex.tv down', async () => {
    fake.control.addFault({ kind: 'error', status: 503, server: 'plextv', path: '/api/v2/*' });
    const user = await fetch(`${fake.plexTvUrl}/api/v2/user`, {
      headers: { ...CLIENT_HEADERS, 'X-Plex-Token': fake.token },
    });
    expect(user.status).toBe(503);
    expect((await plexGet(fake, '/library/sections')).status).toBe(200);
    fake.control.clearFaults();
    await fake.control.plexTvDown();
    await expect(fetch(`${fake.plexTvUrl}/api/v2/ping`)).rejects.toThrow();
    await fake.control.plexTvUp();
    const ping = await fetch(`${fake.plexTvUrl}/api/v2/ping`, {
      headers: { ...CLIENT_HEADERS, 'X-Plex-Token': fake.token },
    });
    expect(ping.status).toBe(200);
  });

  it('can ignore paging or leave out totalSize', async () => {
    fake.control.setFaults({ ignorePaging: true });
    const all = (
      await plexJson(fake, '/library/sections/1/all?X-Plex-Container-Start=0&X-Plex-Container-Size=5')
    ).MediaContainer;
    expect(all.size).toBe(20);
    fake.control.setFaults({ ignorePaging: false, dropTotalSize: true });
    const res = await plexGet(
      fake,
      '/library/sections/1/all?X-Plex-Container-Start=0&X-Plex-Container-Size=5',
    );
    expect(res.headers.get('x-plex-container-total-size')).toBeNull();
    const mc = ((await res.json()) as { MediaContainer: { size: number; totalSize?: number } })
      .MediaContainer;
    expect(mc.size).toBe(5);
    expect(mc.totalSize).toBeUndefined();
  });

  it('is configurable over HTTP, and logs which requests got a fault', async () => {
    const put = await fetch(`${fake.pmsUrl}/__control/faults`, {
      method: 'PUT',
      headers: { 'X-Plex-Token': fake.token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ rules: [{ kind: 'error', status: 503, path: '/library/sections', times: 2 }] }),
    });
    expect(put.status).toBe(200);
    fake.requestLog.reset();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await plexGet(fake, '/library/sections')).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(fake.requestLog.entries.map((e) => e.fault)).toEqual(['error', 'error', undefined]);
  });
});

describe('bad fault configuration', () => {
  it('is refused with a clear error', async () => {
    expect(() => fake.control.addFault({ kind: 'explode' as never })).toThrow(/unknown fault kind explode/);
    const res = await fetch(`${fake.pmsUrl}/__control/faults/rules`, {
      method: 'POST',
      headers: { 'X-Plex-Token': fake.token },
      body: JSON.stringify({ kind: 'error', rate: 7 }),
    });
    expect(res.status).toBe(400);
    expect((await plexGet(fake, '/library/sections')).status).toBe(200);
  });
});

describe('latency from the start options', () => {
  it('stays after clearFaults, and a runtime latency fault overrides it until cleared', async () => {
    const slow = await startFakePlex({ seed: 5, movies: 1, shows: 0, episodes: 0, latencyMs: 600 });
    try {
      const time = async () => {
        const started = Date.now();
        await plexGet(slow, '/identity');
        return Date.now() - started;
      };
      slow.control.addFault({ kind: 'error', path: '/library/*' });
      slow.control.clearFaults();
      expect(await time()).toBeGreaterThanOrEqual(590);
      slow.control.setFaults({ latencyMs: 0 });
      expect(await time()).toBeLessThan(500);
      slow.control.clearFaults();
      expect(await time()).toBeGreaterThanOrEqual(590);
    } finally {
      await slow.stop();
    }
  });
});
