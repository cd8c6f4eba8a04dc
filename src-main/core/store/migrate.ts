import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { SchemaTooNewError, StoreError } from '../errors/errors';

export interface MigrationReport {
  /** Schema version before and after: the number of migrations applied (PRAGMA user_version). */
  from: number;
  to: number;
  /** Where the pre-migration copy went; null when nothing had to be migrated or the db was new. */
  backupPath: string | null;
}

interface JournalEntry {
  idx: number;
  tag: string;
}

export function readJournal(migrationsFolder: string): JournalEntry[] {
  const journalPath = join(migrationsFolder, 'meta', '_journal.json');
  if (!existsSync(journalPath)) {
    throw new StoreError(`migrations not found: ${journalPath} is missing`);
  }
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: JournalEntry[] };
  return [...journal.entries].sort((a, b) => a.idx - b.idx);
}

export function appSchemaVersion(migrationsFolder: string): number {
  return readJournal(migrationsFolder).length;
}

/**
 * Applies drizzle-kit's generated migrations. The schema version is PRAGMA user_version, set in
 * the same transaction as the statements, so a crash leaves either the old or the new schema. It
 * is read again inside that (IMMEDIATE) transaction: a second process opening a new file at the
 * same moment waits for the first one's migration, then finds nothing left to apply.
 */
export function migrate(
  sqlite: Database.Database,
  dbPath: string,
  migrationsFolder: string,
): MigrationReport {
  const entries = readJournal(migrationsFolder);
  const seen = checkVersion(sqlite, entries.length, dbPath);
  if (seen === entries.length) return { from: seen, to: seen, backupPath: null };

  const hasData =
    (
      sqlite.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as {
        n: number;
      }
    ).n > 0;
  const backupPath = hasData && dbPath !== ':memory:' ? backup(sqlite, dbPath, seen) : null;

  const apply = sqlite.transaction((): number => {
    const current = checkVersion(sqlite, entries.length, dbPath);
    for (const entry of entries.slice(current)) {
      const file = join(migrationsFolder, `${entry.tag}.sql`);
      const statements = readFileSync(file, 'utf8')
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const statement of statements) sqlite.exec(statement);
    }
    if (current < entries.length) sqlite.pragma(`user_version = ${entries.length}`);
    return current;
  });
  // Foreign keys cannot be toggled inside a transaction; table rebuilds need them off.
  sqlite.pragma('foreign_keys = OFF');
  let from: number;
  try {
    from = apply.immediate();
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
  const violations = sqlite.pragma('foreign_key_check') as unknown[];
  if (violations.length > 0) {
    throw new StoreError(`migration left ${violations.length} foreign key violations`);
  }
  // Another process migrated first: the copy taken before waiting for it is not a backup of anything.
  if (from === entries.length && backupPath) {
    rmSync(backupPath, { force: true });
    return { from, to: from, backupPath: null };
  }
  return { from, to: entries.length, backupPath };
}

function checkVersion(sqlite: Database.Database, appVersion: number, dbPath: string): number {
  const current = sqlite.pragma('user_version', { simple: true }) as number;
  if (current > appVersion) throw new SchemaTooNewError(current, appVersion, dbPath);
  return current;
}

function backup(sqlite: Database.Database, dbPath: string, version: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${dbPath}.v${version}.${stamp}.bak`;
  sqlite.prepare('VACUUM INTO ?').run(target);
  return target;
}
