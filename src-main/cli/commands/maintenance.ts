import { join } from 'node:path';
import type { Command } from 'commander';
import { runDatabaseMaintenance, type MaintenanceReport } from '../../core/maintenance/database-maintenance';
import { recordAudit } from '../../core/store/repositories/audit-repository';
import type { CliContext } from '../context';
import { emit } from '../output';

export function registerMaintenance(program: Command, ctx: () => CliContext): void {
  program
    .command('maintenance')
    .description('check integrity, optimize, checkpoint the WAL and vacuum when worthwhile (after a backup)')
    .option('--vacuum', 'vacuum even below the free-page threshold', false)
    .option('--full-check', 'full integrity_check instead of quick_check', false)
    .action((opts: { vacuum: boolean; fullCheck: boolean }) => {
      const c = ctx();
      const core = c.services();
      const store = core.store;
      let report: MaintenanceReport;
      try {
        report = runDatabaseMaintenance(store, {
          backupDir: join(c.dataDir, 'backups'),
          forceVacuum: opts.vacuum,
          integrity: opts.fullCheck ? 'full' : 'quick',
        });
        if (report.ok) {
          recordAudit(store.db, {
            actor: 'cli',
            action: 'maintenance',
            details: { vacuumed: report.vacuumed, backupPath: report.backupPath },
          });
        }
      } finally {
        core.close();
      }
      emit(c, report, (r) =>
        [
          `integrity:  ${r.integrity}`,
          `free pages: ${r.freePages} of ${r.pageCount} (${(r.freeRatio * 100).toFixed(1)}%)`,
          `optimized:  ${r.optimized ? 'yes' : 'no'}`,
          `vacuumed:   ${r.vacuumed ? `yes (backup ${r.backupPath})` : 'no'}`,
          `size:       ${r.sizeBefore} -> ${r.sizeAfter} bytes in ${r.durationMs} ms`,
          r.ok
            ? 'done'
            : 'DATABASE DAMAGED: nothing was rewritten; restore a backup or run `retrovue doctor`',
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 1;
    });
}
