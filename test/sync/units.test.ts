import { describe, expect, it } from 'vitest';
import { isUsualItem, ITEM_SCHEMAS, parseItem, sectionSchema } from '../../src-main/core/plex/payloads';
import { detailEtag, listEtag } from '../../src-main/core/sync/etag';
import { mapGuids, mapItem } from '../../src-main/core/media/item-mapper';
import { combineFileChecks, createPathMapper } from '../../src-main/core/media/path-mapping';
import { RunProgress } from '../../src-main/core/sync/progress';
import { isSettled, transition } from '../../src-main/core/media/states';
import { UNREMEMBERED_SCAN_STATE } from '../../src-main/core/store/repositories/media-writer';
import type { SyncProgress } from '../../src-shared/sync-types';

describe('path mapping', () => {
  const rules = [
    { from: '/data/movies', to: '/mnt/nas/movies' },
    { from: 'D:\\Media\\TV', to: '/Volumes/tv' },
    { from: '/data', to: 'Z:\\plex' },
    { from: '/srv/other', to: '/x', server: 'another-machine' },
  ];
  const exists = (p: string) => p.startsWith('/mnt/nas/movies/here');
  const mapper = createPathMapper(rules, 'this-machine', exists);

  it('applies the first matching prefix, at folder boundaries only', () => {
    expect(mapper.map('/data/movies/A (2000)/a.mkv')).toEqual({
      localPath: '/mnt/nas/movies/A (2000)/a.mkv',
      mapped: true,
    });
    expect(mapper.map('/data/movies2/b.mkv')).toEqual({
      localPath: 'Z:\\plex\\movies2\\b.mkv',
      mapped: true,
    });
    expect(mapper.map('/database/x.mkv')).toEqual({ localPath: '/database/x.mkv', mapped: false });
  });

  it('matches Windows prefixes case-insensitively and converts separators', () => {
    expect(mapper.map('d:\\media\\tv\\Show\\S01\\e1.mkv').localPath).toBe('/Volumes/tv/Show/S01/e1.mkv');
    expect(mapper.map('D:/Media/TV/Show/e2.mkv').localPath).toBe('/Volumes/tv/Show/e2.mkv');
  });

  it('honours per-server rules', () => {
    expect(mapper.map('/srv/other/f.mkv').mapped).toBe(false);
    expect(createPathMapper(rules, 'another-machine', exists).map('/srv/other/f.mkv').localPath).toBe(
      '/x/f.mkv',
    );
  });

  it('checks existence: found, missing (mapped), unmapped', () => {
    expect(mapper.check('/data/movies/here/a.mkv').state).toBe('found');
    expect(mapper.check('/data/movies/gone/a.mkv').state).toBe('missing');
    expect(mapper.check('/elsewhere/a.mkv').state).toBe('unmapped');
    expect(combineFileChecks(['missing', 'found'])).toBe('found');
    expect(combineFileChecks(['unmapped', 'missing'])).toBe('missing');
    expect(combineFileChecks(['unmapped'])).toBe('unmapped');
    expect(combineFileChecks([])).toBe('none');
  });
});

describe('state transitions', () => {
  it('the store undoes a scanning mark that remembered nothing to the state the media layer says', () => {
    // run-recovery (store) cannot ask the media layer; the one fallback it keeps must agree.
    expect(transition({ state: 'scanning', stateBeforeScan: null }, { type: 'scan_abandoned' }).state).toBe(
      UNREMEMBERED_SCAN_STATE,
    );
  });

  it('covers every event', () => {
    const normal = { state: 'normal', stateBeforeScan: null } as const;
    expect(
      transition({ state: 'scanning', stateBeforeScan: 'unavailable' }, { type: 'scan_abandoned' }),
    ).toEqual({
      state: 'unavailable',
      stateBeforeScan: null,
    });
    expect(transition(null, { type: 'synced', files: 'found' }).state).toBe('normal');
    expect(transition(null, { type: 'synced', files: 'none' }).state).toBe('normal');
    expect(transition(normal, { type: 'synced', files: 'missing' }).state).toBe('unavailable');
    expect(transition(normal, { type: 'synced', files: 'unmapped' }).state).toBe('remote_only');
    expect(
      transition({ state: 'file_not_found', stateBeforeScan: null }, { type: 'synced', files: 'found' })
        .state,
    ).toBe('normal');
    expect(transition(normal, { type: 'invalid' }).state).toBe('error');
    expect(
      transition({ state: 'error', stateBeforeScan: null }, { type: 'synced', files: 'found' }).state,
    ).toBe('normal');
    expect(transition(normal, { type: 'gone' }).state).toBe('file_not_found');
    expect(isSettled('normal') && isSettled('remote_only') && isSettled('unavailable')).toBe(true);
    expect(isSettled('error') || isSettled('file_not_found') || isSettled('scanning')).toBe(false);
  });
});

