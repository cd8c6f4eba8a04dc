import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors/errors';
import { runCleanup, type CleanupReport } from '../../core/maintenance/cleanup';
import { recordAudit } from '../../core/store/repositories/audit-repository';
import type { CliContext } from '../context';
import { emit } from '../output';

export function registerCleanup(program: Command, ctx: () => CliContext): void {
  program
    .command('cleanup')
    .description('archive items missing longer than the retention period and remove orphans')
    .option('--retention-days <n>', 'override cleanup_retention_days')
    .option('--dry-run', 'count what would be removed; change nothing', false)
    .action((opts: { retentionDays?: string; dryRun: boolean }) => {
      const c = ctx();
      const core = c.services();
      const config = core.config();
      let retentionDays = config.cleanup_retention_days;
      if (opts.retentionDays !== undefined) {
        retentionDays = Number(opts.retentionDays);
        if (!Number.isInteger(retentionDays) || retentionDays < 0) {
          throw new UserError(
            `--retention-days ${JSON.stringify(opts.retentionDays)}: expected a whole number of days`,
          );
        }
      }
      const store = core.store;
      let report: CleanupReport;
      try {
        report = runCleanup(store, {
          retentionDays,
          historyDays: config.metadata_history_days,
          backupDir: join(c.dataDir, 'backups'),
          artworkDir: join(c.dataDir, 'artwork'),
          dryRun: opts.dryRun,
        });
        if (!opts.dryRun) {
          recordAudit(store.db, {
            actor: 'cli',
            action: 'cleanup',
            details: {
              retentionDays,
              archived: report.archive?.archived ?? 0,
              orphanRows: report.orphans.totalRows,
              artworkFiles: report.orphans.artworkFiles,
            },
          });
        }
      } finally {
        core.close();
      }
      emit(c, { ok: true, retentionDays, ...report }, (r) => {
        const verb = r.dryRun ? 'would archive' : 'archived';
        const archived = r.dryRun ? r.candidates : (r.archive?.archived ?? 0);
        return [
          `${verb} ${archived} item(s) missing for more than ${r.retentionDays} days`,
          `${r.dryRun ? 'would remove' : 'removed'} ${r.orphans.totalRows} orphan row(s) and ${r.orphans.artworkFiles} unused artwork file(s)`,
          `${r.dryRun ? 'would remove' : 'removed'} ${r.historyRemoved} item history entr${r.historyRemoved === 1 ? 'y' : 'ies'} older than ${config.metadata_history_days} days`,
          ...(r.backupPath ? [`backup: ${r.backupPath}`] : []),
        ].join('\n');
      });
    });
}
