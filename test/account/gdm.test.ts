import { afterEach, describe, expect, it } from 'vitest';
import {
  discoverGdm,
  gdmServerFromReply,
  parseGdmReply,
  recordGdmServers,
} from '../../src-main/core/discovery/gdm';
import { parseConnections, upsertServer } from '../../src-main/core/store/repositories/server-repository';
import { GdmResponder } from '../fake-plex';
import { tempStore } from '../helpers/temp';

describe('GDM reply parsing', () => {
  it('reads headers in any order, case-insensitively, splitting on the first colon only', () => {
    const reply = parseGdmReply(
      [
        'HTTP/1.0 200 OK',
        'Version: 1.41.3.9314-a0bfb8370',
        'name: Den: Upstairs',
        'Port: 32400',
        'Resource-Identifier: abc123',
        'Content-Type: plex/media-server',
        'Host: 192-168-1-5.aaaa.plex.direct',
        'Updated-At: 1700000000',
      ].join('\r\n'),
    );
    expect(reply).not.toBeNull();
    const server = gdmServerFromReply(reply!, '192.168.1.5');
    expect(server).toEqual({
      machineIdentifier: 'abc123',
      name: 'Den: Upstairs',
      host: '192.168.1.5',
      port: 32400,
      version: '1.41.3.9314-a0bfb8370',
      updatedAt: 1700000000,
    });
  });

  it('ignores players, non-200 answers and replies missing the identifier or port', () => {
    const player = parseGdmReply(
      'HTTP/1.0 200 OK\nContent-Type: plex/media-player\nResource-Identifier: p1\nPort: 32500',
    );
    expect(gdmServerFromReply(player!, '10.0.0.2')).toBeNull();
    expect(parseGdmReply('HTTP/1.0 404 Not Found\r\n')).toBeNull();
    expect(parseGdmReply('M-SEARCH * HTTP/1.1\r\n\r\n')).toBeNull();
    const noPort = parseGdmReply(
      'HTTP/1.0 200 OK\r\nContent-Type: plex/media-server\r\nResource-Identifier: x\r\n',
    );
    expect(gdmServerFromReply(noPort!, '10.0.0.2')).toBeNull();
    const badPort = parseGdmReply(
      'HTTP/1.0 200 OK\r\nContent-Type: plex/media-server\r\nResource-Identifier: x\r\nPort: 99999',
    );
    expect(gdmServerFromReply(badPort!, '10.0.0.2')).toBeNull();
  });
});

describe('GDM discovery on loopback', () => {
  const stops: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
  });

  it('finds a responder over UDP and merges it with a server already known from plex.tv', async () => {
    const responder = new GdmResponder({
      machineIdentifier: 'f'.repeat(40),
      name: 'Loopback PMS',
      httpPort: () => 32499,
      version: '1.41.3.9314-a0bfb8370',
      updatedAt: () => 1_700_000_000,
    });
    const port = await responder.start(0);
    stops.push(() => responder.stop());

    const found = await discoverGdm({ address: '127.0.0.1', port, windowMs: 300 });
    expect(responder.answered).toBe(1);
    expect(found).toEqual([
      {
        machineIdentifier: 'f'.repeat(40),
        name: 'Loopback PMS',
        host: '127.0.0.1',
        port: 32499,
        version: '1.41.3.9314-a0bfb8370',
        updatedAt: 1_700_000_000,
      },
    ]);

    const { store, cleanup } = tempStore();
    stops.push(cleanup);
    upsertServer(store.db, {
      machineIdentifier: 'f'.repeat(40),
      name: 'Loopback PMS',
      source: 'plextv',
      tokenRef: 'server:fff',
      connections: [
        {
          uri: 'https://remote.example:32400',
          protocol: 'https',
          address: '203.0.113.1',
          port: 32400,
          kind: 'remote',
          latencyMs: null,
          ok: null,
          error: null,
          checkedAt: null,
        },
      ],
    });
    const [row] = recordGdmServers(store.db, found);
    expect(row!.sources).toBe('gdm,plextv');
    expect(row!.tokenRef).toBe('server:fff');
    expect(parseConnections(row!.connectionsJson).map((c) => [c.uri, c.kind])).toEqual([
      ['https://remote.example:32400', 'remote'],
      ['http://127.0.0.1:32499', 'local'],
    ]);
  });

  it('returns nothing when no server answers within the window', async () => {
    // A bound socket that never answers stands in for a network without Plex servers.
    const silent = new GdmResponder({
      machineIdentifier: 'x',
      name: 'x',
      httpPort: () => 1,
      version: '',
      updatedAt: () => 0,
    });
    const port = await silent.start(0);
    await silent.stop();
    const started = Date.now();
    expect(await discoverGdm({ address: '127.0.0.1', port, windowMs: 200 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
