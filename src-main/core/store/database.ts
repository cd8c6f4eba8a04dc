import { chmodSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { StoreError } from '../errors/errors';
import * as schema from './schema';
import { appSchemaVersion, migrate, type MigrationReport } from './migrate';
import { recoverDeadRuns } from './run-recovery';

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
  /**
   * For commands that only read (status, doctor, health, stats): the file is never created, changed
   * or migrated. An older schema is migrated in a private in-memory copy; a missing file reads as empty.
   */
  readonly?: boolean;
  /**
   * The compiled better_sqlite3.node to load instead of the one in node_modules: the Electron
   * main passes the build for Electron's ABI (node_modules keeps Node's, for the CLI and tests).
   */
  nativeBinding?: string;
}

/** PRAGMA application_id of a RetroVue database ("RVPS"): how a file says it is ours. */
export const RETROVUE_APPLICATION_ID = 0x52565053;

/** Tables only a RetroVue database has: files from before application_id was set are recognised by them. */
const OUR_TABLES = ['servers', 'libraries', 'sync_runs'];

/**
 * Opens (creating if needed) the database file, applies pending migrations and returns the one
 * connection owner. WAL lets readers (UI queries) run beside the sync writer. A new file is made
 * readable by its owner only: it holds the account's email and server addresses.
 */
export function openStore(path: string, options: OpenStoreOptions): Store {
  // Another process opening (and migrating) the same new file at the same moment can make SQLite
  // refuse a lock change at once, without waiting (journal mode, a stale WAL snapshot): try again.
  const deadline = Date.now() + (options.busyTimeoutMs ?? 5000);
  for (;;) {
    try {
      return openStoreOnce(path, options);
    } catch (err) {
      const busy = /^SQLITE_BUSY/.test((err as { cause?: { code?: string } }).cause?.code ?? '');
      if (!busy || options.readonly || Date.now() >= deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.floor(Math.random() * 60));
    }
  }
}

function openStoreOnce(path: string, options: OpenStoreOptions): Store {
  let sqlite: Database.Database | null = null;
  try {
    sqlite = options.readonly ? openForReading(path, options) : openForWriting(path, options);
    const migration = options.readonly
      ? migrate(sqlite, ':memory:', options.migrationsFolder)
      : migrateOurs(sqlite, path, options);
    const db = drizzle(sqlite, { schema });
    const open = sqlite;
    const store: Store = {
      path,
      sqlite: open,
      db,
      migration,
      transaction: <T>(fn: () => T): T => open.transaction(fn).immediate(),
      openSidecar: (sidecar: string) =>
        new Database(sidecar, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      close: () => {
        if (open.open) open.close();
      },
    };
    // A sync killed mid-run: its rows stop saying `scanning` before anyone reads them.
    if (!options.readonly) recoverDeadRuns(store);
    return store;
  } catch (err) {
    sqlite?.close();
    throw explainOpenError(err, path);
  }
}

function openForWriting(path: string, options: OpenStoreOptions): Database.Database {
  const isNew = path !== ':memory:' && !existsSync(path);
  const sqlite = new Database(path, binding(options));
  if (isNew) restrictToOwner(path);
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  assertOurs(sqlite, path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

function migrateOurs(sqlite: Database.Database, path: string, options: OpenStoreOptions): MigrationReport {
  const migration = migrate(sqlite, path, options.migrationsFolder);
  if ((sqlite.pragma('application_id', { simple: true }) as number) !== RETROVUE_APPLICATION_ID)
    sqlite.pragma(`application_id = ${RETROVUE_APPLICATION_ID}`);
  return migration;
}

/** The file as it is when its schema is current; otherwise a private copy that may be migrated in memory. */
function openForReading(path: string, options: OpenStoreOptions): Database.Database {
  if (path === ':memory:' || !existsSync(path)) return new Database(':memory:', binding(options));
  const file = new Database(path, { readonly: true, fileMustExist: true, ...binding(options) });
  try {
    file.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    assertOurs(file, path);
    const version = file.pragma('user_version', { simple: true }) as number;
    if (version >= appSchemaVersion(options.migrationsFolder)) {
      file.pragma('foreign_keys = ON');
      return file;
    }
    const image = file.serialize();
    // Header bytes 18-19 = 2 mark WAL mode, which an in-memory database cannot open: use the rollback journal.
    image[18] = 1;
    image[19] = 1;
    const copy = new Database(image, binding(options));
    file.close();
    return copy;
  } catch (err) {
    if (file.open) file.close();
    throw err;
  }
}

function binding(options: OpenStoreOptions): Database.Options {
  return options.nativeBinding ? { nativeBinding: options.nativeBinding } : {};
}

/** Refuses a SQLite file that belongs to another program, before anything is written to it. */
function assertOurs(sqlite: Database.Database, path: string): void {
  const appId = sqlite.pragma('application_id', { simple: true }) as number;
  if (appId === RETROVUE_APPLICATION_ID) return;
  const tables = (
    sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .all() as { name: string }[]
  ).map((r) => r.name);
  if (appId === 0 && (tables.length === 0 || OUR_TABLES.every((t) => tables.includes(t)))) return;
  throw new StoreError(
    `${path} is not a RetroVue database (it belongs to another program and was left untouched); choose another file with --db`,
  );
}

/** SQLite's codes for conditions a person can fix, as one line naming the file and the fix. */
function explainOpenError(err: unknown, path: string): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: string }).code ?? '';
  const fixes: Record<string, string> = {
    SQLITE_NOTADB: 'is not a SQLite database; choose another file with --db',
    SQLITE_CORRUPT: 'is damaged; restore a backup (*.bak beside it) or move it away to start afresh',
    SQLITE_BUSY: 'is locked by another program; close it and try again',
    SQLITE_READONLY: 'is read-only; check its permissions or choose another file with --db',
    SQLITE_FULL: 'cannot be written: the disk is full; free some space and try again',
    SQLITE_CANTOPEN: 'cannot be opened: check that its folder exists, is a folder and is writable',
    SQLITE_IOERR: 'cannot be read or written (I/O error); check the disk',
    SQLITE_PERM: 'cannot be opened: permission denied',
  };
  const base = Object.keys(fixes).find((c) => code === c || code.startsWith(`${c}_`));
  if (!base) return err;
  return new StoreError(`database ${path} ${fixes[base]}`, err);
}

function restrictToOwner(path: string): void {
  try {
    chmodSync(path, 0o600);
  } catch {
    // A filesystem without modes (FAT, some network shares): nothing to tighten.
  }
}
