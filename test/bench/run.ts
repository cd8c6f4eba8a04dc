// npm run bench [-- --movies N --shows N --episodes N --latency MS --naive-seconds S
//                  --large [N,N] --only-large]
// Runs the product as users do: the built `retrovue` command (dist/cli/retrovue.js, `npm run
// build:node` first) with its default settings, as a child process against the fake Plex (own
// process, fixed latency per request, real-sized images), and prints wall time, requests and the
// child's peak RSS beside the targets. The artwork fill (`retrovue artwork`) is its own row.
// Not a test: figures.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { tempDir } from '../helpers/temp';

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

const ROOT = join(__dirname, '..', '..');
const RETROVUE = join(ROOT, 'dist', 'cli', 'retrovue.js');
const TSX = ['--import', 'tsx'];
const GNU_TIME = '/usr/bin/time';

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
    [
      ...TSX,
      join(__dirname, 'fake-server.ts'),
      String(movies),
      String(shows),
      String(episodes),
      String(LATENCY),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
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

interface CliRun {
  seconds: number;
  /** User + system CPU of the child: what the run costs, whatever else the machine is doing. */
  cpuSeconds: number | null;
  peakRssMb: number;
  /** The command's --json summary. */
  out: Record<string, unknown>;
}

/**
 * `retrovue <args>` as a user runs it (the token in PLEX_TOKEN, as the docs say, not on the command
 * line); peak RSS from GNU time's maximum resident set size, or else the child's VmHWM polled.
 */
function retrovue(cliArgs: string[], token: string, timeFile: string): Promise<CliRun> {
  const useTime = existsSync(GNU_TIME);
  const [cmd, argv] = useTime
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, process.execPath, RETROVUE, ...cliArgs]]
    : [process.execPath, [RETROVUE, ...cliArgs]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, argv, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PLEX_TOKEN: token },
    });
    let hwmKb = 0;
    const poll = useTime
      ? null
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
          } catch {
            // gone
          }
        }, 10);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (poll) clearInterval(poll);
      const timed = useTime
        ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
        : null;
      const peakKb = timed ? timed[0]! : hwmKb;
      const cpuSeconds = timed ? timed[1]! + timed[2]! : null;
      try {
        resolve({
          seconds,
          cpuSeconds,
          peakRssMb: peakKb / 1024,
          out: JSON.parse(out) as Record<string, unknown>,
        });
      } catch {
        reject(new Error(`retrovue ${cliArgs.join(' ')} exited ${code}: ${out.slice(0, 500)}`));
      }
    });
  });
}

function naive(pmsUrl: string, token: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...TSX, join(__dirname, 'naive-worker.ts'), pmsUrl, token, String(NAIVE_SECONDS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!))
        : reject(new Error(`naive exited ${code}`)),
    );
  });
}

const fmt = (n: unknown, digits = 2) => (typeof n === 'number' ? n.toFixed(digits) : String(n));
type Totals = { added: number; updated: number; unchanged: number; removed: number; errors: number };

