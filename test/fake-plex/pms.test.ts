import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from './index';
import { plexGet, plexJson, xmlElements, type Json } from './test-helpers';

let fake: FakePlex;

beforeAll(async () => {
  fake = await startFakePlex({ seed: 7, movies: 30, shows: 6, episodes: 80 });
});
afterAll(() => fake.stop());

describe('auth and formats', () => {
  it('serves /identity without a token', async () => {
    const body = await plexJson(fake, '/identity', { token: null });
    expect(body.MediaContainer).toMatchObject({
      machineIdentifier: fake.machineIdentifier,
      claimed: true,
      size: 0,
    });
  });

  it('answers 401 with an HTML body without a token, a bad token, even for JSON requests', async () => {
    for (const token of [null, 'not-a-token']) {
      for (const path of ['/', '/library/sections', '/library/metadata/1000', '/library/sections/1/all']) {
        const res = await plexGet(fake, path, { token });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toBe('text/html');
        expect(await res.text()).toContain('<h1>401 Unauthorized</h1>');
      }
    }
  });

  it('accepts the token as a query parameter', async () => {
    const res = await plexGet(fake, `/library/sections?X-Plex-Token=${fake.token}`, { token: null });
    expect(res.status).toBe(200);
  });

  it('answers XML unless JSON is asked for, with the same data', async () => {
    const jsonBody = await plexJson(fake, '/library/sections');
    const xmlRes = await plexGet(fake, '/library/sections', { json: false });
    expect(xmlRes.headers.get('content-type')).toContain('text/xml');
    expect(xmlRes.headers.get('x-plex-protocol')).toBe('1.0');
    const xml = await xmlRes.text();
    expect(xml.startsWith('<?xml')).toBe(true);
    const dirs = xmlElements(xml, 'Directory');
    expect(dirs.map((d) => d.key)).toEqual(jsonBody.MediaContainer.Directory.map((d: Json) => d.key));
    expect(dirs.map((d) => d.updatedAt)).toEqual(
      jsonBody.MediaContainer.Directory.map((d: Json) => String(d.updatedAt)),
    );
    expect(xmlElements(xml, 'Location').map((l) => l.path)).toEqual(
      jsonBody.MediaContainer.Directory.flatMap((d: Json) => d.Location.map((l: Json) => l.path)),
    );
  });

  it('gives the same items in XML (Video/Directory elements) as in JSON (Metadata)', async () => {
    for (const [path, element] of [
      ['/library/sections/1/all?includeGuids=1', 'Video'],
      ['/library/sections/2/all', 'Directory'],
      ['/library/sections/2/all?type=4', 'Video'],
    ] as const) {
      const json = (await plexJson(fake, path)).MediaContainer.Metadata as Json[];
      const xml = await (await plexGet(fake, path, { json: false })).text();
      const elements = xmlElements(xml, element);
      expect(elements.map((e) => e.ratingKey)).toEqual(json.map((m) => m.ratingKey));
      expect(elements.map((e) => e.title)).toEqual(json.map((m) => m.title));
      expect(elements.map((e) => e.updatedAt)).toEqual(json.map((m) => String(m.updatedAt)));
      expect(xmlElements(xml, 'Part').map((p) => p.file)).toEqual(
        json.flatMap((m) => (m.Media ?? []).flatMap((md: Json) => md.Part.map((p: Json) => p.file))),
      );
    }
  });

  it('serves the root with server info', async () => {
    const body = await plexJson(fake, '/');
    expect(body.MediaContainer).toMatchObject({
      machineIdentifier: fake.machineIdentifier,
      friendlyName: fake.serverName,
    });
  });
});

