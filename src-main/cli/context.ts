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
  openStore(): Store;
}

export function cliContext(opts: GlobalOptions): CliContext {
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : defaultDataDir();
  const dbPath = opts.db ? resolve(opts.db) : join(dataDir, DB_FILE);
  return {
    dataDir,
    dbPath,
    json: opts.json,
    openStore: () => {
      try {
        mkdirSync(dirname(dbPath), { recursive: true });
      } catch (err) {
        throw new FileSystemError(`cannot create ${dirname(dbPath)}: ${(err as Error).message}`, err);
      }
      return openStore(dbPath, { migrationsFolder: locateMigrations() });
    },
  };
}
