import { join, resolve } from 'node:path';
import { createFileVault, VAULT_FILE } from '../core/account/file-vault';
import { createCoreServices, type CoreServices, type CoreServicesOptions } from '../core/core-services';
import { DB_FILE, defaultDataDir } from '../core/paths';

export interface GlobalOptions {
  db?: string;
  dataDir?: string;
  json: boolean;
}

export interface CliContext {
  dataDir: string;
  dbPath: string;
  json: boolean;
  /**
   * The composition root with the CLI's vault (a 0600 file in the data folder), as the app and
   * the daemon build it; parts open on first use. Close it when the command is done.
   */
  services(options?: Pick<CoreServicesOptions, 'healthPort' | 'serviceLogger' | 'readonly'>): CoreServices;
}

export function cliContext(opts: GlobalOptions): CliContext {
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : defaultDataDir();
  const dbPath = opts.db ? resolve(opts.db) : join(dataDir, DB_FILE);
  return {
    dataDir,
    dbPath,
    json: opts.json,
    services: (options = {}) =>
      createCoreServices({
        ...options,
        dataDir,
        dbPath,
        vault: createFileVault(join(dataDir, VAULT_FILE)),
        actor: 'cli',
      }),
  };
}
