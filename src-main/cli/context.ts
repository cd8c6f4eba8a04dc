import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { openStore, type Store } from '../core/store/database';
import { DB_FILE, defaultDataDir, locateMigrations } from '../core/paths';
import { FileSystemError } from '../core/errors/errors';

export interface GlobalOptions {
  db?: string;
  dataDir?: string;
  json: boolean;
}

export interface CliContext {
  dataDir: string;
  dbPath: string;
  json: boolean;
  /** readonly: for commands that only look (never creates, changes or migrates the file). */
  openStore(options?: { readonly?: boolean }): Store;
}

export function cliContext(opts: GlobalOptions): CliContext {
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : defaultDataDir();
  const dbPath = opts.db ? resolve(opts.db) : join(dataDir, DB_FILE);
  return {
    dataDir,
    dbPath,
    json: opts.json,
    openStore: (options = {}) => {
      if (options.readonly)
        return openStore(dbPath, { migrationsFolder: locateMigrations(), readonly: true });
      try {
        mkdirSync(dirname(dbPath), { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new FileSystemError(`cannot create ${dirname(dbPath)}: ${(err as Error).message}`, err);
      }
      return openStore(dbPath, { migrationsFolder: locateMigrations() });
    },
  };
}
