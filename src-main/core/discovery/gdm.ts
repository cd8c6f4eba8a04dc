// GDM ("G'Day Mate"): Plex servers on the local network answer an M-SEARCH datagram sent to
// 239.0.0.250:32414 with a small HTTP-like block. It is a hint only (no token, may be disabled),
// so failures here never stop discovery from plex.tv or manual entries.
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { CancelledError, PlexNetworkError } from '../errors/errors';
import type { Db } from '../store/database';
import { upsertServer, type ServerConnection, type ServerRow } from '../store/repositories/server-repository';

export const GDM_QUERY = 'M-SEARCH * HTTP/1.1\r\n\r\n';

export interface GdmServer {
  machineIdentifier: string;
  name: string;
  /** The sender's address, taken from the datagram. */
  host: string;
  port: number;
  version: string | null;
  updatedAt: number | null;
}

export interface GdmReply {
  status: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
}

/** Parses a reply in any header order; a value may itself contain ':' (only the first one splits). */
export function parseGdmReply(text: string): GdmReply | null {
  const lines = text.split(/\r?\n/);
  const status = (lines.shift() ?? '').trim();
  if (!/^HTTP\/1\.[01] 200\b/.test(status)) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers };
}

/** A media-server reply turned into a server, or null for players and incomplete replies. */
export function gdmServerFromReply(reply: GdmReply, host: string): GdmServer | null {
  const h = reply.headers;
  if (h['content-type'] !== 'plex/media-server') return null;
  const machineIdentifier = h['resource-identifier'];
  const port = Number(h['port']);
  if (!machineIdentifier || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  const updatedAt = Number(h['updated-at']);
  return {
    machineIdentifier,
    name: h['name'] || machineIdentifier,
    host,
    port,
    version: h['version'] || null,
    updatedAt: Number.isFinite(updatedAt) ? updatedAt : null,
  };
}

export interface GdmOptions {
  /** Config gdm_address (multicast group, broadcast or, in tests, 127.0.0.1). */
  address: string;
  /** Config gdm_port. */
  port: number;
  /** How long to collect replies. */
  windowMs?: number;
  signal?: AbortSignal;
}

/** Sends one M-SEARCH and collects the servers that answer within the window, one per identifier. */
export function discoverGdm(options: GdmOptions): Promise<GdmServer[]> {
  const windowMs = options.windowMs ?? 1000;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new CancelledError());
      return;
    }
    const found = new Map<string, GdmServer>();
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (err) reject(err);
      else resolve([...found.values()]);
    };
    const onAbort = () => finish(new CancelledError());
    options.signal?.addEventListener('abort', onAbort, { once: true });

    socket.on('message', (msg, rinfo) => {
      const reply = parseGdmReply(msg.toString('utf8'));
      const server = reply ? gdmServerFromReply(reply, rinfo.address) : null;
      if (server && !found.has(server.machineIdentifier)) found.set(server.machineIdentifier, server);
    });
    socket.on('error', (err) =>
      finish(
        new PlexNetworkError(`GDM discovery on ${options.address}:${options.port} failed: ${err.message}`, {
          cause: err,
        }),
      ),
    );
    socket.bind(0, () => {
      try {
        if (isMulticast(options.address)) socket.setMulticastTTL(1);
        else if (isBroadcast(options.address)) socket.setBroadcast(true);
      } catch (err) {
        finish(new PlexNetworkError(`GDM socket setup failed: ${(err as Error).message}`, { cause: err }));
        return;
      }
      socket.send(GDM_QUERY, options.port, options.address, (err) => {
        if (err)
          finish(
            new PlexNetworkError(`GDM query to ${options.address}:${options.port} failed: ${err.message}`, {
              cause: err,
            }),
          );
      });
      timer = setTimeout(() => finish(), windowMs);
    });
  });
}

function isMulticast(address: string): boolean {
  if (isIP(address) !== 4) return false;
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}

function isBroadcast(address: string): boolean {
  return isIP(address) === 4 && address.endsWith('.255');
}

/** Records GDM finds: new servers appear (without a token), known ones gain a local connection. */
export function recordGdmServers(db: Db, found: GdmServer[]): ServerRow[] {
  return db.transaction(() =>
    found.map((g) => {
      const connection: ServerConnection = {
        uri: `http://${g.host}:${g.port}`,
        protocol: 'http',
        address: g.host,
        port: g.port,
        kind: 'local',
        latencyMs: null,
        ok: null,
        error: null,
        checkedAt: null,
      };
      return upsertServer(db, {
        machineIdentifier: g.machineIdentifier,
        name: g.name,
        source: 'gdm',
        version: g.version,
        connections: [connection],
      });
    }),
  );
}
