// npx tsx test/ops/bench-ops.ts [--movies N] [--metrics N] [--errors N]
// Figures for the operations side on a populated database: stats queries over a long history,
// cleanup (archive + orphans), restore and database maintenance. Not a test: it prints timings.
import { join } from 'node:path';
import { archiveStaleItems, listArchived, restoreArchived } from '../../src-main/core/maintenance/archive';
import { runDatabaseMaintenance } from '../../src-main/core/maintenance/database-maintenance';
import { removeOrphans } from '../../src-main/core/maintenance/orphans';
import { readStats } from '../../src-main/core/metrics/stats';
import { recordMetric } from '../../src-main/core/metrics/metrics-writer';
import { PlexDataError, PlexNetworkError } from '../../src-main/core/errors/errors';
import { recordSyncError } from '../../src-main/core/store/repositories/error-repository';
import { tempStore } from '../helpers/temp';
import { addLibrary, addMovie, addServer } from './fixtures';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const MOVIES = opt('movies', 10_000);
const METRICS = opt('metrics', 50_000);
const ERRORS = opt('errors', 20_000);
const DAY = 86_400_000;

function timed<T>(label: string, fn: () => T): T {
  const t = performance.now();
  const out = fn();
  console.log(`${label.padEnd(44)} ${(performance.now() - t).toFixed(0).padStart(7)} ms`);
  return out;
}

const { store, dir, cleanup } = tempStore();
try {
  const now = Date.now();
  const serverId = addServer(store);
  const libraryId = addLibrary(store, serverId, 'movie', '1');
  const stale = Math.floor(MOVIES / 5);
  timed(`seed ${MOVIES} movies (${stale} missing 60 days)`, () =>
    store.transaction(() => {
      for (let i = 0; i < MOVIES; i++) {
        const old = i < stale;
        addMovie(store, libraryId, String(i + 1), `Movie ${i}`, {
          state: old ? 'file_not_found' : 'normal',
          stateChangedAt: old ? now - 60 * DAY : now,
          tag: `genre-${i % 40}`,
        });
      }
    }),
  );
  timed(`seed ${METRICS} metric rows over 90 days`, () =>
    store.transaction(() => {
      for (let i = 0; i < METRICS; i++) {
        recordMetric(store.db, {
          serverId,
          libraryId,
          operation: i % 10 === 0 ? 'full' : 'incremental',
          startedAt: now - Math.floor((i / METRICS) * 90 * DAY),
          durationMs: 500 + (i % 7000),
          itemsProcessed: i % 300,
          itemsSkipped: i % 50,
          errors: i % 13 === 0 ? 1 : 0,
          apiCalls: 3 + (i % 20),
          bytesReceived: 40_000 + i,
          rowsWritten: i % 900,
        });
      }
    }),
  );
  timed(`seed ${ERRORS} errors (recorded one by one)`, () =>
    store.transaction(() => {
      for (let i = 0; i < ERRORS; i++) {
        const error =
          i % 3 === 0
            ? new PlexNetworkError('server error 503', { status: 503 })
            : new PlexDataError(`bad payload ${i % 500}`);
        recordSyncError(store.db, {
          error,
          serverId,
          libraryId,
          itemKind: 'movie',
          ratingKey: String(i % 5000),
          at: now - (i % 90) * DAY,
        });
      }
    }),
  );
  const r7 = timed('readStats, last 7 days', () =>
    readStats(store.db, { since: now - 7 * DAY, until: now + 1 }),
  );
  timed('readStats, last 90 days (hourly buckets)', () =>
    readStats(store.db, { since: now - 90 * DAY, until: now + 1 }, { bucket: 'hour' }),
  );
  console.log(
    `  7-day view: ${r7.sync.operations.count} operations, ${r7.errors.total} errors, ${r7.performance.length} buckets`,
  );
  const archived = timed(`archive ${stale} missing movies`, () =>
    archiveStaleItems(store, { retentionDays: 30, now }),
  );
  const orphans = timed('orphan sweep', () => removeOrphans(store, { now }));
  console.log(`  archived ${archived.archived}, orphan rows removed ${orphans.totalRows}`);
  const ids = listArchived(store, { limit: 100 }).map((a) => a.id);
  timed(`restore ${ids.length} archived movies`, () => ids.forEach((id) => restoreArchived(store, id)));
  const m = timed('maintenance (optimize, checkpoint, vacuum)', () =>
    runDatabaseMaintenance(store, { backupDir: join(dir, 'backups'), forceVacuum: true }),
  );
  console.log(
    `  size ${(m.sizeBefore / 1e6).toFixed(1)} MB -> ${(m.sizeAfter / 1e6).toFixed(1)} MB, integrity ${m.integrity}`,
  );
} finally {
  cleanup();
}
