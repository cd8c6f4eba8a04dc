// Picks how to reach a server: every known connection is probed at once with GET /identity and a
// short timeout; the best-ranked one that answers with the right machine identifier wins (local
// before remote before relay, https before http), its latency is remembered, and the choice is made
// again when it stops working.
//
// The probe uses fetch directly rather than the PMS client: /identity needs no token, and the race
// needs sub-second timeouts and per-candidate aborts (the losers are cancelled once a winner is
// certain).
import { z } from 'zod';
import { CancelledError, PlexDataError, PlexNetworkError, RetroVueError } from '../errors/errors';
import { identityHeaders, type PlexIdentity } from '../plex/identity';
import type { Db } from '../store/database';
import {
  getServer,
  parseConnections,
  setChosenConnection,
  type ServerConnection,
  type ServerRow,
} from '../store/repositories/server-repository';

export const DEFAULT_PROBE_TIMEOUT_MS = 3000;

const KIND_RANK: Record<ServerConnection['kind'], number> = { local: 0, remote: 1, relay: 2 };
const PROTOCOL_RANK: Record<ServerConnection['protocol'], number> = { https: 0, http: 1 };

/** Lower is better: local < remote < relay, then https < http. */
export function connectionRank(c: Pick<ServerConnection, 'kind' | 'protocol'>): number {
  return KIND_RANK[c.kind] * 2 + PROTOCOL_RANK[c.protocol];
}

/** The candidates in preference order; http ones are dropped when the server requires https. */
export function rankConnections(connections: ServerConnection[], httpsRequired: boolean): ServerConnection[] {
  return connections
    .filter((c) => !httpsRequired || c.protocol === 'https')
    .map((c, i) => ({ c, i }))
    .sort((a, b) => connectionRank(a.c) - connectionRank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

export interface IdentityProbe {
  machineIdentifier: string;
  version: string | null;
  latencyMs: number;
}

const identitySchema = z.object({
  MediaContainer: z.object({ machineIdentifier: z.string().min(1), version: z.string().optional() }),
});

/** Thrown when a connection answers as a different server than the one we asked for. */
export class IdentityMismatchError extends RetroVueError {
  constructor(uri: string, expected: string, actual: string) {
    super(`${uri} is server ${actual}, not ${expected}: connection rejected`, {
      code: 'PLEX_IDENTITY_MISMATCH',
      errorClass: 'data',
      userFacing: true,
    });
  }
}

/** GET {uri}/identity without a token. */
export async function probeIdentity(
  uri: string,
  opts: { identity: PlexIdentity; timeoutMs?: number; signal?: AbortSignal },
): Promise<IdentityProbe> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const signals = [AbortSignal.timeout(timeoutMs)];
  if (opts.signal) signals.push(opts.signal);
  const started = performance.now();
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${uri}/identity`, {
      headers: identityHeaders(opts.identity),
      signal: AbortSignal.any(signals),
    });
    text = await res.text();
  } catch (err) {
    if (opts.signal?.aborted) throw new CancelledError();
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new PlexNetworkError(timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${cause})`, {
      url: uri,
      cause: err,
    });
  }
  const latencyMs = Math.max(0, Math.round(performance.now() - started));
  if (!res.ok)
    throw new PlexNetworkError(`/identity answered ${res.status}`, { status: res.status, url: uri });
  let parsed;
  try {
    parsed = identitySchema.safeParse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  if (!parsed?.success)
    throw new PlexDataError('/identity answer is not a Plex identity', { url: uri, bodySnippet: text });
  return {
    machineIdentifier: parsed.data.MediaContainer.machineIdentifier,
    version: parsed.data.MediaContainer.version ?? null,
    latencyMs,
  };
}

export interface PickOptions {
  identity: PlexIdentity;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Replaceable for tests of the ranking; defaults to probeIdentity. */
  probe?: typeof probeIdentity;
}

export interface PickResult {
  server: ServerRow;
  chosen: ServerConnection | null;
  connections: ServerConnection[];
}

/**
 * Races all candidates of the server and stores the outcome (chosen URI, latency, each
 * connection's status). Throws PlexNetworkError when nothing answers, IdentityMismatchError when
 * the only answers came from a different server.
 */
export async function pickConnection(db: Db, serverId: number, options: PickOptions): Promise<PickResult> {
  const server = getServer(db, serverId);
  if (!server)
    throw new RetroVueError(`server ${serverId} does not exist`, { code: 'NOT_FOUND', userFacing: true });
  const candidates = rankConnections(parseConnections(server.connectionsJson), server.httpsRequired);
  if (candidates.length === 0) {
    setChosenConnection(db, server.id, null, null);
    throw new PlexNetworkError(
      `server ${server.name} has no known connection${server.httpsRequired ? ' over https' : ''}`,
    );
  }
  const probe = options.probe ?? probeIdentity;
  const race = new AbortController();
  const outer = options.signal;
  const onOuterAbort = () => race.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  type Outcome =
    { state: 'pending' } | { state: 'ok'; latencyMs: number } | { state: 'failed'; error: Error };
  const outcomes: Outcome[] = candidates.map(() => ({ state: 'pending' }));
  let winner = -1;
  const decided = new Promise<void>((resolve) => {
    // The winner is certain once it has answered and everything ranked above it has failed.
    const decide = () => {
      for (let i = 0; i < outcomes.length; i++) {
        const o = outcomes[i]!;
        if (o.state === 'pending') return;
        if (o.state === 'ok') {
          winner = i;
          break;
        }
      }
      resolve();
    };
    candidates.forEach((c, i) => {
      probe(c.uri, {
        identity: options.identity,
        timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        signal: race.signal,
      })
        .then((r) => {
          outcomes[i] =
            r.machineIdentifier === server.machineIdentifier
              ? { state: 'ok', latencyMs: r.latencyMs }
              : {
                  state: 'failed',
                  error: new IdentityMismatchError(c.uri, server.machineIdentifier, r.machineIdentifier),
                };
        })
        .catch((err: unknown) => {
          outcomes[i] = { state: 'failed', error: err instanceof Error ? err : new Error(String(err)) };
        })
        .finally(decide);
    });
  });
  await decided;
  race.abort();
  outer?.removeEventListener('abort', onOuterAbort);
  if (outer?.aborted) throw new CancelledError();

  const checkedAt = Date.now();
  const connections = candidates.map((c, i): ServerConnection => {
    const o = outcomes[i]!;
    if (o.state === 'ok') return { ...c, ok: true, latencyMs: o.latencyMs, error: null, checkedAt };
    if (o.state === 'failed') return { ...c, ok: false, error: o.error.message, checkedAt };
    return c; // Still racing when a better one won: its last known status stands.
  });
  // Keep the http connections an https-only server is not allowed to use, untouched.
  const all = [
    ...connections,
    ...parseConnections(server.connectionsJson).filter((c) => !candidates.some((k) => k.uri === c.uri)),
  ];
  const chosen = winner >= 0 ? connections[winner]! : null;
  setChosenConnection(db, server.id, chosen?.uri ?? null, chosen?.latencyMs ?? null, all);
  const updated = getServer(db, server.id)!;
  if (!chosen) {
    const mismatch = outcomes.find(
      (o): o is { state: 'failed'; error: Error } =>
        o.state === 'failed' && o.error instanceof IdentityMismatchError,
    );
    if (mismatch) throw mismatch.error;
    const detail = connections.map((c) => `${c.uri}: ${c.error ?? 'no answer'}`).join('; ');
    throw new PlexNetworkError(`no connection to server ${server.name} works (${detail})`);
  }
  return { server: updated, chosen, connections: all };
}