describe('sections', () => {
  it('lists both sections with Plex types and timestamps, also at /library/sections/all', async () => {
    for (const path of ['/library/sections', '/library/sections/all']) {
      const { MediaContainer: mc } = await plexJson(fake, path);
      expect(mc.size).toBe(2);
      const [movies, shows] = mc.Directory;
      expect(movies).toMatchObject({
        key: '1',
        type: 'movie',
        title: 'Movies',
        agent: 'tv.plex.agents.movie',
      });
      expect(shows).toMatchObject({ key: '2', type: 'show', title: 'TV Shows' });
      for (const s of mc.Directory) {
        expect(typeof s.updatedAt).toBe('number');
        expect(typeof s.scannedAt).toBe('number');
        expect(typeof s.contentChangedAt).toBe('number');
        expect(s.Location.length).toBeGreaterThan(1);
        expect(typeof s.Location[0].id).toBe('number');
      }
      expect(shows.Location.map((l: Json) => l.path)).toContain('D:\\Media\\Shows');
    }
  });
});

describe('/library/sections/{id}/all', () => {
  it('pages with headers: offset, size, totalSize and the X-Plex-Container-* response headers', async () => {
    const res = await plexGet(fake, '/library/sections/1/all', {
      headers: { 'X-Plex-Container-Start': '10', 'X-Plex-Container-Size': '7' },
    });
    expect(res.headers.get('x-plex-container-start')).toBe('10');
    expect(res.headers.get('x-plex-container-total-size')).toBe('30');
    const { MediaContainer: mc } = (await res.json()) as Json;
    expect(mc).toMatchObject({ size: 7, totalSize: 30, offset: 10, librarySectionID: 1 });
    expect(mc.Metadata).toHaveLength(7);
  });

  it('pages with query parameters, walks the whole section without gaps or duplicates', async () => {
    const seen: string[] = [];
    for (let start = 0; ; start += 8) {
      const { MediaContainer: mc } = await plexJson(
        fake,
        `/library/sections/1/all?X-Plex-Container-Start=${start}&X-Plex-Container-Size=8`,
      );
      if (!mc.size) break;
      seen.push(...mc.Metadata.map((m: Json) => m.ratingKey));
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
  });

  it('counts with size 0 and gives an empty page past the end', async () => {
    const count = await plexJson(
      fake,
      '/library/sections/2/all?type=4&X-Plex-Container-Start=0&X-Plex-Container-Size=0',
    );
    expect(count.MediaContainer).toMatchObject({ size: 0, totalSize: 80 });
    expect(count.MediaContainer.Metadata).toBeUndefined();
    const past = await plexJson(
      fake,
      '/library/sections/1/all?X-Plex-Container-Start=500&X-Plex-Container-Size=10',
    );
    expect(past.MediaContainer).toMatchObject({ size: 0, totalSize: 30, offset: 500 });
  });

  it('returns every type of a show section by `type`', async () => {
    const shows = await plexJson(fake, '/library/sections/2/all');
    const seasons = await plexJson(fake, '/library/sections/2/all?type=3');
    const episodes = await plexJson(fake, '/library/sections/2/all?type=4');
    expect(shows.MediaContainer.size).toBe(6);
    expect(
      shows.MediaContainer.Metadata.every((m: Json) => m.type === 'show' && m.key.endsWith('/children')),
    ).toBe(true);
    expect(
      seasons.MediaContainer.Metadata.every(
        (m: Json) => m.type === 'season' && typeof m.parentRatingKey === 'string',
      ),
    ).toBe(true);
    expect(episodes.MediaContainer.size).toBe(80);
    const ep = episodes.MediaContainer.Metadata[0];
    expect(ep).toMatchObject({ type: 'episode' });
    expect(typeof ep.grandparentRatingKey).toBe('string');
    expect(typeof ep.Media[0].Part[0].file).toBe('string');
    expect(ep.Media[0].Part[0].Stream).toBeUndefined();
    const none = await plexJson(fake, '/library/sections/1/all?type=4');
    expect(none.MediaContainer.size).toBe(0);
  });

  it('filters updatedAt>> / addedAt>> strictly, and ignores names with an encoded = as real PMS does', async () => {
    const all = (await plexJson(fake, '/library/sections/1/all')).MediaContainer.Metadata as Json[];
    const stamps = all.map((m) => m.updatedAt as number).sort((a, b) => a - b);
    const pivot = stamps[20]!;
    const expected = all.filter((m) => m.updatedAt > pivot).length;
    const strict = await plexJson(fake, `/library/sections/1/all?updatedAt>>=${pivot}`);
    expect(strict.MediaContainer.size).toBe(expected);
    expect(strict.MediaContainer.Metadata.every((m: Json) => m.updatedAt > pivot)).toBe(true);
    const rawSingle = await plexJson(fake, `/library/sections/1/all?updatedAt>=${pivot}`);
    expect(rawSingle.MediaContainer.size).toBe(expected);
    const encodedName = await plexJson(
      fake,
      `/library/sections/1/all?${encodeURIComponent('updatedAt>>=')}=${pivot}`,
    );
    expect(encodedName.MediaContainer.size).toBe(30);
    const encodedSingle = await plexJson(
      fake,
      `/library/sections/1/all?${encodeURIComponent('updatedAt>=')}=${pivot}`,
    );
    expect(encodedSingle.MediaContainer.size).toBe(30);
    const encodedOp = await plexJson(
      fake,
      `/library/sections/1/all?${encodeURIComponent('updatedAt>>')}=${pivot}`,
    );
    expect(encodedOp.MediaContainer.size).toBe(expected);
    const added = all.map((m) => m.addedAt as number).sort((a, b) => a - b)[10]!;
    const byAdded = await plexJson(fake, `/library/sections/1/all?addedAt>>=${added}`);
    expect(byAdded.MediaContainer.size).toBe(all.filter((m) => m.addedAt > added).length);
    const unknown = await plexJson(fake, '/library/sections/1/all?bogusField>>=5');
    expect(unknown.MediaContainer.size).toBe(30);
  });

  it('filters with paging: totalSize counts the filtered set', async () => {
    const all = (await plexJson(fake, '/library/sections/2/all?type=4')).MediaContainer.Metadata as Json[];
    const pivot = all.map((m) => m.updatedAt as number).sort((a, b) => a - b)[40]!;
    const page = await plexJson(
      fake,
      `/library/sections/2/all?type=4&updatedAt>>=${pivot}&X-Plex-Container-Start=0&X-Plex-Container-Size=5`,
    );
    expect(page.MediaContainer.totalSize).toBe(all.filter((m) => m.updatedAt > pivot).length);
  });

  it('sorts by sort=field[:desc]', async () => {
    const asc = (await plexJson(fake, '/library/sections/1/all?sort=addedAt')).MediaContainer
      .Metadata as Json[];
    const desc = (await plexJson(fake, '/library/sections/1/all?sort=addedAt:desc')).MediaContainer
      .Metadata as Json[];
    const ascStamps = asc.map((m) => m.addedAt);
    expect(ascStamps).toEqual([...ascStamps].sort((a, b) => a - b));
    expect(desc.map((m) => m.addedAt)).toEqual([...ascStamps].reverse());
  });

  it('list items carry Media/Part, abbreviated tags, and Guid only with includeGuids=1', async () => {
    const plain = (await plexJson(fake, '/library/sections/1/all')).MediaContainer.Metadata as Json[];
    expect(plain.some((m) => m.Guid)).toBe(false);
    const withGuids = (await plexJson(fake, '/library/sections/1/all?includeGuids=1')).MediaContainer
      .Metadata as Json[];
    expect(withGuids.some((m) => m.Guid?.[0]?.id?.startsWith('imdb://'))).toBe(true);
    for (const m of plain) {
      expect(m.librarySectionID).toBeUndefined();
      for (const role of m.Role ?? []) expect(Object.keys(role)).toEqual(['tag']);
      expect((m.Role ?? []).length).toBeLessThanOrEqual(3);
      const part = m.Media[0].Part[0];
      expect(typeof part.id).toBe('number');
      expect(typeof part.size).toBe('number');
      expect(typeof part.duration).toBe('number');
      expect(part.key).toMatch(/^\/library\/parts\/\d+\/\d+\/file\.\w+$/);
    }
  });
});

describe('quirks in the generated library', () => {
  it('has unicode and very long titles, missing years, multi-part and multi-version movies, several roots', () => {
    const movies = fake.control.snapshot().items.filter((i) => i.type === 'movie');
    expect(movies.some((m) => /[^ -~]/.test(m.title))).toBe(true);
    expect(movies.some((m) => m.title.length >= 300)).toBe(true);
    expect(movies.some((m) => m.year === undefined)).toBe(true);
    expect(movies.some((m) => m.summary === undefined)).toBe(true);
    expect(movies.some((m) => m.guids.length === 0)).toBe(true);
    expect(movies.some((m) => m.type === 'movie' && m.media[0]!.parts.length > 1)).toBe(true);
    expect(movies.some((m) => m.type === 'movie' && m.media.length > 1)).toBe(true);
    const files = movies.flatMap((m) =>
      m.type === 'movie' ? m.media.flatMap((md) => md.parts.map((p) => p.file)) : [],
    );
    expect(files.some((f) => f.startsWith('/data/movies/'))).toBe(true);
    expect(files.some((f) => f.startsWith('/mnt/media2/movies/'))).toBe(true);
  });

  it('has two shows with the same title and different years, specials, unnumbered episodes, Windows paths', () => {
    const items = fake.control.snapshot().items;
    const offices = items.filter((i) => i.type === 'show' && i.title === 'The Office');
    expect(offices.map((o) => o.year).sort()).toEqual([2001, 2005]);
    expect(items.some((i) => i.type === 'season' && i.index === 0)).toBe(true);
    expect(items.some((i) => i.type === 'episode' && i.index === undefined)).toBe(true);
    expect(
      items.some((i) => i.type === 'episode' && i.media[0]!.parts[0]!.file.startsWith('D:\\Media\\Shows\\')),
    ).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const again = await startFakePlex({ seed: 7, movies: 30, shows: 6, episodes: 80 });
    try {
      expect(JSON.stringify(again.control.snapshot())).toBe(JSON.stringify(fake.control.snapshot()));
    } finally {
      await again.stop();
    }
  });
});

describe('/library/metadata', () => {
  it('gives details with streams, full tags, Guid, and chapters with includeChapters=1', async () => {
    const snapshot = fake.control.snapshot();
    const withChapters = snapshot.items.find((i) => i.type === 'movie' && i.details!.chapters.length > 0)!;
    const plain = (await plexJson(fake, `/library/metadata/${withChapters.ratingKey}`)).MediaContainer;
    expect(plain.size).toBe(1);
    const item = plain.Metadata[0];
    expect(item).toMatchObject({
      ratingKey: withChapters.ratingKey,
      librarySectionID: 1,
      librarySectionTitle: 'Movies',
    });
    expect(item.Chapter).toBeUndefined();
    const streams = item.Media[0].Part[0].Stream as Json[];
    expect(streams.some((s) => s.streamType === 1)).toBe(true);
    expect(streams.some((s) => s.streamType === 2)).toBe(true);
    const chaptered = (await plexJson(fake, `/library/metadata/${withChapters.ratingKey}?includeChapters=1`))
      .MediaContainer.Metadata[0];
    expect(chaptered.Chapter).toHaveLength(withChapters.details!.chapters.length);
    expect(typeof chaptered.Chapter[0].startTimeOffset).toBe('number');
    if (item.Role) {
      expect(typeof item.Role[0].id).toBe('number');
      expect(item.Role[0].tag).toBeTruthy();
    }
  });

  it('has embedded and external subtitles (external: key, no index)', async () => {
    const items = fake.control.snapshot().items;
    const streams = items.flatMap((i) => (i.details ? [...i.details.streams.values()].flat() : []));
    const external = streams.find((s) => s.streamType === 3 && s.key);
    expect(streams.some((s) => s.streamType === 3 && s.index !== undefined)).toBe(true);
    expect(external).toBeDefined();
    expect(external!.index).toBeUndefined();
    const srt = await plexGet(fake, external!.key!);
    expect(srt.status).toBe(200);
    expect(await srt.text()).toContain('-->');
  });

  it('returns several items for a comma-separated list and 404 HTML for unknown ids', async () => {
    const keys = fake.control
      .snapshot()
      .items.slice(0, 4)
      .map((i) => i.ratingKey);
    const batch = (await plexJson(fake, `/library/metadata/${keys.join(',')}`)).MediaContainer;
    expect(batch.Metadata.map((m: Json) => m.ratingKey)).toEqual(keys);
    const missing = await plexGet(fake, '/library/metadata/999999');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('404 Not Found');
  });

  it('serves /children and /allLeaves of shows and seasons', async () => {
    const show = fake.control.snapshot().items.find((i) => i.type === 'show' && i.seasonKeys.length > 1)!;
    const seasons = (await plexJson(fake, `/library/metadata/${show.ratingKey}/children`)).MediaContainer;
    expect(seasons.Metadata.map((m: Json) => m.ratingKey)).toEqual(
      show.type === 'show' ? show.seasonKeys : [],
    );
    expect(seasons.Metadata[0].type).toBe('season');
    const episodes = (await plexJson(fake, `/library/metadata/${seasons.Metadata[0].ratingKey}/children`))
      .MediaContainer;
    expect(
      episodes.Metadata.every(
        (m: Json) => m.type === 'episode' && m.parentRatingKey === seasons.Metadata[0].ratingKey,
      ),
    ).toBe(true);
    const leaves = (await plexJson(fake, `/library/metadata/${show.ratingKey}/allLeaves`)).MediaContainer;
    expect(leaves.size).toBe(seasons.Metadata.reduce((n: number, s: Json) => n + s.leafCount, 0));
    const paged = (
      await plexJson(
        fake,
        `/library/metadata/${show.ratingKey}/allLeaves?X-Plex-Container-Start=0&X-Plex-Container-Size=1`,
      )
    ).MediaContainer;
    expect(paged).toMatchObject({ size: 1, totalSize: leaves.size });
  });

  it('keeps Plex JSON types: ids strings, Media/Part ids numbers, absent attributes omitted', async () => {
    const episode = fake.control.snapshot().items.find((i) => i.type === 'episode')!;
    const m = (await plexJson(fake, `/library/metadata/${episode.ratingKey}`)).MediaContainer.Metadata[0];
    expect(typeof m.ratingKey).toBe('string');
    expect(typeof m.parentRatingKey).toBe('string');
    expect(typeof m.grandparentRatingKey).toBe('string');
    expect(typeof m.addedAt).toBe('number');
    expect(typeof m.Media[0].id).toBe('number');
    expect(JSON.stringify(m)).not.toContain('null');
  });
});

describe('images', () => {
  /** Width and height from a JPEG's SOF0 segment. */
  function jpegSize(buf: Buffer): { width: number; height: number } {
    for (let i = 2; i < buf.length;) {
      const marker = buf.readUInt16BE(i);
      if (marker === 0xffc0) return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
      i += 2 + buf.readUInt16BE(i + 2);
    }
    throw new Error('no SOF0');
  }

  it('serves distinct real-sized JPEG originals (100–500 KB) for thumb and art', async () => {
    const items = fake.control
      .snapshot()
      .items.filter((i) => i.hasThumb && i.hasArt)
      .slice(0, 3);
    const bodies: Buffer[] = [];
    for (const item of items) {
      for (const kind of ['thumb', 'art']) {
        const res = await plexGet(fake, `/library/metadata/${item.ratingKey}/${kind}/${item.updatedAt}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('image/jpeg');
        const buf = Buffer.from(await res.arrayBuffer());
        expect(buf.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
        expect(buf.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
        expect(buf.length).toBeGreaterThanOrEqual(100_000);
        expect(buf.length).toBeLessThanOrEqual(500_000);
        bodies.push(buf);
      }
    }
    expect(new Set(bodies.map((b) => b.toString('base64'))).size).toBe(bodies.length);
  });

  it('answers /photo/:/transcode with a JPEG of the asked size, about width×height/12 bytes', async () => {
    const item = fake.control.snapshot().items.find((i) => i.hasThumb)!;
    const inner = encodeURIComponent(`/library/metadata/${item.ratingKey}/thumb/${item.updatedAt}`);
    for (const [width, height] of [
      [100, 150],
      [300, 450],
    ] as const) {
      const res = await plexGet(
        fake,
        `/photo/:/transcode?url=${inner}&width=${width}&height=${height}&minSize=1&upscale=1`,
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const buf = Buffer.from(await res.arrayBuffer());
      expect(jpegSize(buf)).toEqual({ width, height });
      expect(Math.abs(buf.length - (width * height) / 12)).toBeLessThan(16);
    }
    const none = fake.control.snapshot().items.find((i) => !i.hasThumb);
    if (none) {
      const missing = encodeURIComponent(`/library/metadata/${none.ratingKey}/thumb/${none.updatedAt}`);
      expect((await plexGet(fake, `/photo/:/transcode?url=${missing}&width=10&height=10`)).status).toBe(404);
    }
  });
});

describe('hidden seasons (opt-in quirk)', () => {
  it('marks one show skipChildren; its episodes lack parentKey/parentRatingKey; /grandchildren lists them', async () => {
    const hidden = await startFakePlex({ seed: 7, movies: 1, shows: 6, episodes: 30, hiddenSeasons: true });
    try {
      const shows = (await plexJson(hidden, '/library/sections/2/all')).MediaContainer.Metadata as Json[];
      const show = shows.find((s) => s.skipChildren === true);
      expect(show).toBeDefined();
      expect(shows.filter((s) => s.skipChildren).length).toBe(1);
      const episodes = (await plexJson(hidden, `/library/metadata/${show.ratingKey}/grandchildren`))
        .MediaContainer.Metadata as Json[];
      expect(episodes.length).toBe(show.leafCount);
      for (const e of episodes) {
        expect(e.parentRatingKey).toBeUndefined();
        expect(e.parentKey).toBeUndefined();
        expect(e.grandparentRatingKey).toBe(show.ratingKey);
        expect(e.skipParent).toBe(true);
      }
      const others = (await plexJson(hidden, '/library/sections/2/all?type=4')).MediaContainer
        .Metadata as Json[];
      expect(
        others
          .filter((e) => e.grandparentRatingKey !== show.ratingKey)
          .every((e) => typeof e.parentRatingKey === 'string'),
      ).toBe(true);
    } finally {
      await hidden.stop();
    }
  });
});

describe('benchmark-sized library', () => {
  it('serves 5000 movies, 1000 shows and 17000 episodes, paged to the last item', async () => {
    const big = await startFakePlex({ seed: 42, movies: 5000, shows: 1000, episodes: 17000 });
    try {
      const count = async (path: string) =>
        (await plexJson(big, `${path}&X-Plex-Container-Start=0&X-Plex-Container-Size=0`)).MediaContainer
          .totalSize as number;
      expect(await count('/library/sections/1/all?type=1')).toBe(5000);
      expect(await count('/library/sections/2/all?type=2')).toBe(1000);
      expect(await count('/library/sections/2/all?type=4')).toBe(17000);
      expect(await count('/library/sections/2/all?type=3')).toBeGreaterThan(1000);
      const last = (
        await plexJson(
          big,
          '/library/sections/2/all?type=4&X-Plex-Container-Start=16990&X-Plex-Container-Size=100',
        )
      ).MediaContainer;
      expect(last).toMatchObject({ size: 10, totalSize: 17000, offset: 16990 });
      expect(last.Metadata.every((m: Json) => m.Media[0].Part[0].file)).toBe(true);
    } finally {
      await big.stop();
    }
  });
});
