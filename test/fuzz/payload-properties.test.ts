// Property-based tests (fast-check) of the payload parser (src-main/core/plex/payloads.ts) and the
// item mapper (src-main/core/sync/item-mapper.ts), and of a whole page through the sync engine:
// each bad item is an error row with a clear message, every good item beside it is stored.
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import { ITEM_SCHEMAS, isUsualItem, parseItem, type PlexItemType } from '../../src-main/core/plex/payloads';
import { createServerClient, type ServerClient } from '../../src-main/core/plex/server-client';
import { openStore } from '../../src-main/core/store/database';
import { SyncEngine } from '../../src-main/core/sync/engine';
import { mapItem } from '../../src-main/core/media/item-mapper';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { identity } from '../sync/helpers';

const KINDS: PlexItemType[] = ['movie', 'show', 'season', 'episode'];
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const part = fc.record({
  id: fc.nat(),
  file: fc.string({ minLength: 1, maxLength: 80 }).map((s) => `/data/movies/${s}.mkv`),
  size: opt(fc.nat()),
  duration: opt(fc.integer({ min: 0, max: 2_592_000_000 })),
});
const media = fc.record({
  id: fc.nat(),
  width: opt(fc.integer({ min: 0, max: 1_000_000 })),
  Part: fc.array(part, { minLength: 1, maxLength: 2 }),
});

/** Movies as a sane server sends them (every field within the documented bounds). */
const validMovie = fc.record(
  {
    ratingKey: fc.integer({ min: 1, max: 1e9 }).map(String),
    type: fc.constant('movie' as const),
    title: fc.string({ minLength: 1, maxLength: 200 }),
    year: fc.integer({ min: 1800, max: 2200 }),
    addedAt: fc.integer({ min: 0, max: 4_000_000_000 }),
    duration: fc.integer({ min: 0, max: 2_592_000_000 }),
    summary: fc.string({ maxLength: 300 }),
    Genre: fc.array(fc.record({ tag: fc.string({ maxLength: 40 }) }), { maxLength: 3 }),
    Media: fc.array(media, { maxLength: 2 }),
  },
  { requiredKeys: ['ratingKey', 'type', 'title', 'Media'] },
);

/** A field and values it must never be accepted with. */
const BAD_FIELDS: Array<[string, fc.Arbitrary<unknown>]> = [
  [
    'ratingKey',
    fc.oneof(
      fc.constant(''),
      fc.constant(null),
      fc.boolean(),
      fc.integer({ max: -1 }),
      fc.double({ noInteger: true }),
      fc.array(fc.string()),
      fc.string({ minLength: 201, maxLength: 240 }),
    ),
  ],
  [
    'title',
    fc.oneof(
      fc.constant(''),
      fc.constant(null),
      fc.integer(),
      fc.boolean(),
      fc.string({ minLength: 2001, maxLength: 2100 }),
    ),
  ],
  [
    'year',
    fc.oneof(
      fc.integer({ min: 2201 }),
      fc.integer({ max: 1799 }),
      fc.string(),
      fc.double({ noInteger: true }),
    ),
  ],
  [
    'duration',
    fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: 1, max: 1e9 }).map((n) => 2_592_000_000 + n),
      fc.string(),
    ),
  ],
  ['addedAt', fc.oneof(fc.double({ min: 1e11, max: 1e300 }), fc.string(), fc.constant(true))],
  ['Media', fc.oneof(fc.string(), fc.integer(), fc.record({ id: fc.nat() }))],
  ['Genre', fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer(), { minLength: 1 }))],
];
const badField = fc
  .constantFrom(...BAD_FIELDS)
  .chain(([field, values]) => values.map((value) => ({ field, value })));