const movie = {
  ratingKey: '5012',
  key: '/library/metadata/5012',
  guid: 'plex://movie/5d77',
  type: 'movie',
  title: 'Example One',
  year: 1999,
  duration: 7020000,
  addedAt: 1700000000,
  updatedAt: 1710000000,
  thumb: '/library/metadata/5012/thumb/1710000000',
  studio: 'Acme',
  Media: [
    {
      id: 7001,
      duration: 7020000,
      videoCodec: 'h264',
      Part: [
        {
          id: 9001,
          file: '/media/movies/Example One (1999).mkv',
          size: 3900000000,
          Stream: [
            { id: 1, streamType: 1, codec: 'h264', index: 0, default: true },
            {
              id: 2,
              streamType: 2,
              codec: 'aac',
              index: 1,
              language: 'English',
              languageCode: 'eng',
              selected: true,
            },
            { id: 3, streamType: 3, codec: 'srt', key: '/library/streams/3', forced: 1, language: 'English' },
            { id: 4, streamType: 4, codec: 'lrc' },
          ],
        },
      ],
    },
  ],
  Genre: [{ tag: 'Drama' }, { tag: 'Drama' }, { tag: 'Crime' }],
  Role: [{ tag: 'Some Actor', role: 'Hero', tagKey: 'abc' }, { tag: 'Other' }],
  Guid: [{ id: 'imdb://tt0000001' }, { id: 'tmdb://101' }],
  Chapter: [{ index: 1, startTimeOffset: 0, endTimeOffset: 1000, tag: 'Opening' }],
};

