// What the account and server commands share: the database, the configuration, and the account
// context with the CLI's vault (a 0600 file in the data folder).
import { join } from 'node:path';
import type { Config } from '../../src-shared/config-schema';
import { createAccountContext, type AccountContext } from '../core/account/account-context';
import { createFileVault, VAULT_FILE } from '../core/account/file-vault';
import { ConfigStore } from '../core/config/config-store';
import { resolveServerAccess, type ServerAccess } from '../core/discovery/server-access';
import type { PlexIdentity } from '../core/plex/identity';
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

export interface StoredServer {
  access: ServerAccess;
  identity: PlexIdentity;
  /** Call when the server answers 401: marks it "needs login" (once) so nothing retries the dead token. */
  reportUnauthorized(reason: string): Promise<void>;
}

/**
 * For commands that work from the stored login (`retrovue sync` without --server-url): the
 * server's URL and token from the CLI vault, its remembered connection checked and re-picked if
 * it stopped answering. `serverId` omitted = the only (or only owned) server.
 */
export async function resolveStoredServer(
  c: CliContext,
  store: Store,
  opts: { serverId?: number; signal?: AbortSignal; verify?: boolean } = {},
): Promise<StoredServer> {
  const config = ConfigStore.open({ dataDir: c.dataDir }).config;
  const ctx = createAccountContext({
    db: store.db,
    config,
    vault: createFileVault(join(c.dataDir, VAULT_FILE)),
    actor: 'cli',
  });
  const access = await resolveServerAccess(store.db, ctx.vault, ctx.identity, {
    ...(opts.serverId !== undefined ? { serverId: opts.serverId } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.verify !== undefined ? { verify: opts.verify } : {}),
  });
  return {
    access,
    identity: ctx.identity,
    reportUnauthorized: (reason) => ctx.accounts.reportServerUnauthorized(access.serverId, reason),
  };
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