describe('parseItem and mapItem, property-based', () => {
  it('never throw on any value, and a rejection is one line naming the kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.anything(), (kind, raw) => {
        const parsed = parseItem(kind, raw);
        if (!parsed.ok) {
          expect(parsed.message.startsWith(`invalid ${kind} payload: `)).toBe(true);
          expect(parsed.message).not.toMatch(/\n/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a sane movie parses and maps to its own ratingKey, title, year and exact file paths', () => {
    fc.assert(
      fc.property(validMovie, (movie) => {
        const parsed = parseItem('movie', movie);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        const mapped = mapItem(parsed.item, true);
        expect(mapped.ratingKey).toBe(movie.ratingKey);
        expect(mapped.title).toBe(movie.title);
        expect(mapped.columns.year).toBe(movie.year ?? null);
        expect(mapped.files).toEqual(movie.Media.flatMap((m) => m.Part.map((p) => p.file)));
      }),
      { numRuns: 500 },
    );
  });

  it('one bad field makes the item invalid, and the message names that field', () => {
    fc.assert(
      fc.property(validMovie, badField, (movie, { field, value }) => {
        const raw: Record<string, unknown> = { ...movie, [field]: value };
        const parsed = parseItem('movie', raw);
        expect(parsed.ok).toBe(false);
        if (parsed.ok) return;
        expect(parsed.message).toMatch(new RegExp(`^invalid movie payload: ${field}\\b`));
        expect(parsed.message).not.toMatch(/\n/);
      }),
      { numRuns: 1000 },
    );
  });

  it('the fast path never accepts what the schema rejects, and both give the same verdict', () => {
    fc.assert(
      fc.property(validMovie, fc.string({ maxLength: 12 }), fc.anything(), (movie, field, value) => {
        const raw = { ...movie, [field]: value };
        const zodOk = ITEM_SCHEMAS.movie.safeParse(raw).success;
        if (isUsualItem('movie', raw)) expect(zodOk).toBe(true);
        expect(parseItem('movie', raw).ok).toBe(zodOk);
      }),
      { numRuns: 1000 },
    );
  });
});

/** Corruptions the fake can serve (a value, never null: null removes the field). */
const SERVED_BAD: Array<[string, unknown]> = [
  ['title', 42],
  ['title', ['a', 'b']],
  ['year', 'nineteen'],
  ['duration', -5],
  ['addedAt', 1e20],
  ['Genre', 'Drama'],
  ['Media', 'one'],
  ['Media.0.Part.0.file', 7],
  ['Media.0.Part.0.size', -1],
  ['Media.0.Part.0.Stream.0.streamType', 'video'],
];

describe('a page with bad items, through the sync engine', () => {
  let fake: FakePlex;
  let client: ServerClient;
  let tmp: { dir: string; cleanup: () => void };
  let runs = 0;
  beforeAll(async () => {
    fake = await startFakePlex({ seed: 33, movies: 8, shows: 1, episodes: 2 });
    tmp = tempDir('retrovue-props-');
    client = createServerClient({ baseUrl: fake.pmsUrl, token: fake.token, identity, timeoutMs: 5000 });
  });
  afterAll(async () => {
    client.close();
    await fake.stop();
    tmp.cleanup();
  });

  it('stores every good item and makes each bad one an error row with a message naming the field', async () => {
    const movies = fake.control.snapshot().items.filter((i) => i.type === 'movie');
    const corruption = fc.uniqueArray(
      fc.record({
        index: fc.integer({ min: 0, max: movies.length - 1 }),
        bad: fc.constantFrom(...SERVED_BAD),
      }),
      { minLength: 1, maxLength: 4, selector: (c) => c.index },
    );
    await fc.assert(
      fc.asyncProperty(corruption, async (picks) => {
        const bad = new Map(picks.map((p) => [movies[p.index]!.ratingKey, p.bad]));
        fake.control.setFaults({
          corruptItems: Object.fromEntries([...bad].map(([rk, [field, value]]) => [rk, { [field]: value }])),
        });
        const store = openStore(join(tmp.dir, `page-${runs++}.db`), { migrationsFolder: MIGRATIONS });
        try {
          const { server } = await registerServerByUrl(store, client);
          const engine = new SyncEngine({
            store,
            config: { ...DEFAULT_CONFIG, batch_size: 10 },
            clientFor: () => client,
          });
          const results = await engine.syncServer(server.id);
          expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
          for (const item of fake.control.snapshot().items) {
            const table = { movie: 'movies', show: 'shows', season: 'seasons', episode: 'episodes' }[
              item.type
            ];
            const row = store.sqlite
              .prepare(`select state, title, last_error from ${table} where plex_rating_key = ?`)
              .get(item.ratingKey) as { state: string; title: string; last_error: string | null } | undefined;
            const corrupted = bad.get(item.ratingKey);
            if (corrupted) {
              expect(row?.state).toBe('error');
              expect(row?.last_error).toMatch(
                new RegExp(`^invalid movie payload: ${corrupted[0].split('.')[0]}`),
              );
              expect(row?.last_error).not.toMatch(/\n/);
            } else {
              expect(row, `${item.type} ${item.ratingKey}`).toMatchObject({ title: item.title });
              expect(['normal', 'unavailable', 'remote_only']).toContain(row!.state);
            }
          }
        } finally {
          store.close();
          fake.control.clearFaults();
        }
      }),
      { numRuns: 12 },
    );
  });
});
