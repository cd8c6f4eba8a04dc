// The fake's real-server behaviours from issue 12, each with the source it follows in pms.ts/library.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from './index';
import { plexGet, plexJson, type Json } from './test-helpers';

let fake: FakePlex | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const start = async (o: Parameters<typeof startFakePlex>[0] = {}) =>
  (fake = await startFakePlex({ seed: 11, movies: 12, shows: 3, episodes: 20, ...o }));

describe('paging limits', () => {
  it('refuses a section listing without X-Plex-Container-Size, and pages above 1000, with 400', async () => {
    const f = await start();
    const missing = await fetch(`${f.pmsUrl}/library/sections/1/all`, {
      headers: { 'X-Plex-Token': f.token, Accept: 'application/json' },
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Missing X-Plex-Container-Size');
    const big = await plexGet(f, '/library/sections/1/all', { headers: { 'X-Plex-Container-Size': '1001' } });
    expect(big.status).toBe(400);
    expect(await big.text()).toContain('limit of 1000');
    const ok = await plexGet(f, '/library/sections/1/all?X-Plex-Container-Size=1000');
    expect(ok.status).toBe(200);
  });

  it('announces each listing page before serving it, so a test can change the library between pages', async () => {
    const f = await start();
    const seen: number[] = [];
    f.library.on('listing', (e) => {
      seen.push(e.start);
      if (e.start === 5)
        f.control.delete(f.control.snapshot().items.find((i) => i.type === 'movie')!.ratingKey);
    });
    const first = await plexJson(
      f,
      '/library/sections/1/all?X-Plex-Container-Start=0&X-Plex-Container-Size=5',
    );
    const second = await plexJson(
      f,
      '/library/sections/1/all?X-Plex-Container-Start=5&X-Plex-Container-Size=5',
    );
    expect(seen).toEqual([0, 5]);
    expect(first.MediaContainer.totalSize).toBe(12);
    expect(second.MediaContainer.totalSize).toBe(11);
  });
});

describe('auth expiry', () => {
  it('answers 498 for an expired (JWT) token, and 200 again once it is no longer expired', async () => {
    const f = await start();
    f.control.setFaults({ expiredTokens: [f.token] });
    expect((await plexGet(f, '/library/sections')).status).toBe(498);
    expect((await plexGet(f, '/identity', { token: null })).status).toBe(200);
    f.control.clearFaults();
    const body: Json = await plexJson(f, '/library/sections');
    expect(body.MediaContainer.size).toBe(2);
  });
});
