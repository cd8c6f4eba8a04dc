// How the sync and the CLI reach a stored server without a URL or token on the command line: the
// server's token from the vault and its chosen connection, checked and re-picked when it stopped
// answering.
import { UserError } from '../errors/errors';
import type { PlexIdentity } from '../plex/identity';
import type { Db } from '../store/database';
import { getServer, listServers, type ServerRow } from '../store/repositories/server-repository';
import { NeedsLoginError } from '../account/account-service';
import type { TokenVault } from '../account/vault';
import { pickConnection, probeIdentity } from './connection-picker';

export interface ServerAccess {
  serverId: number;
  machineIdentifier: string;
  name: string;
  baseUrl: string;
  token: string;
}

/** What a client or a socket needs to reach a server: where, and with which token. */
export type ServerEndpoint = Pick<ServerAccess, 'baseUrl' | 'token'>;

export interface ResolveServerAccessOptions {
  /** A stored server id; omitted = the only server, or the only owned one. */
  serverId?: number;
  /** Probe timeout for checking the remembered connection and for re-picking. */
  timeoutMs?: number;
  /** Check the remembered connection with /identity first (default true). */
  verify?: boolean;
  signal?: AbortSignal;
}

/**
 * The server a command means: the given id, else the only one we know, the only one chosen to sync
 * from, or the only owned one.
 */
export function selectServer(db: Db, serverId?: number): ServerRow {
  if (serverId !== undefined) {
    const s = getServer(db, serverId);
    if (!s) throw new UserError(`no server with id ${serverId}: see \`retrovue servers\``);
    return s;
  }
  const all = listServers(db);
  if (all.length === 0) {
    throw new UserError(
      'no Plex server known yet: run `retrovue login` or `retrovue servers add URL --token-file FILE`',
    );
  }
  if (all.length === 1) return all[0]!;
  const added = all.filter((s) => s.added);
  if (added.length === 1) return added[0]!;
  const usable = all.filter((s) => s.tokenRef && !s.needsLogin);
  const owned = usable.filter((s) => s.owned);
  if (owned.length === 1) return owned[0]!;
  if (usable.length === 1) return usable[0]!;
  const list = all.map((s) => `${s.id} (${s.name})`).join(', ');
  throw new UserError(`several servers are known (${list}): choose one with --server ID`);
}

export async function resolveServerAccess(
  db: Db,
  vault: TokenVault,
  identity: PlexIdentity,
  options: ResolveServerAccessOptions = {},
): Promise<ServerAccess> {
  const server = selectServer(db, options.serverId);
  if (server.needsLogin)
    throw new NeedsLoginError(
      `the server ${server.name} needs a new login`,
      `run \`retrovue servers signin ${server.id}\` (or “Sign in again” in the app)`,
    );
  const token = server.tokenRef ? await vault.get(server.tokenRef) : null;
  if (!token) {
    throw new NeedsLoginError(
      `no token stored for the server ${server.name} (found by local discovery only); log in, or add it with \`retrovue servers add URL --token TOKEN\``,
    );
  }
  const probeOpts = {
    identity,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  let baseUrl = server.chosenUri;
  if (baseUrl && options.verify !== false) {
    const stillGood = await probeIdentity(baseUrl, probeOpts).then(
      (p) => p.machineIdentifier === server.machineIdentifier,
      () => false,
    );
    if (!stillGood) baseUrl = null;
  }
  if (!baseUrl) {
    const picked = await pickConnection(db, server.id, probeOpts);
    baseUrl = picked.chosen!.uri;
  }
  return {
    serverId: server.id,
    machineIdentifier: server.machineIdentifier,
    name: server.name,
    baseUrl,
    token,
  };
}
