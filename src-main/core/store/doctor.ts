import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Store } from './database';
import { appSchemaVersion } from './migrate';

/** Below this much free space next to the database a sync can fail half way: doctor says so. */
export const LOW_DISK_BYTES = 64 * 1024 * 1024;

export interface DoctorReport {
  ok: boolean;
  database: string;
  /** False when no database file exists yet (nothing was created to check). */
  exists: boolean;
  sizeBytes: number;
  walBytes: number;
  freeBytes: number | null;
  integrity: string;
  foreignKeyViolations: number;
  /** The file's own schema version (a read-only check never migrates it). */
  schemaVersion: number;
  appSchemaVersion: number;
  journalMode: string;
  migrationsFolder: string;
  problems: string[];
}

const sizeOf = (path: string): number => (existsSync(path) ? statSync(path).size : 0);

function freeSpace(folder: string): number | null {
  try {
    const s = statfsSync(folder);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** Checks the database the way support would: integrity, foreign keys, schema version, disk space. */
export function runDoctor(store: Store, migrationsFolder: string): DoctorReport {
  const integrityRows = store.sqlite.pragma('integrity_check') as { integrity_check: string }[];
  const integrity = integrityRows.map((r) => r.integrity_check).join('; ');
  const fk = (store.sqlite.pragma('foreign_key_check') as unknown[]).length;
  const exists = existsSync(store.path);
  // A read-only look at an older file migrates a private in-memory copy: the file's version is `from`.
  const schemaVersion = !exists
    ? appSchemaVersion(migrationsFolder)
    : store.sqlite.memory
      ? store.migration.from
      : (store.sqlite.pragma('user_version', { simple: true }) as number);
  const appVersion = appSchemaVersion(migrationsFolder);
  const journalMode = exists ? (store.sqlite.pragma('journal_mode', { simple: true }) as string) : 'wal';
  const freeBytes = freeSpace(dirname(store.path));
  const problems: string[] = [];
  if (integrity !== 'ok') problems.push(`integrity check failed: ${integrity}`);
  if (fk > 0) problems.push(`${fk} foreign key violations`);
  if (schemaVersion < appVersion)
    problems.push(`schema ${schemaVersion} is older than the app's ${appVersion}: the next sync upgrades it`);
  if (freeBytes !== null && freeBytes < LOW_DISK_BYTES)
    problems.push(
      `only ${Math.round(freeBytes / 1024 / 1024)} MB free beside the database: free some space before the next sync`,
    );
  return {
    ok: problems.length === 0,
    database: store.path,
    exists,
    sizeBytes: sizeOf(store.path),
    walBytes: sizeOf(`${store.path}-wal`),
    freeBytes,
    integrity,
    foreignKeyViolations: fk,
    schemaVersion,
    appSchemaVersion: appVersion,
    journalMode,
    migrationsFolder,
    problems,
  };
}