describe('payloads and mapping', () => {
  it('maps a detailed movie to rows', () => {
    const parsed = parseItem('movie', movie);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const m = mapItem(parsed.item, true);
    expect(m.columns).toMatchObject({
      plex_rating_key: '5012',
      title: 'Example One',
      sort_title: 'Example One',
      year: 1999,
      file_size: 3900000000,
    });
    expect(m.guids).toEqual([
      { provider: 'imdb', value: 'tt0000001' },
      { provider: 'tmdb', value: '101' },
    ]);
    expect(m.tags).toEqual([
      { kind: 'genre', name: 'Drama', position: 0 },
      { kind: 'genre', name: 'Crime', position: 1 },
      { kind: 'studio', name: 'Acme', position: 0 },
    ]);
    expect(m.cast).toEqual([
      { name: 'Some Actor', tagKey: 'abc', thumb: null, role: 'Hero', order: 0 },
      { name: 'Other', tagKey: null, thumb: null, role: null, order: 1 },
    ]);
    const streams = m.versions[0]!.parts[0]!.streams;
    expect(streams.map((s) => [s.stream_type, s.is_default, s.is_forced, s.is_external])).toEqual([
      ['video', 1, 0, 0],
      ['audio', 0, 0, 0],
      ['subtitle', 0, 1, 1],
    ]);
    expect(m.chapters).toEqual([
      { chapter_index: 1, title: 'Opening', start_ms: 0, end_ms: 1000, thumb_url: null },
    ]);
    expect(m.files).toEqual(['/media/movies/Example One (1999).mkv']);
  });

  it('rejects wrong types and absurd values with the field named', () => {
    const bad = (patch: Record<string, unknown>) => parseItem('movie', { ...movie, ...patch });
    expect(bad({ duration: '7020000' })).toMatchObject({
      ok: false,
      ratingKey: '5012',
      message: expect.stringContaining('duration'),
    });
    expect(bad({ title: undefined })).toMatchObject({ ok: false, message: expect.stringContaining('title') });
    expect(bad({ year: 99999 })).toMatchObject({ ok: false, message: expect.stringContaining('year') });
    expect(bad({ addedAt: 1e15 })).toMatchObject({ ok: false });
    expect(bad({ ratingKey: undefined })).toMatchObject({ ok: false, ratingKey: null });
    expect(parseItem('movie', 'nonsense')).toMatchObject({ ok: false, ratingKey: null });
    // Tolerated: ids as numbers, flags as 0/1, absent optional fields.
    expect(bad({ ratingKey: 5012, summary: undefined })).toMatchObject({
      ok: true,
      item: { ratingKey: '5012' },
    });
  });

  it('takes the fast path only for entries zod accepts, with the same mapped rows', () => {
    const usualMovie = structuredClone(movie) as Record<string, unknown> & typeof movie;
    usualMovie.Media[0]!.Part[0]!.Stream[2]!.forced = true as never;
    const episode = {
      ...structuredClone(usualMovie),
      type: 'episode',
      ratingKey: '6001',
      parentRatingKey: '6000',
      grandparentRatingKey: '5999',
      index: 3,
      parentIndex: 1,
      originallyAvailableAt: '2001-02-03',
      viewCount: 4,
    };
    expect(isUsualItem('movie', usualMovie)).toBe(true);
    expect(isUsualItem('episode', episode)).toBe(true);
    expect(isUsualItem('movie', movie)).toBe(false); // forced: 1 needs zod's transform

    const values: unknown[] = [
      undefined,
      null,
      '',
      'x'.repeat(2001),
      -1,
      0,
      1,
      1.5,
      1e16,
      true,
      '12',
      [],
      {},
    ];
    const paths = [
      ['ratingKey'],
      ['title'],
      ['summary'],
      ['year'],
      ['duration'],
      ['addedAt'],
      ['originallyAvailableAt'],
      ['thumb'],
      ['grandparentRatingKey'],
      ['parentRatingKey'],
      ['index'],
      ['Media'],
      ['Media', 0, 'id'],
      ['Media', 0, 'Part'],
      ['Media', 0, 'Part', 0, 'file'],
      ['Media', 0, 'Part', 0, 'size'],
      ['Media', 0, 'Part', 0, 'Stream', 0, 'default'],
      ['Media', 0, 'Part', 0, 'Stream', 1, 'streamType'],
      ['Media', 0, 'Part', 0, 'Stream', 1, 'id'],
      ['Chapter', 0, 'startTimeOffset'],
      ['Genre', 0, 'tag'],
      ['Role', 0, 'tagKey'],
      ['Guid', 0, 'id'],
    ];
    let fast = 0;
    for (const [kind, base] of [
      ['movie', usualMovie],
      ['episode', episode],
    ] as const) {
      for (const path of paths) {
        for (const value of values) {
          const raw = structuredClone(base) as Record<string, unknown>;
          let at: Record<string | number, unknown> = raw;
          for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
          at[path.at(-1)!] = value;
          if (!isUsualItem(kind, raw)) continue;
          fast += 1;
          const viaZod = ITEM_SCHEMAS[kind].safeParse(raw);
          expect(viaZod.success, `${kind} ${path.join('.')} = ${JSON.stringify(value)}`).toBe(true);
          if (!viaZod.success) continue;
          expect(mapItem(raw as never, true)).toEqual(mapItem(viaZod.data, true));
        }
      }
    }
    expect(fast).toBeGreaterThan(40);
  });

  it('keeps contentChangedAt as a decimal string', () => {
    const s = sectionSchema.parse({ key: 1, type: 'movie', title: 'M', contentChangedAt: 6867504 });
    expect(s).toMatchObject({ key: '1', contentChangedAt: '6867504' });
    expect(
      sectionSchema.parse({ key: '2', type: 'show', title: 'S', contentChangedAt: '9223372036854775807' })
        .contentChangedAt,
    ).toBe('9223372036854775807');
  });

  it('reads legacy agent guids', () => {
    expect(mapGuids({ type: 'movie', guid: 'com.plexapp.agents.imdb://tt0111161?lang=en' })).toEqual([
      { provider: 'imdb', value: 'tt0111161' },
    ]);
    expect(mapGuids({ type: 'episode', guid: 'com.plexapp.agents.thetvdb://12345/1/2?lang=en' })).toEqual([]);
  });

  it('etags move with list fields, not with watch state', () => {
    const base = listEtag(movie);
    expect(listEtag({ ...movie, viewCount: 3, lastViewedAt: 1720000000 })).toBe(base);
    expect(listEtag({ ...movie, updatedAt: 1710000001 })).not.toBe(base);
    expect(
      listEtag({
        ...movie,
        Media: [{ ...movie.Media[0], Part: [{ ...movie.Media[0]!.Part[0], file: '/moved.mkv' }] }],
      }),
    ).not.toBe(base);
    expect(detailEtag({ ...movie, Chapter: [] })).not.toBe(detailEtag(movie));
    expect(detailEtag({ ...movie, Role: [{ tag: 'Some Actor' }] })).not.toBe(detailEtag(movie));
    // Fields of the item's own row leave the child rows alone.
    expect(detailEtag({ ...movie, summary: 'edited', title: 'Renamed', viewCount: 9 })).toBe(
      detailEtag(movie),
    );
  });
});

describe('progress', () => {
  it('emits at most one snapshot per interval, plus phase changes', () => {
    let now = 0;
    const out: SyncProgress[] = [];
    const p = new RunProgress(
      { runId: 1, serverId: 1, libraryId: 1, libraryTitle: 'M' },
      (s) => out.push(s),
      100,
      () => now,
    );
    p.setPhase('movies', 1000);
    for (let i = 0; i < 1000; i++) {
      now += 1;
      p.advance(1, `t${i}`);
    }
    expect(out.length).toBe(1 + 10);
    const last = out.at(-1)!;
    expect(last.done).toBe(1000);
    expect(last.itemsPerSecond).toBeCloseTo(1000, -1);
    expect(last.etaSeconds).toBe(0);
    expect(last.currentTitle).toBe('t999');
  });
});