async function main(): Promise<void> {
  console.log('building the retrovue command (npm run build:node)');
  execFileSync('npm', ['run', '--silent', 'build:node'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tmp = tempDir('retrovue-bench-');
  const timeFile = join(tmp.dir, 'time.txt');
  const rows: string[][] = [['scenario', 'seconds', 'cpu s', 'requests', 'peak RSS MB', 'target', 'ok']];
  const add = (name: string, r: CliRun | null, requests: number | string, target: string, ok: boolean) =>
    rows.push([
      name,
      r ? fmt(r.seconds) : '-',
      r?.cpuSeconds != null ? fmt(r.cpuSeconds) : '-',
      String(requests),
      r ? fmt(r.peakRssMb, 0) : '-',
      target,
      ok ? 'yes' : 'NO',
    ]);
  const peaks: number[] = [];
  if (!ONLY_LARGE)
    console.log(
      `fake Plex: ${MOVIES} movies, ${SHOWS} shows, ${EPISODES} episodes, ${LATENCY} ms per request`,
    );
  // Wall-clock figures depend on what else the machine runs.
  console.log(
    `${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at start`,
  );
  const fake = ONLY_LARGE ? null : await startFake(MOVIES, SHOWS, EPISODES);
  if (fake)
    try {
      const dataDir = join(tmp.dir, 'user');
      const sync = () =>
        retrovue(
          ['--data-dir', dataDir, '--json', 'sync', '--server-url', fake.pmsUrl],
          fake.token,
          timeFile,
        );
      const artwork = () =>
        retrovue(
          ['--data-dir', dataDir, '--json', 'artwork', '--server-url', fake.pmsUrl],
          fake.token,
          timeFile,
        );
      const totals = (r: CliRun) => r.out.totals as Totals;

      await fake.ask('requests');
      const initial = await sync();
      const initialReq = await fake.ask('requests');
      peaks.push(initial.peakRssMb);
      const items = totals(initial).added;
      const expected = MOVIES + SHOWS + EPISODES; // seasons come on top
      add(
        `retrovue sync, first (${items} items)`,
        initial,
        initialReq.requests!,
        '<= 10 s, <= 300 requests, <= 200 MB, every item, no image',
        initial.seconds <= 10 &&
          initialReq.requests! <= 300 &&
          initial.peakRssMb <= 200 &&
          items >= expected &&
          totals(initial).errors === 0 &&
          initialReq.transcodes! + initialReq.originals! === 0,
      );

      const n = await naive(fake.pmsUrl, fake.token);
      const naiveSeconds = items / n.itemsPerSecond!;
      const speedup = naiveSeconds / initial.seconds;
      rows.push([
        `naive traversal (${n.items} items in ${fmt(n.seconds, 1)} s, extrapolated)`,
        fmt(naiveSeconds, 0),
        '-',
        `~${Math.round((n.requests! / n.items!) * items)}`,
        '-',
        `ours ${fmt(speedup, 1)}x faster`,
        speedup >= 15 ? 'yes' : 'NO',
      ]);

      await fake.ask('requests');
      const none = await sync();
      const noneReq = await fake.ask('requests');
      peaks.push(none.peakRssMb);
      add(
        'retrovue sync, nothing changed',
        none,
        noneReq.requests!,
        '<= 2 requests, nothing written',
        noneReq.requests! <= 2 && totals(none).updated + totals(none).added + totals(none).removed === 0,
      );

      const changed = await fake.ask('change 0.01');
      const inc = await sync();
      const incReq = await fake.ask('requests');
      peaks.push(inc.peakRssMb);
      add(
        `retrovue sync, 1% changed (${changed.changed} items)`,
        inc,
        incReq.requests!,
        '<= 2 s of sync',
        Number(inc.out.durationMs) <= 2000 && totals(inc).updated === changed.changed,
      );

      const fill = await artwork();
      const fillReq = await fake.ask('requests');
      peaks.push(fill.peakRssMb);
      const fetched = Number(fill.out.fetched);
      const cache = fill.out.cache as { prefetchable: number; cached: number };
      const perPosterKb = Number(fill.out.bytes) / Math.max(1, fetched) / 1024;
      add(
        `retrovue artwork (${fetched} posters, ${fmt(perPosterKb, 1)} KB each, ${fillReq.originals} originals)`,
        fill,
        fillReq.requests!,
        '<= 60 s, <= 40 KB a poster, every poster, no original',
        fill.seconds <= 60 &&
          perPosterKb <= 40 &&
          cache.cached === cache.prefetchable &&
          Number(fill.out.failed) === 0 &&
          fillReq.originals === 0,
      );

      const again = await artwork();
      const againReq = await fake.ask('requests');
      peaks.push(again.peakRssMb);
      add(
        'retrovue artwork, second run',
        again,
        againReq.requests!,
        'fetches nothing',
        Number(again.out.fetched) === 0 && againReq.transcodes! + againReq.originals! === 0,
      );
    } finally {
      fake.stop();
    }

  for (const episodes of LARGE_SIZES) {
    const big = await startFake(0, Math.round(episodes / 40), episodes);
    try {
      const r = await retrovue(
        ['--data-dir', join(tmp.dir, `large-${episodes}`), '--json', 'sync', '--server-url', big.pmsUrl],
        big.token,
        timeFile,
      );
      const req = await big.ask('requests');
      add(
        `retrovue sync, ${episodes} episodes (${fmt((r.seconds / episodes) * 1000, 3)} ms/episode)`,
        r,
        req.requests!,
        'linear, RSS <= 300 MB',
        r.peakRssMb <= 300,
      );
    } finally {
      big.stop();
    }
  }
  const peak = Math.max(0, ...peaks);
  if (peaks.length > 0)
    rows.push([
      'peak RSS of the perf library runs',
      '-',
      '-',
      '-',
      fmt(peak, 0),
      '<= 200 MB',
      peak <= 200 ? 'yes' : 'NO',
    ]);
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
