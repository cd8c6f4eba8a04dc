// Figures for the fake itself: `npx tsx test/fake-plex/bench.ts [--movies 5000 --shows 1000 --episodes 17000]`
import { Library } from './library';
import { startFakePlex } from './index';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) ? value : fallback;
}

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const result = await fn();
  console.log(`${label.padEnd(48)} ${(performance.now() - started).toFixed(0).padStart(6)} ms`);
  return result;
}

async function main(): Promise<void> {
  const sizes = { movies: arg('movies', 5000), shows: arg('shows', 1000), episodes: arg('episodes', 17000) };
  console.log(`library: ${sizes.movies} movies, ${sizes.shows} shows, ${sizes.episodes} episodes`);
  await timed('generate library (listed fields)', () => new Library({ seed: 1, ...sizes }));
  const fake = await timed('startFakePlex (generate + listen)', () => startFakePlex({ seed: 42, ...sizes }));
  const headers = { 'X-Plex-Token': fake.token, Accept: 'application/json' };
  const get = async (path: string) => {
    const res = await fetch(`${fake.pmsUrl}${path}`, { headers });
    if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
    return (await res.json()) as {
      MediaContainer: { size: number; totalSize?: number; Metadata?: Array<{ ratingKey: string }> };
    };
  };
  try {
    await timed('first page: movies (100, sorted by title)', () =>
      get('/library/sections/1/all?type=1&X-Plex-Container-Start=0&X-Plex-Container-Size=100'),
    );
    await timed('first page: episodes (100)', () =>
      get('/library/sections/2/all?type=4&X-Plex-Container-Start=0&X-Plex-Container-Size=100'),
    );
    let pages = 0;
    const keys: string[] = [];
    await timed('walk all episodes, pages of 200', async () => {
      for (let start = 0; ; start += 200) {
        const page = await get(
          `/library/sections/2/all?type=4&includeGuids=1&X-Plex-Container-Start=${start}&X-Plex-Container-Size=200`,
        );
        pages++;
        if (!page.MediaContainer.size) break;
        keys.push(...(page.MediaContainer.Metadata ?? []).map((m) => m.ratingKey));
      }
    });
    console.log(`  (${pages} requests, ${keys.length} episodes)`);
    await timed('walk all episodes again (generated, cached sort)', async () => {
      for (let start = 0; start < keys.length; start += 200)
        await get(`/library/sections/2/all?type=4&X-Plex-Container-Start=${start}&X-Plex-Container-Size=200`);
    });
    await timed('details: 20 batches of 50 ratingKeys', async () => {
      for (let b = 0; b < 20; b++)
        await get(`/library/metadata/${keys.slice(b * 50, b * 50 + 50).join(',')}?includeChapters=1`);
    });
    // Real servers refuse unpaged section listings and pages above 1000 (400): the largest page allowed.
    await timed('largest page: 1000 episodes in one response', () =>
      get('/library/sections/2/all?type=4&X-Plex-Container-Start=0&X-Plex-Container-Size=1000'),
    );
    await timed('control.snapshot() (everything, with details)', () => fake.control.snapshot());
  } finally {
    await fake.stop();
  }
}

void main();
