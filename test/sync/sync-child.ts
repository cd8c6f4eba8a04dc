// Runs one sync of a server into a database, as a separate process the kill-and-resume test can
// SIGKILL at any moment. Usage: tsx sync-child.ts <db> <pmsUrl> <token> <dataDir> [incremental|deep]
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient } from '../../src-main/core/plex/server-client';
import { openStore } from '../../src-main/core/store/database';
import { SyncEngine } from '../../src-main/core/sync/engine';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { MIGRATIONS } from '../helpers/temp';

async function main(): Promise<void> {
  const [dbPath, pmsUrl, token, dataDir, kind] = process.argv.slice(2);
  if (!dbPath || !pmsUrl || !token || !dataDir)
    throw new Error('usage: sync-child <db> <pmsUrl> <token> <dataDir>');
  const store = openStore(dbPath, { migrationsFolder: MIGRATIONS });
  const client = createServerClient({ baseUrl: pmsUrl, token, identity: makeIdentity('retrovue-kill-test') });
  const { server } = await registerServerByUrl(store, client);
  const config = {
    ...DEFAULT_CONFIG,
    artwork_cache: false,
    batch_size: 25,
    detail_batch_size: 10,
    detail_concurrency: 2,
  };
  const engine = new SyncEngine({ store, config, clientFor: () => client });
  process.stdout.write('syncing\n');
  const results = await engine.syncServer(server.id, { kind: kind === 'deep' ? 'deep' : 'incremental' });
  process.stdout.write(
    `${JSON.stringify(results.map((r) => ({ status: r.status, resumed: r.resumedFromRunId })))}\n`,
  );
  client.close();
  store.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
