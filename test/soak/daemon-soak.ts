// Soak: `retrovue daemon` (default settings, live push on) against a fake Plex that changes every
// few seconds, for ten minutes. Reports the daemon's RSS and open file descriptors at start and end
// (/proc/<pid>/status, /proc/<pid>/fd), seconds from each change to its row, and what was missed.
//   npx tsx test/soak/daemon-soak.ts [--minutes 10] [--interval 4] [--out soak.json]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Rng } from '../fake-plex/index';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { RETROVUE_COMMAND } from '../helpers/cli';
import { expectConverged } from '../sync/helpers';
import type { Store } from '../../src-main/core/store/database';

interface Probe {
  what: string;
  madeAt: number;
  seenAt: number | null;
  /** True once the database shows the change. */
  check: (db: Database.Database) => boolean;
}

interface ProcSample {
  atSeconds: number;
  rssKb: number;
  fds: number;
}

function sample(pid: number, t0: number): ProcSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return {
    atSeconds: Math.round((Date.now() - t0) / 1000),
    rssKb: rss ? Number(rss[1]) : -1,
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One random change a Plex user or scanner makes, with the query that shows it stored. */
function change(fake: FakePlex, rng: Rng, n: number): Probe {
  const { control } = fake;
  const items = control.snapshot().items;
  const movies = items.filter((i) => i.type === 'movie');
  const episodes = items.filter((i) => i.type === 'episode');
  const madeAt = Date.now();
  const roll = rng.next();
  if (roll < 0.4) {
    const item = rng.pick<(typeof items)[number]>(rng.chance(0.5) ? movies : episodes);
    const title = `Soak retitle ${n}`;
    control.change(item.ratingKey, { title });
    const table = item.type === 'movie' ? 'movies' : 'episodes';
    return {
      what: `retitle ${item.type} ${item.ratingKey}`,
      madeAt,
      seenAt: null,
      check: (db) =>
        (
          db.prepare(`select title from ${table} where plex_rating_key = ?`).get(item.ratingKey) as
            { title: string } | undefined
        )?.title === title,
    };
  }
  if (roll < 0.65) {
    const movie = control.addMovie({ title: `Soak added ${n}` });
    return {
      what: `add movie ${movie.ratingKey}`,
      madeAt,
      seenAt: null,
      check: (db) =>
        (
          db.prepare(`select state from movies where plex_rating_key = ?`).get(movie.ratingKey) as
            { state: string } | undefined
        )?.state.match(/^(normal|remote_only|unavailable)$/) != null,
    };
  }
  if (roll < 0.85 && movies.length > 50) {
    const movie = rng.pick(movies);
    control.delete(movie.ratingKey);
    return {
      what: `delete movie ${movie.ratingKey}`,
      madeAt,
      seenAt: null,
      check: (db) =>
        (
          db.prepare(`select state from movies where plex_rating_key = ?`).get(movie.ratingKey) as
            { state: string } | undefined
        )?.state === 'file_not_found',
    };
  }
  const item = rng.pick(movies);
  const path = `/data/movies/soak/${n}/${item.ratingKey}.mkv`;
  control.moveFile(item.ratingKey, path);
  return {
    what: `move file of movie ${item.ratingKey}`,
    madeAt,
    seenAt: null,
    check: (db) =>
      db
        .prepare(
          `select 1 from media_parts p join media_versions v on v.id = p.version_id join movies m on m.id = v.movie_id where m.plex_rating_key = ? and p.file = ?`,
        )
        .get(item.ratingKey, path) !== undefined,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      interval: { type: 'string', default: '4' },
      out: { type: 'string' },
      seed: { type: 'string', default: '14' },
    },
  });
  const durationMs = Number(values.minutes) * 60_000;
  const intervalMs = Number(values.interval) * 1000;
  const rng = new Rng(Number(values.seed));
  const fake = await startFakePlex({ seed: Number(values.seed), movies: 400, shows: 10, episodes: 200 });
  const dir = mkdtempSync(join(tmpdir(), 'retrovue-soak-'));
  const tokenFile = join(dir, 'plex-token');
  writeFileSync(tokenFile, `${fake.token}\n`, { mode: 0o600 });
  const env = {
    ...process.env,
    NO_COLOR: '1',
    // Loopback only: plex.tv and GDM point at the fake; everything else is the default configuration.
    RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
    RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
    RETROVUE_GDM_ADDRESS: '127.0.0.1',
  };
  const [node, ...cli] = RETROVUE_COMMAND;
  // The CLI's own setup steps run in children while the fake (in this process) must answer: async.
  const setupAsync = (args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(node, [...cli, '--data-dir', dir, ...args], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`retrovue ${args.join(' ')}: ${stderr}`)),
      );
    });
  await setupAsync(['servers', 'add', fake.pmsUrl, '--token-file', tokenFile]);
  await setupAsync(['libraries', '--refresh']);
  const dbPath = join(dir, 'retrovue.db');
  const rw = new Database(dbPath);
  rw.prepare('update libraries set selected = 1').run();
  rw.close();

  const daemon = spawn(node, [...cli, '--data-dir', dir, '--json', 'daemon', '--health-port', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Array<Record<string, unknown>> = [];
  let buffer = '';
  let stderr = '';
  daemon.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line) events.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  daemon.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => daemon.on('close', (code) => resolve(code)));
  const waitFor = async (what: string, probe: () => boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!probe()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`);
      await sleep(100);
    }
  };
  await waitFor('ready', () => events.some((e) => e.event === 'ready'), 60_000);
  const pid = events.find((e) => e.event === 'ready')!.pid as number;
  const finished = () => events.filter((e) => e.type === 'finished');
  await waitFor('the first syncs', () => finished().length >= 2, 180_000);
  await waitFor(
    'the notifications socket',
    () => fake.requestLog.entries.some((e) => e.path.endsWith('/notifications') && e.status === 101),
    30_000,
  );
  await sleep(3000);

  const t0 = Date.now();
  const samples: ProcSample[] = [sample(pid, t0)];
  console.log(`daemon pid ${pid} ready; start: RSS ${samples[0]!.rssKb} kB, ${samples[0]!.fds} fds`);
  const probes: Probe[] = [];
  const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
  let n = 0;
  let nextChange = Date.now();
  let nextSample = Date.now() + 30_000;
  while (Date.now() - t0 < durationMs) {
    if (Date.now() >= nextChange) {
      probes.push(change(fake, rng, ++n));
      nextChange += intervalMs;
    }
    for (const p of probes) if (p.seenAt === null && p.check(reader)) p.seenAt = Date.now();
    if (Date.now() >= nextSample) {
      samples.push(sample(pid, t0));
      nextSample += 30_000;
      const s = samples.at(-1)!;
      console.log(
        `${s.atSeconds} s: RSS ${s.rssKb} kB, ${s.fds} fds, ${probes.filter((p) => p.seenAt !== null).length}/${probes.length} changes stored`,
      );
    }
    await sleep(100);
  }
  // The last changes get the same chance as the others: a debounce plus a run.
  const settleUntil = Date.now() + 30_000;
  while (Date.now() < settleUntil && probes.some((p) => p.seenAt === null)) {
    for (const p of probes) if (p.seenAt === null && p.check(reader)) p.seenAt = Date.now();
    await sleep(100);
  }
  const end = sample(pid, t0);
  samples.push(end);
  reader.close();

  daemon.kill('SIGTERM');
  const code = await exited;
  const check = new Database(dbPath, { readonly: true });
  const differences = expectConverged({ sqlite: check } as unknown as Store, fake);
  check.close();
  await fake.stop();

  const latencies = probes
    .filter((p) => p.seenAt !== null)
    .map((p) => (p.seenAt! - p.madeAt) / 1000)
    .sort((a, b) => a - b);
  const missed = probes.filter((p) => p.seenAt === null).map((p) => p.what);
  const runs = finished().map((e) => (e as { result: { status: string; trigger: string } }).result);
  const result = {
    minutes: Number(values.minutes),
    intervalSeconds: intervalMs / 1000,
    changes: probes.length,
    stored: latencies.length,
    missed,
    secondsFromChangeToRow: {
      min: latencies[0],
      median: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      max: latencies.at(-1),
    },
    rss: { startKb: samples[0]!.rssKb, endKb: end.rssKb, maxKb: Math.max(...samples.map((s) => s.rssKb)) },
    fds: { start: samples[0]!.fds, end: end.fds, max: Math.max(...samples.map((s) => s.fds)) },
    runs: {
      total: runs.length,
      byStatus: runs.reduce<Record<string, number>>(
        (acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc),
        {},
      ),
      byTrigger: runs.reduce<Record<string, number>>(
        (acc, r) => ((acc[r.trigger] = (acc[r.trigger] ?? 0) + 1), acc),
        {},
      ),
    },
    failedEvents: events.filter((e) => e.type === 'failed').length,
    daemonExit: code,
    tokenInStderr: stderr.includes(fake.token),
    convergedAfterStop: differences.length === 0 ? true : differences.slice(0, 5),
    samples,
  };
  console.log(JSON.stringify(result, null, 2));
  if (values.out) writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = missed.length === 0 && code === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
