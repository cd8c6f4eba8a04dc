// Servers the account can reach, from plex.tv's resources list: owned and shared ones, each with
// its own access token (kept in the vault under the server's ref) and its connections.
import { isIP } from 'node:net';
import type { PlexResource, PlexResourceConnection, PlexTvClient } from '../plex/plextv-client';
import type { Db } from '../store/database';
import {
  setServerNeedsLogin,
  upsertServer,
  type ServerConnection,
  type ServerRow,
} from '../store/repositories/server-repository';
import { serverTokenRef, type TokenVault } from '../account/vault';

export interface ResourceRefreshResult {
  servers: ServerRow[];
  /** Entries that were not usable servers or failed validation, with why. */
  skipped: { name: string | null; reason: string }[];
}

function connectionKind(c: PlexResourceConnection): ServerConnection['kind'] {
  if (c.relay) return 'relay';
  return c.local ? 'local' : 'remote';
}

function fresh(c: Omit<ServerConnection, 'latencyMs' | 'ok' | 'error' | 'checkedAt'>): ServerConnection {
  return { ...c, latencyMs: null, ok: null, error: null, checkedAt: null };
}

/**
 * The resource's connections, plus plain `http://address:port` for each direct https one when the
 * server allows insecure connections: *.plex.direct names fail behind routers with DNS-rebinding
 * protection, and the address itself still works (ranked after https).
 */
export function resourceConnections(r: PlexResource): ServerConnection[] {
  const byUri = new Map<string, ServerConnection>();
  for (const c of r.connections) {
    const kind = connectionKind(c);
    byUri.set(c.uri, fresh({ uri: c.uri, protocol: c.protocol, address: c.address, port: c.port, kind }));
    if (c.protocol === 'https' && !r.httpsRequired && kind !== 'relay' && isIP(c.address) !== 0) {
      const host = isIP(c.address) === 6 ? `[${c.address}]` : c.address;
      const uri = `http://${host}:${c.port}`;
      if (!byUri.has(uri))
        byUri.set(uri, fresh({ uri, protocol: 'http', address: c.address, port: c.port, kind }));
    }
  }
  return [...byUri.values()];
}

export interface RefreshResourcesOptions {
  db: Db;
  vault: TokenVault;
  plexTv: PlexTvClient;
  accountId: number;
  accountToken: string;
  signal?: AbortSignal;
}

/** Fetches the resources and stores every server in them; tokens go to the vault first. */
export async function refreshPlexTvServers(o: RefreshResourcesOptions): Promise<ResourceRefreshResult> {
  const { resources, rejected } = await o.plexTv.resources(
    o.accountToken,
    o.signal ? { signal: o.signal } : {},
  );
  const skipped: ResourceRefreshResult['skipped'] = rejected.map((r) => ({ name: r.name, reason: r.reason }));
  const usable: { r: PlexResource; tokenRef: string | null }[] = [];
  for (const r of resources) {
    if (!r.provides.includes('server')) continue; // players and controllers
    // An owned server listed without its own token takes the account's, as Plex does.
    const token = r.accessToken ?? (r.owned ? o.accountToken : null);
    const tokenRef = token ? serverTokenRef(r.clientIdentifier) : null;
    if (token && tokenRef) await o.vault.set(tokenRef, token);
    else skipped.push({ name: r.name, reason: 'shared server listed without an access token' });
    usable.push({ r, tokenRef });
  }
  const servers = o.db.transaction(() =>
    usable.map(({ r, tokenRef }) => {
      const row = upsertServer(o.db, {
        machineIdentifier: r.clientIdentifier,
        name: r.name,
        source: 'plextv',
        owned: r.owned,
        sourceTitle: r.sourceTitle,
        version: r.productVersion,
        platform: r.platform,
        accountId: o.accountId,
        tokenRef,
        httpsRequired: r.httpsRequired,
        connections: resourceConnections(r),
      });
      if (tokenRef && row.needsLogin) {
        setServerNeedsLogin(o.db, row.id, false);
        return { ...row, needsLogin: false };
      }
      return row;
    }),
  );
  return { servers, skipped };
}
