// Wires the account pieces for one process: this installation's identity, the vault it was given,
// a plex.tv client from the configuration and the account service. The CLI passes the file vault,
// the desktop app its safeStorage-backed one.
import type { Config } from '../../../src-shared/config-schema';
import { retryPolicyFromConfig } from '../errors/retry';
import { loadClientIdentifier, makeIdentity, type PlexIdentity } from '../plex/identity';
import { createPlexTvClient, type PlexTvClient } from '../plex/plextv-client';
import type { Db } from '../store/database';
import type { AuditActor } from '../store/repositories/audit-repository';
import { AccountService } from './account-service';
import type { TokenVault } from './vault';

export interface AccountContext {
  identity: PlexIdentity;
  vault: TokenVault;
  plexTv: PlexTvClient;
  accounts: AccountService;
}

export function createAccountContext(opts: {
  db: Db;
  config: Pick<
    Config,
    'plex_tv_url' | 'plex_auth_app_url' | 'api_timeout_seconds' | 'retry_attempts' | 'retry_delay_seconds'
  >;
  vault: TokenVault;
  actor: AuditActor;
}): AccountContext {
  const identity = makeIdentity(loadClientIdentifier(opts.db));
  const plexTv = createPlexTvClient({
    baseUrl: opts.config.plex_tv_url,
    identity,
    timeoutMs: opts.config.api_timeout_seconds * 1000,
    retry: retryPolicyFromConfig(opts.config),
  });
  const accounts = new AccountService({
    db: opts.db,
    vault: opts.vault,
    plexTv,
    identity,
    authAppUrl: opts.config.plex_auth_app_url,
    actor: opts.actor,
  });
  return { identity, vault: opts.vault, plexTv, accounts };
}
