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

  it('sorts by `id` (the ratingKey, python-plexapi _manualSorts) after addedAt; `ratingKey` is no sort field', async () => {
    const f = await start();
    const keys = async (sort: string) =>
      (
        (await plexJson(f, `/library/sections/1/all?type=1&X-Plex-Container-Size=1000&sort=${sort}`))
          .MediaContainer.Metadata as Json[]
      ).map((m) => Number(m.ratingKey));
    const byId = await keys('id:desc');
    expect(byId).toEqual([...byId].sort((a, b) => b - a));
    const listed = (
      (await plexJson(f, '/library/sections/1/all?type=1&X-Plex-Container-Size=1000&sort=addedAt,id'))
        .MediaContainer.Metadata as Json[]
    ).map((m) => [m.addedAt as number, Number(m.ratingKey)] as const);
    expect(listed).toEqual([...listed].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    // An unknown field is ignored, as Plex ignores it: the default order (not descending keys).
    expect(await keys('ratingKey:desc')).not.toEqual(byId);
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

const page = '?X-Plex-Container-Start=0&X-Plex-Container-Size=1000';
const firstMovie = (f: FakePlex) => f.control.snapshot().items.find((i) => i.type === 'movie')!;

describe('edits that leave the section stamps alone', () => {
  it('editSilently moves only the item updatedAt: /library/sections says nothing changed', async () => {
    const f = await start();
    const before = (await plexJson(f, '/library/sections')).MediaContainer.Directory[0];
    const movie = firstMovie(f);
    f.control.editSilently(movie.ratingKey, { title: 'Quietly Retitled' });
    const after = (await plexJson(f, '/library/sections')).MediaContainer.Directory[0];
    expect([after.updatedAt, after.contentChangedAt]).toEqual([before.updatedAt, before.contentChangedAt]);
    const item = (await plexJson(f, `/library/metadata/${movie.ratingKey}`)).MediaContainer.Metadata[0];
    expect(item.title).toBe('Quietly Retitled');
    expect(item.updatedAt).toBeGreaterThan(movie.updatedAt);
  });
});

describe('re-keying', () => {
  it('gives a movie a new ratingKey with the same guid; the old key answers 404', async () => {
    const f = await start();
    const movie = firstMovie(f);
    const fresh = f.control.rekey(movie.ratingKey);
    expect(fresh.ratingKey).not.toBe(movie.ratingKey);
    expect((await plexGet(f, `/library/metadata/${movie.ratingKey}`)).status).toBe(404);
    const item = (await plexJson(f, `/library/metadata/${fresh.ratingKey}`)).MediaContainer.Metadata[0];
    expect(item.guid).toBe(movie.guid);
    const listed = (await plexJson(f, `/library/sections/1/all${page}`)).MediaContainer.Metadata as Json[];
    expect(listed.map((m) => m.ratingKey)).toContain(fresh.ratingKey);
    expect(listed.map((m) => m.ratingKey)).not.toContain(movie.ratingKey);
  });
});

describe('trash', () => {
  it('lists a trashed item with deletedAt parts (exists=0 with checkFiles) until PUT emptyTrash', async () => {
    const f = await start();
    const movie = firstMovie(f);
    f.control.trash(movie.ratingKey);
    const detail = (await plexJson(f, `/library/metadata/${movie.ratingKey}?checkFiles=1`)).MediaContainer
      .Metadata[0];
    const part = detail.Media[0].Part[0];
    expect(typeof part.deletedAt).toBe('number');
    // On the item too, as in the Plex OpenAPI description's recorded example (and in the list view).
    expect(detail.deletedAt).toBe(part.deletedAt);
    const listed = (await plexJson(f, '/library/sections/1/all?type=1')).MediaContainer.Metadata as Json[];
    expect(listed.find((m) => m.ratingKey === movie.ratingKey)!.deletedAt).toBe(part.deletedAt);
    expect(listed.filter((m) => m.deletedAt !== undefined)).toHaveLength(1);
    expect(part).toMatchObject({ exists: false, accessible: false });
    expect((await plexGet(f, '/library/sections/1/emptyTrash', { method: 'PUT' })).status).toBe(200);
    expect((await plexGet(f, `/library/metadata/${movie.ratingKey}`)).status).toBe(404);
  });

  it('an unmounted share trashes the whole library at once; nothing is removed before the trash is emptied', async () => {
    const f = await start();
    const trashed = f.control.unmountLibrary(1);
    expect(trashed).toHaveLength(12);
    const listed = (await plexJson(f, `/library/sections/1/all${page}`)).MediaContainer.Metadata as Json[];
    expect(listed).toHaveLength(12);
    expect(listed.every((m) => m.Media.every((x: Json) => x.Part.every((p: Json) => p.deletedAt > 0)))).toBe(
      true,
    );
    expect(f.control.emptyTrash(1)).toHaveLength(12);
    expect((await plexJson(f, `/library/sections/1/all${page}`)).MediaContainer.size).toBe(0);
  });
});

describe('media details', () => {
  it('optimized versions come as an extra Media with proxyType 42', async () => {
    const f = await start();
    const movie = firstMovie(f);
    f.control.optimize(movie.ratingKey);
    const item = (await plexJson(f, `/library/metadata/${movie.ratingKey}`)).MediaContainer.Metadata[0];
    const optimized = (item.Media as Json[]).filter((m) => m.proxyType === 42);
    expect(optimized).toHaveLength(1);
    expect(optimized[0].Part[0].file).toContain('Plex Versions');
  });

  it('markers with includeMarkers=1: intro, credits and commercial, offsets in ms', async () => {
    const f = await start({ shows: 4, episodes: 60 });
    const types = new Set<string>();
    for (const item of f.control.snapshot().items) {
      if (item.type !== 'episode' && item.type !== 'movie') continue;
      const node = (await plexJson(f, `/library/metadata/${item.ratingKey}?includeMarkers=1`)).MediaContainer
        .Metadata[0];
      for (const m of (node.Marker ?? []) as Json[]) {
        types.add(m.type);
        expect(m.endTimeOffset).toBeGreaterThan(m.startTimeOffset);
      }
      const plain = (await plexJson(f, `/library/metadata/${item.ratingKey}`)).MediaContainer.Metadata[0];
      expect(plain.Marker).toBeUndefined();
    }
    expect([...types].sort()).toEqual(['commercial', 'credits', 'intro']);
  });

  it('episodes of a hidden-season show keep parentIndex and parentThumb, without parentRatingKey', async () => {
    const f = await start({ shows: 6, episodes: 40, hiddenSeasons: true });
    const eps = (await plexJson(f, `/library/sections/2/all${page}&type=4`)).MediaContainer
      .Metadata as Json[];
    const hidden = eps.filter((e) => e.skipParent);
    expect(hidden.length).toBeGreaterThan(0);
    for (const e of hidden) {
      expect(e.parentRatingKey).toBeUndefined();
      expect(typeof e.parentIndex).toBe('number');
    }
    expect(hidden.some((e) => /^\/library\/metadata\/\d+\/thumb\//.test(e.parentThumb))).toBe(true);
  });
});

describe('collections, labels and playlists at their endpoints', () => {
  it('serves regular and smart collections with members, labels on item details, and ordered video playlists', async () => {
    const f = await start();
    const movies = f.control
      .snapshot()
      .items.filter((i) => i.type === 'movie')
      .map((i) => i.ratingKey);
    const c = f.control.addCollection({ sectionId: 1, title: 'Box Set', memberKeys: movies.slice(0, 2) });
    f.control.addCollection({ sectionId: 1, title: 'Smart', smart: true, memberKeys: [movies[5]!] });
    const stampBefore = f.control.snapshot().items.find((i) => i.ratingKey === movies[0])!.updatedAt;
    f.control.setLabels(movies[0]!, ['Kids']);
    const p = f.control.addPlaylist({ title: 'Night', itemKeys: [movies[3]!, movies[1]!] });

    const list = (await plexJson(f, `/library/sections/1/collections${page}`)).MediaContainer
      .Metadata as Json[];
    expect(list.map((x) => [x.title, x.smart, x.childCount])).toEqual([
      ['Box Set', 0, 2],
      ['Smart', 1, 1],
    ]);
    expect(list[1].content).toContain('/library/sections/1/all');
    const children = await plexJson(f, `/library/collections/${c.ratingKey}/children${page}`);
    expect(children.MediaContainer.Metadata.map((m: Json) => m.ratingKey)).toEqual(movies.slice(0, 2));
    const item = (await plexJson(f, `/library/metadata/${movies[0]}`)).MediaContainer.Metadata[0];
    expect(item.Label.map((l: Json) => l.tag)).toEqual(['Kids']);
    expect(item.updatedAt).toBe(stampBefore);

    const playlists = (await plexJson(f, `/playlists?playlistType=video`)).MediaContainer.Metadata as Json[];
    expect(playlists.map((x) => [x.title, x.playlistType, x.leafCount])).toEqual([['Night', 'video', 2]]);
    expect((await plexJson(f, `/playlists?playlistType=audio`)).MediaContainer.size).toBe(0);
    const items = (await plexJson(f, `/playlists/${p.ratingKey}/items${page}`)).MediaContainer
      .Metadata as Json[];
    expect(items.map((m) => m.ratingKey)).toEqual([movies[3], movies[1]]);
    expect(items.every((m) => typeof m.playlistItemID === 'number')).toBe(true);
  });
});

describe('a library vanishing at once', () => {
  it('drops the section from /library/sections (its listing 404s) until it is restored', async () => {
    const f = await start();
    f.control.vanishLibrary(1);
    const sections = (await plexJson(f, '/library/sections')).MediaContainer.Directory as Json[];
    expect(sections.map((x) => x.key)).toEqual(['2']);
    expect((await plexGet(f, `/library/sections/1/all${page}`)).status).toBe(404);
    f.control.restoreLibrary(1);
    expect((await plexJson(f, '/library/sections')).MediaContainer.Directory.map((x: Json) => x.key)).toEqual(
      ['1', '2'],
    );
    expect((await plexJson(f, `/library/sections/1/all${page}`)).MediaContainer.size).toBe(12);
  });
});
