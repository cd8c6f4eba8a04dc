// What the account and server commands share: the database, the configuration, and the account
// context with the CLI's vault (a 0600 file in the data folder).
import { join } from 'node:path';
import type { Config } from '../../src-shared/config-schema';
import { createAccountContext, type AccountContext } from '../core/account/account-context';
import { createFileVault, VAULT_FILE } from '../core/account/file-vault';
import { ConfigStore } from '../core/config/config-store';
import type { Store } from '../core/store/database';
import type { CliContext } from './context';

export interface PlexSession extends AccountContext {
  store: Store;
  config: Config;
  close(): void;
}

export function openPlexSession(c: CliContext): PlexSession {
  const config = ConfigStore.open({ dataDir: c.dataDir }).config;
  const store = c.openStore();
  try {
    const ctx = createAccountContext({
      db: store.db,
      config,
      vault: createFileVault(join(c.dataDir, VAULT_FILE)),
      actor: 'cli',
    });
    return { ...ctx, store, config, close: () => store.close() };
  } catch (err) {
    store.close();
    throw err;
  }
}

/** Runs `fn` with an AbortSignal that Ctrl-C fires; the handler is removed afterwards. */
export async function withInterrupt<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(controller.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
