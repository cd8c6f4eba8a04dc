import type { Command } from 'commander';
import { runDoctor, type DoctorReport } from '../../core/store/doctor';
import { locateMigrations } from '../../core/paths';
import type { CliContext } from '../context';
import { emit } from '../output';

export function registerDoctor(program: Command, ctx: () => CliContext): void {
  program
    .command('doctor')
    .description('check the database: integrity, foreign keys, schema version, paths')
    .action(() => {
      const c = ctx();
      const core = c.services();
      const store = core.store;
      let report: DoctorReport;
      try {
        report = runDoctor(store, locateMigrations());
      } finally {
        core.close();
      }
      emit(c, { ...report, dataDir: c.dataDir }, (r) =>
        [
          `database:        ${r.database} (${r.sizeBytes} bytes)`,
          `data folder:     ${r.dataDir}`,
          `integrity:       ${r.integrity}`,
          `foreign keys:    ${r.foreignKeyViolations === 0 ? 'ok' : `${r.foreignKeyViolations} violations`}`,
          `schema version:  ${r.schemaVersion} (app ${r.appSchemaVersion})`,
          `journal mode:    ${r.journalMode}`,
          `migrations:      ${r.migrationsFolder}`,
          r.ok ? 'all checks passed' : 'PROBLEMS FOUND',
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 1;
    });
}
