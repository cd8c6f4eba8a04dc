import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IdentityMismatchError,
  pickConnection,
  rankConnections,
  type IdentityProbe,
} from '../../src-main/core/discovery/connection-picker';
import { PlexNetworkError } from '../../src-main/core/errors/errors';
import { makeIdentity } from '../../src-main/core/plex/identity';
import {
  getServer,
  parseConnections,
  upsertServer,
  type ServerConnection,
} from '../../src-main/core/store/repositories/server-repository';
import { tempStore } from '../helpers/temp';

const MACHINE = 'a'.repeat(40);
const identity = makeIdentity('retrovue-picker-test');

function conn(uri: string, kind: ServerConnection['kind']): ServerConnection {
  const u = new URL(uri);
  return {
    uri,
    protocol: u.protocol === 'https:' ? 'https' : 'http',
    address: u.hostname,
    port: Number(u.port),
    kind,
    latencyMs: null,
    ok: null,
    error: null,
    checkedAt: null,
  };
}

/** A loopback server answering /identity as `machineIdentifier` after `delayMs`. */
async function identityServer(
  machineIdentifier: string,
  delayMs = 0,
): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    setTimeout(() => {
      if (req.url !== '/identity') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ MediaContainer: { size: 0, claimed: true, machineIdentifier, version: '1.41.3' } }),
      );
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, server };
}

async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

describe('connection ranking', () => {
  it('orders local > remote > relay and https > http within each, keeping list order for ties', () => {
    const list = [
      conn('https://relay:8443', 'relay'),
      conn('http://remote:1', 'remote'),
      conn('https://remote:2', 'remote'),
      conn('http://local:3', 'local'),
      conn('https://local:4', 'local'),
      conn('http://local:5', 'local'),
    ];
    expect(rankConnections(list, false).map((c) => c.uri)).toEqual([
      'https://local:4',
      'http://local:3',
      'http://local:5',
      'https://remote:2',
      'http://remote:1',
      'https://relay:8443',
    ]);
    expect(rankConnections(list, true).map((c) => c.uri)).toEqual([
      'https://local:4',
      'https://remote:2',
      'https://relay:8443',
    ]);
  });

  it('chooses the best-ranked working connection, not the fastest one', async () => {
    const { store, cleanup } = tempStore();
    try {
      const s = upsertServer(store.db, {
        machineIdentifier: MACHINE,
        name: 'Ranked',
        source: 'plextv',
        connections: [
          conn('https://relay.example:8443', 'relay'),
          conn('http://local.example:1', 'local'),
          conn('https://local.example:2', 'local'),
        ],
      });
      const latency: Record<string, number | Error> = {
        'https://relay.example:8443': 5,
        'http://local.example:1': 40,
        'https://local.example:2': 80,
      };
      const probe = async (uri: string): Promise<IdentityProbe> => {
        const l = latency[uri]!;
        await new Promise((r) => setTimeout(r, typeof l === 'number' ? l : 1));
        if (l instanceof Error) throw l;
        return { machineIdentifier: MACHINE, version: null, latencyMs: l };
      };
      const first = await pickConnection(store.db, s.id, { identity, probe });
      expect(first.chosen?.uri).toBe('https://local.example:2');
      // https stops working: http on the LAN beats the faster relay.
      latency['https://local.example:2'] = new PlexNetworkError('refused');
      const second = await pickConnection(store.db, s.id, { identity, probe });
      expect(second.chosen?.uri).toBe('http://local.example:1');
      expect(getServer(store.db, s.id)!.chosenLatencyMs).toBe(40);
    } finally {
      cleanup();
    }
  });
});

describe('connection race over real HTTP', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('skips unreachable and impostor connections, remembers the winner and its latency, re-picks when it fails', async () => {
    const good = await identityServer(MACHINE, 20);
    const impostor = await identityServer('b'.repeat(40));
    const dead = await closedPort();
    cleanups.push(() => new Promise<void>((r) => impostor.server.close(() => r())));
    const { store, cleanup } = tempStore();
    cleanups.push(cleanup);
    const s = upsertServer(store.db, {
      machineIdentifier: MACHINE,
      name: 'Race',
      source: 'plextv',
      connections: [conn(dead, 'local'), conn(impostor.url, 'local'), conn(good.url, 'remote')],
    });

    const result = await pickConnection(store.db, s.id, { identity, timeoutMs: 2000 });
    expect(result.chosen?.uri).toBe(good.url);
    const row = getServer(store.db, s.id)!;
    expect(row.chosenUri).toBe(good.url);
    expect(row.chosenLatencyMs).toBeGreaterThanOrEqual(15);
    const byUri = new Map(parseConnections(row.connectionsJson).map((c) => [c.uri, c]));
    expect(byUri.get(dead)).toMatchObject({ ok: false });
    expect(byUri.get(impostor.url)).toMatchObject({ ok: false });
    expect(byUri.get(impostor.url)!.error).toContain('not ' + MACHINE);
    expect(byUri.get(good.url)).toMatchObject({ ok: true });

    // The winner goes away: a new pick finds nothing that works and clears the choice.
    await new Promise<void>((r) => good.server.close(() => r()));
    good.server.closeAllConnections();
    await expect(pickConnection(store.db, s.id, { identity, timeoutMs: 1000 })).rejects.toBeInstanceOf(
      IdentityMismatchError,
    );
    expect(getServer(store.db, s.id)!.chosenUri).toBeNull();
  });

  it('rejects a server whose only answering connection is a different server', async () => {
    const impostor = await identityServer('c'.repeat(40));
    cleanups.push(() => new Promise<void>((r) => impostor.server.close(() => r())));
    const { store, cleanup } = tempStore();
    cleanups.push(cleanup);
    const s = upsertServer(store.db, {
      machineIdentifier: MACHINE,
      name: 'Spoofed',
      source: 'manual',
      connections: [conn(impostor.url, 'local')],
    });
    const err = await pickConnection(store.db, s.id, { identity }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityMismatchError);
    expect((err as Error).message).toContain('c'.repeat(40));
  });

  it('gives up on a connection that does not answer within the timeout', async () => {
    const slow = await identityServer(MACHINE, 1500);
    cleanups.push(() => {
      slow.server.closeAllConnections();
      return new Promise<void>((r) => slow.server.close(() => r()));
    });
    const { store, cleanup } = tempStore();
    cleanups.push(cleanup);
    const s = upsertServer(store.db, {
      machineIdentifier: MACHINE,
      name: 'Slow',
      source: 'manual',
      connections: [conn(slow.url, 'local')],
    });
    const started = Date.now();
    const err = await pickConnection(store.db, s.id, { identity, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlexNetworkError);
    expect((err as Error).message).toContain('no answer within 200 ms');
    expect(Date.now() - started).toBeLessThan(1400);
  });
});
