// One measured sync in a fresh process (so peak RSS is this sync's alone). Prints one JSON line.
//   sync-worker.ts sync <db> <pmsUrl> <token> <dataDir> [deep]
//   sync-worker.ts naive <pmsUrl> <token> <seconds>
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient, type ServerClient } from '../../src-main/core/plex/server-client';
import { openStore } from '../../src-main/core/store/database';
import { SyncEngine } from '../../src-main/core/sync/engine';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { MIGRATIONS } from '../helpers/temp';

const identity = makeIdentity('retrovue-bench');

async function sync(
  db: string,
  pmsUrl: string,
  token: string,
  dataDir: string,
  deep: boolean,
): Promise<object> {
  // When bundled (run.ts measures the code as shipped, without a TypeScript loader) the migrations
  // folder cannot be found relative to this file.
  const store = openStore(db, { migrationsFolder: process.env.RETROVUE_MIGRATIONS ?? MIGRATIONS });
  const client = createServerClient({ baseUrl: pmsUrl, token, identity, timeoutMs: 60_000 });
  const { server } = await registerServerByUrl(store, client);
  const setupCalls = client.stats().apiCalls;
  const engine = new SyncEngine({
    store,
    config: DEFAULT_CONFIG,
    clientFor: () => client,
  });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const peak: Record<string, number> = {};
  const sampler = setInterval(() => {
    for (const [k, v] of Object.entries(process.memoryUsage()))
      peak[k] = Math.max(peak[k] ?? 0, Math.round(v / 1048576));
  }, 20);
  const results = await engine.syncServer(server.id, { kind: deep ? 'deep' : 'incremental', trigger: 'cli' });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const out = {
    seconds,
    requests: client.stats().apiCalls - setupCalls,
    bytes: client.stats().bytesReceived,
    rowsWritten: results.reduce((n, r) => n + r.rowsWritten, 0),
    added: results.reduce((n, r) => n + r.added, 0),
    updated: results.reduce((n, r) => n + r.updated, 0),
    unchanged: results.reduce((n, r) => n + r.unchanged, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    statuses: results.map((r) => r.status),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    /** Peaks of process.memoryUsage() sampled every 20 ms: where the memory is (heap or native). */
    peakMemMb: peak,
    cpuSeconds: (() => {
      const c = process.cpuUsage(cpuStart);
      return (c.user + c.system) / 1e6;
    })(),
  };
  client.close();
  store.close();
  return out;
}

/**
 * The traversal a simple client does: walk the tree (sections -> items -> seasons -> episodes) and
 * fetch every item's details one request at a time. Run for a time budget; the caller extrapolates.
 */
async function naive(pmsUrl: string, token: string, budgetSeconds: number): Promise<object> {
  const client: ServerClient = createServerClient({ baseUrl: pmsUrl, token, identity, timeoutMs: 60_000 });
  const started = performance.now();
  const deadline = started + budgetSeconds * 1000;
  let items = 0;
  const list = async (path: string, query: Record<string, string | number> = {}) =>
    ((await client.get(path, { query })).data.MediaContainer.Metadata ?? []) as Array<{
      ratingKey: string;
      type: string;
    }>;
  const detail = async (rk: string) => {
    await client.get(`/library/metadata/${rk}`, { query: { includeChapters: 1 } });
    items += 1;
  };
  const sections = ((await client.get('/library/sections')).data.MediaContainer.Directory ?? []) as Array<{
    key: string;
    type: string;
  }>;
  outer: for (const s of sections) {
    for (const top of await list(`/library/sections/${s.key}/all`)) {
      if (performance.now() > deadline) break outer;
      await detail(top.ratingKey);
      if (top.type !== 'show') continue;
      for (const season of await list(`/library/metadata/${top.ratingKey}/children`)) {
        items += 1;
        for (const ep of await list(`/library/metadata/${season.ratingKey}/children`)) {
          if (performance.now() > deadline) break outer;
          await detail(ep.ratingKey);
        }
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return { seconds, items, requests: client.stats().apiCalls, itemsPerSecond: items / seconds };
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  const result =
    mode === 'naive'
      ? await naive(args[0]!, args[1]!, Number(args[2]))
      : await sync(args[0]!, args[1]!, args[2]!, args[3]!, args[4] === 'deep');
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
