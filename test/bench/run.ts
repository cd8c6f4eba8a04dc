// npm run bench [-- --movies N --shows N --episodes N --latency MS --naive-seconds S
//                  --large [N,N] --only-large --worker-flags="--max-semi-space-size=4"]
// Syncs the fake Plex (own process, fixed latency per request) from a fresh process per scenario
// and prints time, requests, rows written and peak RSS beside the targets. Not a test: figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { build } from 'tsup';
import { MIGRATIONS, tempDir } from '../helpers/temp';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const MOVIES = opt('movies', 5000);
const SHOWS = opt('shows', 1000);
const EPISODES = opt('episodes', 17000);
const LATENCY = opt('latency', 20);
const NAIVE_SECONDS = opt('naive-seconds', 10);
/** --large [sizes]: also sync show libraries of these episode counts (default 50000,200000). */
const LARGE_AT = args.indexOf('--large');
const LARGE_SIZES =
  LARGE_AT < 0
    ? []
    : (args[LARGE_AT + 1] && !args[LARGE_AT + 1]!.startsWith('--') ? args[LARGE_AT + 1]! : '50000,200000')
        .split(',')
        .map(Number);
const ONLY_LARGE = args.includes('--only-large');
/** Node flags for the measured process, e.g. --worker-flags=--max-semi-space-size=4 (V8 sizes its young generation from the machine's RAM). */
const WORKER_FLAGS = (args.find((a) => a.startsWith('--worker-flags=')) ?? '--worker-flags=')
  .slice('--worker-flags='.length)
  .split(' ')
  .filter(Boolean);

const TSX = ['--import', 'tsx'];
const here = __dirname;

interface Fake {
  child: ChildProcess;
  lines: Interface;
  pmsUrl: string;
  token: string;
  ask(cmd: string): Promise<Record<string, number>>;
  stop(): void;
}

async function startFake(movies: number, shows: number, episodes: number): Promise<Fake> {
  const child = spawn(
    process.execPath,
    [...TSX, join(here, 'fake-server.ts'), String(movies), String(shows), String(episodes), String(LATENCY)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const it = lines[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await it.next()).value)) as Record<string, unknown>;
  const info = await next();
  return {
    child,
    lines,
    pmsUrl: String(info.pmsUrl),
    token: String(info.token),
    ask: async (cmd) => {
      child.stdin!.write(`${cmd}\n`);
      return (await next()) as Record<string, number>;
    },
    stop: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}

/**
 * The worker bundled like the shipped CLI (tsup, CommonJS, no TypeScript loader in the process):
 * a loader thread would add tens of MB to every RSS figure.
 */
async function bundleWorker(outDir: string): Promise<string> {
  await build({
    entry: { 'sync-worker': join(here, 'sync-worker.ts') },
    outDir,
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    // Packages stay external, as in the shipped build; the child finds them through NODE_PATH.
    silent: true,
    config: false,
  });
  return join(outDir, 'sync-worker.js');
}

let workerScript = '';

function worker(argv: string[]): Promise<Record<string, number | string[]>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...WORKER_FLAGS, workerScript, ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        RETROVUE_MIGRATIONS: MIGRATIONS,
        NODE_PATH: join(here, '..', '..', 'node_modules'),
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`worker exited ${code}`)),
    );
  });
}

const fmt = (n: unknown, digits = 2) => (typeof n === 'number' ? n.toFixed(digits) : String(n));

async function main(): Promise<void> {
  const tmp = tempDir('retrovue-bench-');
  workerScript = await bundleWorker(join(tmp.dir, 'bundle'));
  const rows: string[][] = [
    ['scenario', 'seconds', 'cpu s', 'requests', 'rows written', 'peak RSS MB', 'target', 'ok'],
  ];
  const add = (name: string, r: Record<string, unknown>, target: string, ok: boolean) =>
    rows.push([
      name,
      fmt(r.seconds),
      fmt(r.cpuSeconds),
      String(r.requests),
      String(r.rowsWritten ?? '-'),
      fmt(r.peakRssMb, 0),
      target,
      ok ? 'yes' : 'NO',
    ]);
  if (!ONLY_LARGE)
    console.log(
      `fake Plex: ${MOVIES} movies, ${SHOWS} shows, ${EPISODES} episodes, ${LATENCY} ms per request`,
    );
  // Wall-clock figures depend on what else the machine runs; the syncer's own CPU time does not.
  console.log(
    `${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at start`,
  );
  const fake = ONLY_LARGE ? null : await startFake(MOVIES, SHOWS, EPISODES);
  if (fake)
    try {
      const db = join(tmp.dir, 'bench.db');
      const sync = (deep = false) =>
        worker(['sync', db, fake.pmsUrl, fake.token, tmp.dir, ...(deep ? ['deep'] : [])]);

      const initial = await sync();
      const naive = await worker(['naive', fake.pmsUrl, fake.token, String(NAIVE_SECONDS)]);
      const totalItems = Number(initial.added);
      const naiveSeconds = totalItems / Number(naive.itemsPerSecond);
      const speedup = naiveSeconds / Number(initial.seconds);
      add(
        `initial sync (${totalItems} items)`,
        initial,
        '<= 10 s, >= 15x naive',
        Number(initial.seconds) <= 10 && speedup >= 15,
      );
      rows.push([
        `naive traversal (${naive.items} items in ${fmt(naive.seconds, 1)} s, extrapolated)`,
        fmt(naiveSeconds, 0),
        '-',
        `~${Math.round((Number(naive.requests) / Number(naive.items)) * totalItems)}`,
        '-',
        '-',
        `ours ${fmt(speedup, 1)}x faster`,
        speedup >= 15 ? 'yes' : 'NO',
      ]);

      await fake.ask('requests');
      const none = await sync();
      add(
        'incremental, nothing changed',
        none,
        '<= 0.5 s, <= libraries+1 requests, 0 rows',
        Number(none.seconds) <= 0.5 && Number(none.requests) <= 3 && Number(none.rowsWritten) === 0,
      );

      const changed = await fake.ask('change 0.01');
      const inc = await sync();
      add(
        `incremental, 1% changed (${changed.changed} items)`,
        inc,
        '<= 2 s',
        Number(inc.seconds) <= 2 && Number(inc.updated) === changed.changed,
      );
      const peak = Math.max(Number(initial.peakRssMb), Number(none.peakRssMb), Number(inc.peakRssMb));
      rows.push([
        'peak RSS of all runs',
        '-',
        '-',
        '-',
        '-',
        fmt(peak, 0),
        '<= 200 MB',
        peak <= 200 ? 'yes' : 'NO',
      ]);
    } finally {
      fake.stop();
    }

  {
    for (const episodes of LARGE_SIZES) {
      const big = await startFake(0, Math.round(episodes / 40), episodes);
      try {
        const r = await worker([
          'sync',
          join(tmp.dir, `large-${episodes}.db`),
          big.pmsUrl,
          big.token,
          tmp.dir,
        ]);
        add(
          `initial sync, ${episodes} episodes`,
          r,
          `linear, RSS <= 300 MB (${fmt((Number(r.seconds) / episodes) * 1000, 3)} ms/episode)`,
          Number(r.peakRssMb) <= 300,
        );
      } finally {
        big.stop();
      }
    }
  }
  tmp.cleanup();
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at end`,
  );
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log(rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n'));
}

void main();
