// The traversal a simple client does, in its own process, for comparison. Prints one JSON line.
//   naive-worker.ts <pmsUrl> <token> <seconds>
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient, type ServerClient } from '../../src-main/core/plex/server-client';

const identity = makeIdentity('retrovue-bench');

/**
 * The traversal a simple client does: walk the tree (sections -> items -> seasons -> episodes) and
 * fetch every item's details one request at a time. Run for a time budget; the caller extrapolates.
 */
async function naive(pmsUrl: string, token: string, budgetSeconds: number): Promise<object> {
  const client: ServerClient = createServerClient({ baseUrl: pmsUrl, token, identity, timeoutMs: 60_000 });
  const started = performance.now();
  const deadline = started + budgetSeconds * 1000;
  let items = 0;
  // Real servers refuse a listing without a page size, or above 1000: the naive scanner asks for the
  // first 1000, more than its time budget gets through anyway (the rate is extrapolated).
  const list = async (path: string, query: Record<string, string | number> = {}) =>
    ((
      await client.get(path, {
        query,
        headers: { 'X-Plex-Container-Start': '0', 'X-Plex-Container-Size': '1000' },
      })
    ).data.MediaContainer.Metadata ?? []) as Array<{
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
  const [pmsUrl, token, seconds] = process.argv.slice(2);
  process.stdout.write(`${JSON.stringify(await naive(pmsUrl!, token!, Number(seconds)))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
