// The database-wide operations the scheduler triggers, over the maintenance module: cleanup
// (archive long-missing items, sweep orphans) and database maintenance (integrity, optimize,
// vacuum when worth it). Each returns the one-line summary the event stream carries.
import { join } from 'node:path';
import type { Config } from '../../../src-shared/config-schema';
import { runCleanup } from '../maintenance/cleanup';
import { runDatabaseMaintenance } from '../maintenance/database-maintenance';
import type { Store } from '../store/database';
import type { OperationRunner } from './sync-service';

export function scheduledOperations(
  store: Store,
  config: () => Config,
  dataDir: string,
): { cleanup: OperationRunner; maintenance: OperationRunner } {
  const backupDir = join(dataDir, 'backups');
  return {
    cleanup: async () => {
      const r = runCleanup(store, {
        retentionDays: config().cleanup_retention_days,
        historyDays: config().metadata_history_days,
        backupDir,
        artworkDir: join(dataDir, 'artwork'),
      });
      return `archived ${r.archive?.archived ?? 0} item(s), removed ${r.orphans.totalRows} orphan row(s) and ${r.orphans.artworkFiles} artwork file(s)`;
    },
    maintenance: async () => {
      const r = runDatabaseMaintenance(store, { backupDir });
      return `integrity ${r.integrity}; ${r.vacuumed ? `vacuumed ${r.sizeBefore} -> ${r.sizeAfter} bytes` : 'no vacuum needed'}`;
    },
  };
}
