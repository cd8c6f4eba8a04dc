import { statSync } from 'node:fs';
import type { Store } from './database';
import { appSchemaVersion } from './migrate';

export interface DoctorReport {
  ok: boolean;
  database: string;
  sizeBytes: number;
  integrity: string;
  foreignKeyViolations: number;
  schemaVersion: number;
  appSchemaVersion: number;
  journalMode: string;
  migrationsFolder: string;
}

/** Checks the database the way support would: integrity, foreign keys, schema version. */
export function runDoctor(store: Store, migrationsFolder: string): DoctorReport {
  const integrityRows = store.sqlite.pragma('integrity_check') as { integrity_check: string }[];
  const integrity = integrityRows.map((r) => r.integrity_check).join('; ');
  const fk = (store.sqlite.pragma('foreign_key_check') as unknown[]).length;
  const schemaVersion = store.sqlite.pragma('user_version', { simple: true }) as number;
  const appVersion = appSchemaVersion(migrationsFolder);
  const journalMode = store.sqlite.pragma('journal_mode', { simple: true }) as string;
  return {
    ok: integrity === 'ok' && fk === 0 && schemaVersion === appVersion,
    database: store.path,
    sizeBytes: statSync(store.path).size,
    integrity,
    foreignKeyViolations: fk,
    schemaVersion,
    appSchemaVersion: appVersion,
    journalMode,
    migrationsFolder,
  };
}
