// Server discovery against the fake: plex.tv resources (owned, shared, offline, a player), GDM on
// loopback, manual add, connection choice, identity checks, libraries and 401 handling.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NeedsLoginEvent } from '../../src-main/core/account/account-service';
import { serverTokenRef } from '../../src-main/core/account/vault';
import { IdentityMismatchError, pickConnection } from '../../src-main/core/discovery/connection-picker';
import { refreshServers } from '../../src-main/core/discovery/discover';
import { refreshLibraries } from '../../src-main/core/discovery/library-refresh';
import { addManualServer } from '../../src-main/core/discovery/manual-server';
import { resolveServerAccess } from '../../src-main/core/discovery/server-access';
import { PlexAuthError, PlexNetworkError, UserError } from '../../src-main/core/errors/errors';
import { createServerClient } from '../../src-main/core/plex/server-client';
import { listLibraries } from '../../src-main/core/store/repositories/library-repository';
import {
  getServerByMachineId,
  listServers,
  parseConnections,
  setChosenConnection,
  upsertServer,
} from '../../src-main/core/store/repositories/server-repository';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { accountSetup, approveWhenShown, type AccountSetup } from './setup';

let fake: FakePlex;
let s: AccountSetup;

beforeAll(async () => {
  fake = await startFakePlex({ movies: 4, shows: 2, episodes: 6, gdm: true, sharedServer: true });
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => s?.cleanup());

async function signedIn(): Promise<AccountSetup> {
  const setup = accountSetup(fake);
  await setup.accounts.login({ onEvent: approveWhenShown(fake) });
  return setup;
}

function discover(setup: AccountSetup, gdm = true) {
  return refreshServers({
    db: setup.store.db,
    vault: setup.vault,
    plexTv: setup.plexTv,
    accounts: setup.accounts,
    identity: setup.identity,
    gdm: gdm ? { address: '127.0.0.1', port: fake.gdmPort!, windowMs: 300 } : null,
    probeTimeoutMs: 1000,
  });
}

describe('discovery against the fake Plex', () => {
  it('stores owned and shared servers with their own tokens, skips players, and picks working connections', async () => {
    s = await signedIn();
    const result = await discover(s);
    const names = listServers(s.store.db)
      .map((r) => r.name)
      .sort();
    expect(names).toEqual(['Fake Plex Server', "Friend's Server", 'Old NAS']);
    expect(names).not.toContain('Living Room TV');
    expect(result.gdmServers).toBe(1);

    const owned = getServerByMachineId(s.store.db, fake.machineIdentifier)!;
    expect(owned.owned).toBe(true);
    expect(owned.sources).toBe('gdm,plextv');
    expect(owned.chosenUri).toBe(fake.pmsUrl);
    expect(owned.chosenLatencyMs).not.toBeNull();
    const conns = parseConnections(owned.connectionsJson);
    // Unreachable ones were tried and recorded as failed; the relay and the rest are still known.
    expect(conns.some((c) => c.kind === 'relay')).toBe(true);
    expect(conns.filter((c) => c.ok === false).length).toBeGreaterThan(0);

    const shared = getServerByMachineId(s.store.db, fake.sharedServer!.machineIdentifier)!;
    expect(shared.owned).toBe(false);
    expect(shared.sourceTitle).toBe('friend_of_retro');
    expect(shared.chosenUri).toBe(fake.sharedServer!.pmsUrl);
    expect(await s.vault.get(serverTokenRef(shared.machineIdentifier))).toBe(fake.sharedServer!.token);

    const offline = listServers(s.store.db).find((r) => r.name === 'Old NAS')!;
    expect(offline.chosenUri).toBeNull();
    expect(result.problems.some((p) => p.source === 'connection' && p.serverId === offline.id)).toBe(true);
  });

  it('resolves access from the stored account, refreshes libraries, and re-picks a dead chosen connection', async () => {
    s = await signedIn();
    await discover(s, false);
    const owned = getServerByMachineId(s.store.db, fake.machineIdentifier)!;
    // Pretend the remembered connection went stale.
    setChosenConnection(s.store.db, owned.id, 'http://127.0.0.1:1', 3);
    const access = await resolveServerAccess(s.store.db, s.vault, s.identity, {
      serverId: owned.id,
      timeoutMs: 1000,
    });
    expect(access.baseUrl).toBe(fake.pmsUrl);
    expect(getServerByMachineId(s.store.db, fake.machineIdentifier)!.chosenUri).toBe(fake.pmsUrl);

    const client = createServerClient({ baseUrl: access.baseUrl, token: access.token, identity: s.identity });
    try {
      const result = await refreshLibraries(s.store.db, owned.id, client);
      expect(result.libraries.map((l) => l.type).sort()).toEqual(['movie', 'show']);
    } finally {
      client.close();
    }
    expect(listLibraries(s.store.db, owned.id)).toHaveLength(2);
    // Two owned servers with tokens and no id given: the command has to name one.
    await expect(
      resolveServerAccess(s.store.db, s.vault, s.identity, { timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(UserError);
  });

  it('marks a server "needs login" when it answers 401, and access is then refused without a request', async () => {
    s = await signedIn();
    await discover(s, false);
    const shared = getServerByMachineId(s.store.db, fake.sharedServer!.machineIdentifier)!;
    const needs: NeedsLoginEvent[] = [];
    s.accounts.events.on('needs-login', (e) => needs.push(e));
    fake.control.revokeToken(fake.sharedServer!.token);
    try {
      const access = await resolveServerAccess(s.store.db, s.vault, s.identity, { serverId: shared.id });
      const client = createServerClient({
        baseUrl: access.baseUrl,
        token: access.token,
        identity: s.identity,
      });
      const err = await refreshLibraries(s.store.db, shared.id, client).catch((e: unknown) => e);
      client.close();
      expect(err).toBeInstanceOf(PlexAuthError);
      await s.accounts.reportServerUnauthorized(shared.id);
      await s.accounts.reportServerUnauthorized(shared.id);
      expect(needs.filter((e) => e.scope === 'server')).toEqual([
        { scope: 'server', id: shared.id, name: "Friend's Server", reason: 'the server refused the token' },
      ]);
      // The account token itself is still fine: only the server is marked.
      expect(s.accounts.current()?.needsLogin).toBe(false);
      const before = fake.requestLog.count(undefined, 'shared-pms');
      await expect(
        resolveServerAccess(s.store.db, s.vault, s.identity, { serverId: shared.id }),
      ).rejects.toMatchObject({ code: 'NEEDS_LOGIN' });
      expect(fake.requestLog.count(undefined, 'shared-pms')).toBe(before);
      // The next resources refresh brings a token again and clears the mark.
      fake.control.restoreToken(fake.sharedServer!.token);
      await discover(s, false);
      expect(getServerByMachineId(s.store.db, shared.machineIdentifier)!.needsLogin).toBe(false);
    } finally {
      fake.control.restoreToken(fake.sharedServer!.token);
    }
  });

  it('adds a server by URL and token, merging with what GDM found', async () => {
    s = accountSetup(fake);
    await refreshServers({
      db: s.store.db,
      vault: s.vault,
      plexTv: s.plexTv,
      accounts: s.accounts,
      identity: s.identity,
      gdm: { address: '127.0.0.1', port: fake.gdmPort!, windowMs: 300 },
    });
    const fromGdm = getServerByMachineId(s.store.db, fake.machineIdentifier)!;
    expect(fromGdm.sources).toBe('gdm');
    expect(fromGdm.tokenRef).toBeNull();
    await expect(resolveServerAccess(s.store.db, s.vault, s.identity)).rejects.toMatchObject({
      code: 'NEEDS_LOGIN',
    });

    const row = await addManualServer({
      db: s.store.db,
      vault: s.vault,
      identity: s.identity,
      clientFor: (e) => createServerClient({ ...e, identity: s.identity }),
      url: `${fake.pmsUrl}/`,
      token: fake.token,
      actor: 'cli',
    });
    expect(row.id).toBe(fromGdm.id);
    expect(row.sources).toBe('gdm,manual');
    expect(row.name).toBe(fake.serverName);
    expect(row.chosenUri).toBe(fake.pmsUrl);
    expect(await s.vault.get(row.tokenRef!)).toBe(fake.token);
    const access = await resolveServerAccess(s.store.db, s.vault, s.identity);
    expect(access).toMatchObject({ serverId: row.id, baseUrl: fake.pmsUrl, token: fake.token });
  });

  it('refuses a manual server with a wrong token, a bad URL or nobody listening, storing nothing', async () => {
    s = accountSetup(fake);
    const base = {
      db: s.store.db,
      vault: s.vault,
      identity: s.identity,
      clientFor: (e: { baseUrl: string; token: string }) =>
        createServerClient({ ...e, identity: s.identity }),
      actor: 'cli' as const,
    };
    await expect(
      addManualServer({ ...base, url: fake.pmsUrl, token: 'wrong-token-123456' }),
    ).rejects.toBeInstanceOf(PlexAuthError);
    await expect(addManualServer({ ...base, url: 'ftp://x', token: fake.token })).rejects.toBeInstanceOf(
      UserError,
    );
    await expect(
      addManualServer({ ...base, url: `${fake.pmsUrl}/library`, token: fake.token }),
    ).rejects.toBeInstanceOf(UserError);
    await expect(
      addManualServer({ ...base, url: 'http://127.0.0.1:1', token: fake.token, timeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(PlexNetworkError);
    expect(listServers(s.store.db)).toEqual([]);
    expect(await s.vault.get(serverTokenRef(fake.machineIdentifier))).toBeNull();
  });

  it('rejects a connection that answers as another server', async () => {
    s = accountSetup(fake);
    const row = upsertServer(s.store.db, {
      machineIdentifier: 'd'.repeat(40),
      name: 'Expected',
      source: 'manual',
      connections: [
        {
          uri: fake.pmsUrl,
          protocol: 'http',
          address: '127.0.0.1',
          port: 1,
          kind: 'local',
          latencyMs: null,
          ok: null,
          error: null,
          checkedAt: null,
        },
      ],
    });
    await expect(pickConnection(s.store.db, row.id, { identity: s.identity })).rejects.toBeInstanceOf(
      IdentityMismatchError,
    );
  });
});
