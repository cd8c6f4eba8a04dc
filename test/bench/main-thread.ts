// npm run bench:main-thread [-- --movies N --latency MS]
// What the app's main thread feels while a movie library of N items has its first sync, through
// the product's path (createCoreServices -> sync service -> run queue -> sync worker thread):
// event-loop delay (p50/p99/max, 1 ms resolution) and how long a status query takes (the window's
// libraries list with counts and progress, plus health), asked every 100 ms during the run.
// For comparison the same sync with the engine called on the main thread itself (how it ran
// before the worker). Not a test: figures beside the targets (p99 <= 20 ms, status < 50 ms).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createFileVault, VAULT_FILE } from '../../src-main/core/account/file-vault';
import { libraryHandlers } from '../../src-main/core/api/libraries';
import { createCoreServices, type CoreServices } from '../../src-main/core/core-services';
import {
  listLibraries,
  setLibrariesSelected,
} from '../../src-main/core/store/repositories/library-repository';
import { SyncEngine } from '../../src-main/core/sync/engine';
import { tempDir } from '../helpers/temp';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const MOVIES = opt('movies', 3000);
const LATENCY = opt('latency', 5);

async function startFake(): Promise<{ pmsUrl: string; token: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fake-server.ts'), String(MOVIES), '0', '0', String(LATENCY)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const first = await lines[Symbol.asyncIterator]().next();
  const info = JSON.parse(String(first.value)) as { pmsUrl: string; token: string };
  return {
    ...info,
    stop: () => {
      child.stdin!.end();
      child.kill();
    },
  };
}

async function coreWithLibrary(pmsUrl: string, token: string) {
  const { dir, cleanup } = tempDir('retrovue-bench-main-');
  const core = createCoreServices({
    dataDir: dir,
    vault: createFileVault(join(dir, VAULT_FILE)),
    actor: 'cli',
    healthPort: null,
    env: {
      RETROVUE_ARTWORK_CACHE: 'false',
      RETROVUE_LIVE_PUSH: 'false',
      RETROVUE_PLEX_TV_URL: 'http://127.0.0.1:1',
    },
  });
  const server = await core.servers.addManual(pmsUrl, token);
  await core.servers.refreshLibraries(server.id);
  const library = listLibraries(core.store.db, server.id).find((l) => l.type === 'movie')!;
  return { core, serverId: server.id, libraryId: library.id, cleanup };
}

interface Figures {
  mode: string;
  seconds: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  statusQueryMs: { count: number; p50: number; p99: number; max: number };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `sync` while sampling the loop and timing a status query every 100 ms. */
async function measure(mode: string, core: CoreServices, sync: () => Promise<void>): Promise<Figures> {
  const handlers = libraryHandlers({
    store: core.store,
    servers: core.servers,
    config: core.configStore,
    sync: core.sync,
  });
  const queries: number[] = [];
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let probing = true;
  const probe = async () => {
    while (probing) {
      const t0 = performance.now();
      handlers['libraries:list'](undefined);
      core.sync.health();
      queries.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  histogram.enable();
  const started = performance.now();
  const probing$ = probe();
  await sync();
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  probing = false;
  await probing$;
  const ms = (ns: number) => Math.round((ns / 1e6) * 10) / 10;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    mode,
    seconds: round(seconds),
    loopDelayMs: {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
    },
    statusQueryMs: {
      count: queries.length,
      p50: round(percentile(queries, 50)),
      p99: round(percentile(queries, 99)),
      max: round(Math.max(...queries)),
    },
  };
}

async function viaWorker(pmsUrl: string, token: string): Promise<Figures> {
  const { core, libraryId, cleanup } = await coreWithLibrary(pmsUrl, token);
  try {
    setLibrariesSelected(core.store.db, [libraryId], true);
    return await measure('worker thread (the product)', core, async () => {
      const finished = new Promise<void>((resolve, reject) => {
        core.sync.on((e) => {
          if (e.type === 'finished' && e.result.libraryId === libraryId) {
            if (e.result.status === 'succeeded') resolve();
            else reject(new Error(`sync ${e.result.status}: ${e.result.errorMessage ?? ''}`));
          } else if (e.type === 'failed' && e.libraryId === libraryId) reject(new Error(e.message));
        });
      });
      // A selected library that never synced is queued by the start.
      await core.sync.start();
      await finished;
    });
  } finally {
    await core.sync.stop();
    core.close();
    cleanup();
  }
}

/** The machine's own noise: the same probes for 5 s with no sync at all. */
async function idle(pmsUrl: string, token: string): Promise<Figures> {
  const { core, cleanup } = await coreWithLibrary(pmsUrl, token);
  try {
    return await measure(
      'idle (no sync: the noise floor of this machine)',
      core,
      () => new Promise((r) => setTimeout(r, 5000)),
    );
  } finally {
    core.close();
    cleanup();
  }
}

async function onMainThread(pmsUrl: string, token: string): Promise<Figures> {
  const { core, serverId, libraryId, cleanup } = await coreWithLibrary(pmsUrl, token);
  try {
    const access = await core.serverAccess(serverId);
    const client = core.serverClientFor(access);
    const engine = new SyncEngine({
      store: core.store,
      config: core.config(),
      clientFor: () => client,
    });
    try {
      return await measure('main thread (engine called directly)', core, async () => {
        const result = await engine.syncLibrary(libraryId, { trigger: 'manual' });
        if (result.status !== 'succeeded') throw new Error(`sync ${result.status}`);
      });
    } finally {
      client.close();
    }
  } finally {
    core.close();
    cleanup();
  }
}

async function main(): Promise<void> {
  const fake = await startFake();
  try {
    const figures = [
      await idle(fake.pmsUrl, fake.token),
      await viaWorker(fake.pmsUrl, fake.token),
      await onMainThread(fake.pmsUrl, fake.token),
    ];
    for (const f of figures)
      process.stdout.write(`${JSON.stringify({ movies: MOVIES, latencyMs: LATENCY, ...f })}\n`);
    const w = figures[1]!;
    process.stdout.write(
      `worker: loop p99 ${w.loopDelayMs.p99} ms (target <= 20), status query max ${w.statusQueryMs.max} ms (target < 50)\n`,
    );
  } finally {
    fake.stop();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
