// One refresh of everything we know about servers: plex.tv resources (when signed in), GDM on the
// local network, then a connection race for each server. Each part fails on its own: a plex.tv
// outage still leaves GDM and the stored servers working, and one unreachable server does not
// stop the others.
import pLimit from 'p-limit';
import { CancelledError, describeError, PlexAuthError } from '../errors/errors';
import type { AccountService } from '../account/account-service';
import type { TokenVault } from '../account/vault';
import type { PlexIdentity } from '../plex/identity';
import type { PlexTvClient } from '../plex/plextv-client';
import type { Db } from '../store/database';
import { listServers, parseConnections, type ServerRow } from '../store/repositories/server-repository';
import { pickConnection } from './connection-picker';
import { discoverGdm, recordGdmServers } from './gdm';
import { refreshPlexTvServers } from './resources';

export interface DiscoveryProblem {
  source: 'plextv' | 'gdm' | 'connection';
  serverId?: number;
  message: string;
}

export interface DiscoveryResult {
  servers: ServerRow[];
  plexTvServers: number;
  gdmServers: number;
  problems: DiscoveryProblem[];
}

export interface RefreshServersOptions {
  db: Db;
  vault: TokenVault;
  plexTv: PlexTvClient;
  accounts: AccountService;
  identity: PlexIdentity;
  /** null skips local discovery. */
  gdm: { address: string; port: number; windowMs?: number } | null;
  probeTimeoutMs?: number;
  signal?: AbortSignal;
}

export async function refreshServers(o: RefreshServersOptions): Promise<DiscoveryResult> {
  const problems: DiscoveryProblem[] = [];
  const signalOpt = o.signal ? { signal: o.signal } : {};
  let plexTvServers = 0;
  let gdmServers = 0;

  const fromPlexTv = async () => {
    const current = o.accounts.current();
    if (!current) return;
    if (current.needsLogin) {
      problems.push({
        source: 'plextv',
        message: `the Plex account ${current.username} needs a new login: run \`retrovue login\``,
      });
      return;
    }
    try {
      const { account, token } = await o.accounts.accountToken(current.id);
      const result = await refreshPlexTvServers({
        db: o.db,
        vault: o.vault,
        plexTv: o.plexTv,
        accountId: account.id,
        accountToken: token,
        ...signalOpt,
      });
      plexTvServers = result.servers.length;
      for (const s of result.skipped)
        problems.push({ source: 'plextv', message: `${s.name ?? 'a resource'}: ${s.reason}` });
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      if (err instanceof PlexAuthError) o.accounts.reportAccountUnauthorized(current.id);
      problems.push({ source: 'plextv', message: describeError(err) });
    }
  };
  const fromGdm = async () => {
    if (!o.gdm) return;
    try {
      const found = await discoverGdm({ ...o.gdm, ...signalOpt });
      gdmServers = recordGdmServers(o.db, found).length;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      problems.push({ source: 'gdm', message: describeError(err) });
    }
  };
  await Promise.all([fromPlexTv(), fromGdm()]);

  const limit = pLimit(4);
  await Promise.all(
    listServers(o.db)
      .filter((s) => parseConnections(s.connectionsJson).length > 0)
      .map((s) =>
        limit(async () => {
          try {
            await pickConnection(o.db, s.id, {
              identity: o.identity,
              ...(o.probeTimeoutMs !== undefined ? { timeoutMs: o.probeTimeoutMs } : {}),
              ...signalOpt,
            });
          } catch (err) {
            if (err instanceof CancelledError) throw err;
            problems.push({ source: 'connection', serverId: s.id, message: describeError(err) });
          }
        }),
      ),
  );
  return { servers: listServers(o.db), plexTvServers, gdmServers, problems };
}
