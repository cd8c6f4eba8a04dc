import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from './index';
import { plexGet, plexJson, type Json } from './test-helpers';

let fake: FakePlex;
let now = Date.parse('2026-03-01T12:00:00Z');

beforeAll(async () => {
  fake = await startFakePlex({ seed: 11, movies: 12, shows: 3, episodes: 20, clock: () => now });
});
afterAll(() => fake.stop());

const sections = async () => (await plexJson(fake, '/library/sections')).MediaContainer.Directory as Json[];

describe('library mutations', () => {
  it('change bumps the item updatedAt (and thumb stamp), the section updatedAt and contentChangedAt', async () => {
    const [before] = await sections();
    const movie = fake.control.snapshot().items.find((i) => i.type === 'movie')!;
    now += 1000;
    fake.control.change(movie.ratingKey, { title: 'Renamed Movie', summary: 'New summary' });
    const item = (await plexJson(fake, `/library/metadata/${movie.ratingKey}`)).MediaContainer.Metadata[0];
    const stamp = Math.floor(now / 1000);
    expect(item).toMatchObject({ title: 'Renamed Movie', summary: 'New summary', updatedAt: stamp });
    if (item.thumb) expect(item.thumb).toBe(`/library/metadata/${movie.ratingKey}/thumb/${stamp}`);
    const [after] = await sections();
    expect(after.updatedAt).toBe(stamp);
    expect(after.contentChangedAt).toBeGreaterThan(before!.contentChangedAt);
    const delta = await plexJson(fake, `/library/sections/1/all?updatedAt>>=${stamp - 1}`);
    expect(delta.MediaContainer.Metadata.map((m: Json) => m.ratingKey)).toEqual([movie.ratingKey]);
  });

  it('adds movies, shows and episodes that appear in lists, details and counts', async () => {
    now += 1000;
    const movie = fake.control.addMovie({ title: 'Brand New Film' });
    const found = (await plexJson(fake, `/library/metadata/${movie.ratingKey}`)).MediaContainer.Metadata[0];
    expect(found.title).toBe('Brand New Film');
    expect(found.addedAt).toBe(Math.floor(now / 1000));
    expect(
      (await plexJson(fake, '/library/sections/1/all?X-Plex-Container-Size=0&X-Plex-Container-Start=0'))
        .MediaContainer.totalSize,
    ).toBe(13);
    const show = fake.control.addShow(2);
    const leaves = (await plexJson(fake, `/library/metadata/${show.ratingKey}/allLeaves`)).MediaContainer;
    expect(leaves.size).toBe(2);
    const episode = fake.control.addEpisode({ showKey: show.ratingKey, seasonIndex: 2 });
    const seasons = (await plexJson(fake, `/library/metadata/${show.ratingKey}/children`)).MediaContainer
      .Metadata;
    expect(seasons.map((s: Json) => s.index)).toEqual([1, 2]);
    expect(
      (await plexJson(fake, `/library/metadata/${episode.ratingKey}`)).MediaContainer.Metadata[0].parentIndex,
    ).toBe(2);
  });

  it('moves a file: Part.file changes and the item shows up in an updatedAt delta', async () => {
    const episode = fake.control.snapshot().items.find((i) => i.type === 'episode')!;
    now += 5000;
    fake.control.moveFile(episode.ratingKey, '/mnt/new-disk/tv/moved.mkv');
    const item = (await plexJson(fake, `/library/metadata/${episode.ratingKey}`)).MediaContainer.Metadata[0];
    expect(item.Media[0].Part[0].file).toBe('/mnt/new-disk/tv/moved.mkv');
    const delta = await plexJson(
      fake,
      `/library/sections/2/all?type=4&updatedAt>>=${Math.floor(now / 1000) - 1}`,
    );
    expect(delta.MediaContainer.Metadata.map((m: Json) => m.ratingKey)).toContain(episode.ratingKey);
  });

  it('deletes items (404 afterwards), cascading shows to seasons and episodes', async () => {
    const movie = fake.control.snapshot().items.find((i) => i.type === 'movie')!;
    fake.control.delete(movie.ratingKey);
    expect((await plexGet(fake, `/library/metadata/${movie.ratingKey}`)).status).toBe(404);
    const show = fake.control.snapshot().items.find((i) => i.type === 'show')!;
    const removed = fake.control.delete(show.ratingKey);
    expect(removed).toContain(show.ratingKey);
    expect(removed.length).toBeGreaterThan(2);
    for (const rk of removed) expect(fake.library.get(rk)).toBeUndefined();
    const episodes = (await plexJson(fake, '/library/sections/2/all?type=4')).MediaContainer
      .Metadata as Json[];
    expect(episodes.some((e) => e.grandparentRatingKey === show.ratingKey)).toBe(false);
  });

  it('removes a season left empty when its last episode is deleted', () => {
    const show = fake.control.addShow(1);
    const [episode] = fake.library.allLeaves(show);
    const seasonKey = show.seasonKeys[0]!;
    const removed = fake.control.delete(episode!.ratingKey);
    expect(removed.sort()).toEqual([episode!.ratingKey, seasonKey, show.ratingKey].sort());
    expect(fake.library.get(show.ratingKey)).toBeUndefined();
  });

  it('empties a library', async () => {
    expect(fake.control.emptyLibrary(1)).toBeGreaterThan(0);
    const all = await plexJson(fake, '/library/sections/1/all');
    expect(all.MediaContainer.size).toBe(0);
    expect(fake.control.snapshot().items.some((i) => i.type === 'movie')).toBe(false);
  });

  it('offers the same over HTTP under /__control (token required)', async () => {
    const ctl = (path: string, method: string, body?: object, token: string | null = fake.token) =>
      fetch(`${fake.pmsUrl}/__control${path}`, {
        method,
        headers: token ? { 'X-Plex-Token': token, 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
    expect((await ctl('/items/movie', 'POST', { title: 'x' }, null)).status).toBe(401);
    const added = (await (await ctl('/items/movie', 'POST', { title: 'Over HTTP' })).json()) as Json;
    expect(added.ratingKey).toBeTruthy();
    const changed = await ctl(`/items/${added.ratingKey}/change`, 'POST', { title: 'Changed Over HTTP' });
    expect(changed.status).toBe(200);
    expect(fake.library.get(added.ratingKey)!.title).toBe('Changed Over HTTP');
    const moved = await ctl(`/items/${added.ratingKey}/move`, 'POST', { file: '/data/movies/x.mkv' });
    expect(moved.status).toBe(200);
    const deleted = (await (await ctl(`/items/${added.ratingKey}`, 'DELETE')).json()) as Json;
    expect(deleted.deleted).toEqual([added.ratingKey]);
    expect((await ctl('/items/424242/change', 'POST', {})).status).toBe(404);
    const snapshot = (await (await ctl('/snapshot', 'GET')).json()) as Json;
    expect(snapshot.sections).toHaveLength(2);
    expect(fake.requestLog.count(undefined, 'pms')).toBeGreaterThan(0);
    expect(Object.keys(fake.requestLog.counts()).some((k) => k.includes('__control'))).toBe(false);
  });
});

describe('request log', () => {
  it('counts requests per normalised route and resets', async () => {
    fake.requestLog.reset();
    const rks = fake.control
      .snapshot()
      .items.slice(0, 3)
      .map((i) => i.ratingKey);
    for (const rk of rks) await plexGet(fake, `/library/metadata/${rk}`);
    await plexGet(fake, '/library/sections/2/all?type=4');
    await plexGet(fake, '/library/metadata/999999');
    expect(fake.requestLog.count('/library/metadata/:id')).toBe(4);
    expect(fake.requestLog.count('/library/sections/:id/all')).toBe(1);
    expect(fake.requestLog.counts()['pms GET /library/metadata/:id']).toBe(4);
    expect(fake.requestLog.entries.at(-1)!.status).toBe(404);
    fake.requestLog.reset();
    expect(fake.requestLog.count()).toBe(0);
  });
});

describe('bad control input', () => {
  it('rejects unknown or structural fields with a clear error, in-process and over HTTP', async () => {
    const movie = fake.control.addMovie();
    expect(() => fake.control.change(movie.ratingKey, { ratingKey: '1' } as never)).toThrow(
      /cannot change ratingKey/,
    );
    const res = await fetch(`${fake.pmsUrl}/__control/items/${movie.ratingKey}/change`, {
      method: 'POST',
      headers: { 'X-Plex-Token': fake.token },
      body: JSON.stringify({ updatedAt: 5 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/cannot change updatedAt/);
    const notJson = await fetch(`${fake.pmsUrl}/__control/items/movie`, {
      method: 'POST',
      headers: { 'X-Plex-Token': fake.token },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    expect(fake.library.get(movie.ratingKey)!.ratingKey).toBe(movie.ratingKey);
  });
});
