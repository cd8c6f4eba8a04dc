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
      const core = c.services({ readonly: true });
      const store = core.store;
      let report: DoctorReport;
      try {
        report = runDoctor(store, locateMigrations());
      } finally {
        core.close();
      }
      emit(c, { ...report, dataDir: c.dataDir }, (r) =>
        [
          `database:        ${r.database} (${r.exists ? `${r.sizeBytes} bytes, WAL ${r.walBytes} bytes` : 'not created yet'})`,
          `free space:      ${r.freeBytes === null ? 'unknown' : `${Math.round(r.freeBytes / 1024 / 1024)} MB`}`,
          `data folder:     ${r.dataDir}`,
          `integrity:       ${r.integrity}`,
          `foreign keys:    ${r.foreignKeyViolations === 0 ? 'ok' : `${r.foreignKeyViolations} violations`}`,
          `schema version:  ${r.schemaVersion} (app ${r.appSchemaVersion})`,
          `journal mode:    ${r.journalMode}`,
          `migrations:      ${r.migrationsFolder}`,
          ...r.problems.map((p) => `problem:         ${p}`),
          r.ok ? 'all checks passed' : 'PROBLEMS FOUND',
        ].join('\n'),
      );
      if (!report.ok) process.exitCode = 1;
    });
}
