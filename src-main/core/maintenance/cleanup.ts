// The cleanup operation: archive long-missing items, then sweep orphans, after a backup when
// anything is about to be removed. Scheduled by the service; `retrovue cleanup` on demand.
import type { Store } from '../store/database';
import { startMetrics } from '../metrics/metrics-writer';
import { archiveStaleItems, findArchiveCandidates, type ArchiveReport } from './archive';
import { backupDatabase } from './database-maintenance';
import { removeOrphans, type OrphanReport } from './orphans';
import { countHistoryBefore, pruneHistory } from '../store/repositories/history-repository';

export interface CleanupOptions {
  /** config cleanup_retention_days */
  retentionDays: number;
  /** config metadata_history_days */
  historyDays: number;
  backupDir: string;
  keepBackups?: number;
  artworkDir?: string;
  /** Count what would go; change nothing. */
  dryRun?: boolean;
  now?: number;
}

export interface CleanupReport {
  dryRun: boolean;
  candidates: number;
  archive: ArchiveReport | null;
  orphans: OrphanReport;
  backupPath: string | null;
  metricId: number | null;
  /** Item history rows older than historyDays removed (counted, not removed, on a dry run). */
  historyRemoved: number;
}

export function runCleanup(store: Store, opts: CleanupOptions): CleanupReport {
  const now = opts.now ?? Date.now();
  const candidates = findArchiveCandidates(store, opts.retentionDays, now).length;
  const historyBefore = now - opts.historyDays * 86_400_000;
  const preview = removeOrphans(store, { artworkDir: opts.artworkDir, dryRun: true, now });
  if (opts.dryRun) {
    return {
      dryRun: true,
      candidates,
      archive: null,
      orphans: preview,
      backupPath: null,
      metricId: null,
      historyRemoved: countHistoryBefore(store, historyBefore),
    };
  }
  const metrics = startMetrics({ operation: 'cleanup' });
  const destructive = candidates > 0 || preview.totalRows > 0;
  const backupPath = destructive
    ? backupDatabase(store, { dir: opts.backupDir, keep: opts.keepBackups, reason: 'pre-cleanup', now })
    : null;
  const archive = archiveStaleItems(store, { retentionDays: opts.retentionDays, now });
  const orphans = removeOrphans(store, { artworkDir: opts.artworkDir, now });
  const historyRemoved = store.transaction(() => pruneHistory(store, historyBefore));
  metrics.add({
    itemsProcessed: archive.archived,
    rowsWritten: archive.archived + archive.itemsRemoved + orphans.totalRows,
  });
  const metric = metrics.finish(store.db);
  return { dryRun: false, candidates, archive, orphans, backupPath, metricId: metric.id, historyRemoved };
}
