import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema';
import { migrate, type MigrationReport } from './migrate';

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  readonly path: string;
  readonly sqlite: Database.Database;
  readonly db: Db;
  readonly migration: MigrationReport;
  /** Runs fn in one IMMEDIATE transaction: all of it lands or none of it. */
  transaction<T>(fn: () => T): T;
  /** Another SQLite file, opened with this one's native binding (lock files beside the database). */
  openSidecar(path: string): Database.Database;
  close(): void;
}

export interface OpenStoreOptions {
  /** Folder holding the generated SQL migrations (drizzle/). */
  migrationsFolder: string;
  busyTimeoutMs?: number;
  readonly?: boolean;
  /**
   * The compiled better_sqlite3.node to load instead of the one in node_modules: the Electron
   * main passes the build for Electron's ABI (node_modules keeps Node's, for the CLI and tests).
   */
  nativeBinding?: string;
}

/**
 * Opens (creating if needed) the database file, applies pending migrations and returns the one
 * connection owner. WAL lets readers (UI queries) run beside the sync writer.
 */
export function openStore(path: string, options: OpenStoreOptions): Store {
  const sqlite = new Database(path, {
    readonly: options.readonly ?? false,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!options.readonly) {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = NORMAL');
    }
    sqlite.pragma('foreign_keys = ON');
    const migration = migrate(sqlite, path, options.migrationsFolder);
    const db = drizzle(sqlite, { schema });
    return {
      path,
      sqlite,
      db,
      migration,
      transaction: <T>(fn: () => T): T => sqlite.transaction(fn).immediate(),
      openSidecar: (sidecar: string) =>
        new Database(sidecar, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      close: () => {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
