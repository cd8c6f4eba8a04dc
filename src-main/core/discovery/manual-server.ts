// A server added by hand: URL + token. The URL must answer /identity, the token must open `/`;
// only then is anything stored (token in the vault, server as source 'manual' with that URL chosen).
import { isIP } from 'node:net';
import { z } from 'zod';
import { PlexAuthError, PlexDataError, UserError } from '../errors/errors';
import { registerSecret } from '../logging/redact';
import type { PlexIdentity } from '../plex/identity';
import type { ServerClient } from '../plex/server-client';
import type { Db } from '../store/database';
import { recordAudit, type AuditActor } from '../store/repositories/audit-repository';
import {
  getServer,
  setChosenConnection,
  setServerNeedsLogin,
  upsertServer,
  type ServerConnection,
  type ServerRow,
} from '../store/repositories/server-repository';
import { serverTokenRef, type TokenVault } from '../account/vault';
import { probeIdentity } from './connection-picker';
import type { ServerEndpoint } from './server-access';

export interface AddManualServerOptions {
  db: Db;
  vault: TokenVault;
  identity: PlexIdentity;
  /** The composition root's client factory (timeouts and retries from the configuration). */
  clientFor: (endpoint: ServerEndpoint) => ServerClient;
  url: string;
  token: string;
  actor: AuditActor;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** http(s)://host[:port] with no path, query or credentials; anything else is a UserError. */
export function normalizeServerUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new UserError(`not a server URL: ${input} (expected e.g. http://192.168.1.10:32400)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`server URL must start with http:// or https://, got ${url.protocol}`);
  }
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    throw new UserError('server URL must be just scheme, host and port (no path, query or credentials)');
  }
  return url;
}

/** Private, loopback and link-local addresses and *.local names count as the LAN. */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.local')) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      (a === 192 && b === 168) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 169 && b === 254)
    );
  }
  if (isIP(host) === 6)
    return host === '::1' || host.startsWith('fe80:') || host.startsWith('fc') || host.startsWith('fd');
  return false;
}

const rootSchema = z.object({
  machineIdentifier: z.string().min(1),
  friendlyName: z.string().optional(),
  version: z.string().optional(),
  platform: z.string().optional(),
});

export async function addManualServer(o: AddManualServerOptions): Promise<ServerRow> {
  const url = normalizeServerUrl(o.url);
  const token = o.token.trim();
  if (!token) throw new UserError('a Plex token is needed to add a server by URL');
  registerSecret(token);
  const baseUrl = `${url.protocol}//${url.host}`;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const probe = await probeIdentity(baseUrl, {
    identity: o.identity,
    timeoutMs,
    ...(o.signal ? { signal: o.signal } : {}),
  });

  const client = o.clientFor({ baseUrl, token });
  let root: z.infer<typeof rootSchema>;
  try {
    const { data } = await client.get('/', o.signal ? { signal: o.signal } : {});
    const parsed = rootSchema.safeParse(data.MediaContainer);
    if (!parsed.success)
      throw new PlexDataError(`${baseUrl}/ is not a Plex server root: ${z.prettifyError(parsed.error)}`);
    root = parsed.data;
  } catch (err) {
    if (err instanceof PlexAuthError) {
      throw new PlexAuthError(`${baseUrl} refused the token`, { status: err.status ?? 401, url: baseUrl });
    }
    throw err;
  } finally {
    client.close();
  }
  if (root.machineIdentifier !== probe.machineIdentifier) {
    throw new PlexDataError(
      `${baseUrl} answered as two different servers (${probe.machineIdentifier}, ${root.machineIdentifier})`,
    );
  }

  const tokenRef = serverTokenRef(root.machineIdentifier);
  await o.vault.set(tokenRef, token);
  const connection: ServerConnection = {
    uri: baseUrl,
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    address: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    kind: isLocalHost(url.hostname) ? 'local' : 'remote',
    latencyMs: probe.latencyMs,
    ok: true,
    error: null,
    checkedAt: Date.now(),
  };
  const row = o.db.transaction(() => {
    const s = upsertServer(o.db, {
      machineIdentifier: root.machineIdentifier,
      name: root.friendlyName || root.machineIdentifier,
      source: 'manual',
      version: root.version ?? probe.version,
      platform: root.platform ?? null,
      tokenRef,
      connections: [connection],
      added: true,
    });
    setChosenConnection(o.db, s.id, baseUrl, probe.latencyMs);
    setServerNeedsLogin(o.db, s.id, false);
    recordAudit(o.db, { actor: o.actor, action: 'server_added', details: { name: s.name, url: baseUrl } });
    return getServer(o.db, s.id)!;
  });
  return row;
}
