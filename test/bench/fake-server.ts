// The fake Plex in its own process for the benchmark, so its CPU and memory are not the syncer's.
// Prints {pmsUrl, token} as one JSON line, then obeys stdin commands:
//   change <fraction>  -> edits that fraction of movies and episodes, prints {"changed": n}
//   requests           -> prints {"requests": n, "transcodes": n, "originals": n} (answered since the
//                         last `requests`; transcodes are /photo/:/transcode, originals full-size images)
import { createInterface } from 'node:readline';
import { startFakePlex } from '../fake-plex/index';

async function main(): Promise<void> {
  const [movies, shows, episodes, latencyMs] = process.argv.slice(2).map(Number);
  const fake = await startFakePlex({ seed: 2026, movies, shows, episodes, latencyMs });
  process.stdout.write(`${JSON.stringify({ pmsUrl: fake.pmsUrl, token: fake.token })}\n`);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'change') {
      const playable = fake.control
        .snapshot()
        .items.filter((i) => i.type === 'movie' || i.type === 'episode');
      const step = Math.max(1, Math.round(1 / Number(arg)));
      let n = 0;
      for (let i = 0; i < playable.length; i += step) {
        fake.control.change(playable[i]!.ratingKey, { summary: `edited ${Date.now()}` });
        n += 1;
      }
      process.stdout.write(`${JSON.stringify({ changed: n })}\n`);
    } else if (cmd === 'requests') {
      const entries = fake.requestLog.entries;
      process.stdout.write(
        `${JSON.stringify({
          requests: entries.length,
          transcodes: entries.filter((e) => e.path === '/photo/:/transcode').length,
          originals: entries.filter((e) => /^\/library\/metadata\/[^/]+\/(thumb|art)\//.test(e.path)).length,
        })}\n`,
      );
      fake.requestLog.reset();
    }
  }
  await fake.stop();
}

void main();
