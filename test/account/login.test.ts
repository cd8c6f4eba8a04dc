// PIN login, token validation and token health against the fake plex.tv over real HTTP.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NeedsLoginEvent } from '../../src-main/core/account/account-service';
import { PinExpiredError, type PinLoginEvent } from '../../src-main/core/account/pin-login';
import { accountTokenRef } from '../../src-main/core/account/vault';
import { CancelledError, PlexAuthError } from '../../src-main/core/errors/errors';
import { getCurrentAccount } from '../../src-main/core/store/repositories/account-repository';
import { listAudit } from '../../src-main/core/store/repositories/audit-repository';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { accountSetup, approveWhenShown, type AccountSetup } from './setup';

let fake: FakePlex;
let s: AccountSetup;

beforeAll(async () => {
  fake = await startFakePlex({ movies: 3, shows: 1, episodes: 2 });
});
afterAll(async () => {
  await fake.stop();
});
afterEach(() => s?.cleanup());

describe('PIN login against the fake plex.tv', () => {
  it('links the PIN, validates the token, keeps name and avatar, and stores the token only in the vault', async () => {
    s = accountSetup(fake);
    const events: PinLoginEvent[] = [];
    const account = await s.accounts.login({
      onEvent: (e) => {
        events.push(e);
        approveWhenShown(fake)(e);
      },
    });
    expect(account.username).toBe('retro_tester');
    // The avatar is served by the fake plex.tv (the real one is https://plex.tv/users/<uuid>/avatar).
    expect(account.avatarUrl).toMatch(new RegExp(`^${fake.plexTvUrl}/users/[0-9a-f]+/avatar\\?c=\\d+$`));
    const avatar = await fetch(account.avatarUrl!);
    expect(avatar.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await avatar.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(account.needsLogin).toBe(false);
    const waiting = events[0] as Extract<PinLoginEvent, { state: 'waiting' }>;
    expect(waiting.state).toBe('waiting');
    expect(waiting.pin.code).toHaveLength(25); // strong PIN
    expect(waiting.pin.authUrl.startsWith(`${fake.plexTvUrl}/auth#?`)).toBe(true);
    expect(events.at(-1)?.state).toBe('linked');

    const pin = fake.control.pins().find((p) => p.id === waiting.pin.id)!;
    const token = pin.authToken!;
    expect(await s.vault.get(accountTokenRef(account.uuid))).toBe(token);
    const row = getCurrentAccount(s.store.db)!;
    expect(row.tokenRef).toBe(accountTokenRef(account.uuid));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(readFileSync(s.store.path).includes(token)).toBe(false);
    expect(listAudit(s.store.db, { action: 'login' })).toHaveLength(1);
  });

  it('fails with PinExpiredError when the PIN expires and renewal is off', async () => {
    s = accountSetup(fake);
    const login = s.accounts.login({
      autoRenew: 0,
      onEvent: (e) => {
        if (e.state === 'waiting') fake.control.expirePin(e.pin.id);
      },
    });
    await expect(login).rejects.toBeInstanceOf(PinExpiredError);
    expect(getCurrentAccount(s.store.db)).toBeUndefined();
  });

  it('renews an expired PIN in place and signs in with the new one', async () => {
    s = accountSetup(fake);
    const shown: number[] = [];
    const account = await s.accounts.login({
      autoRenew: 1,
      onEvent: (e) => {
        if (e.state !== 'waiting') return;
        shown.push(e.pin.id);
        if (shown.length === 1) fake.control.expirePin(e.pin.id);
        else fake.control.approvePin(e.pin.id);
      },
    });
    expect(shown).toHaveLength(2);
    expect(shown[0]).not.toBe(shown[1]);
    expect(account.username).toBe('retro_tester');
  });

  it('stops cleanly when cancelled while waiting', async () => {
    s = accountSetup(fake);
    const controller = new AbortController();
    const states: string[] = [];
    const login = s.accounts.login({
      signal: controller.signal,
      onEvent: (e) => {
        states.push(e.state);
        if (e.state === 'waiting') setTimeout(() => controller.abort(), 50);
      },
    });
    await expect(login).rejects.toBeInstanceOf(CancelledError);
    expect(states).toEqual(['waiting', 'cancelled']);
    expect(getCurrentAccount(s.store.db)).toBeUndefined();
  });

  it('marks the account "needs login" once when plex.tv revokes the token, without retrying', async () => {
    s = accountSetup(fake);
    const account = await s.accounts.login({ onEvent: approveWhenShown(fake) });
    expect(await s.accounts.validate()).toBe('ok');
    expect(await s.accounts.ping()).toBe('ok');
    const token = (await s.vault.get(accountTokenRef(account.uuid)))!;
    const needs: NeedsLoginEvent[] = [];
    s.accounts.events.on('needs-login', (e) => needs.push(e));

    fake.control.revokeToken(token);
    expect(await s.accounts.ping()).toBe('needs_login');
    expect(needs).toEqual([
      { scope: 'account', id: account.id, name: 'retro_tester', reason: 'plex.tv refused the token' },
    ]);
    expect(s.accounts.current()?.needsLogin).toBe(true);

    const before = fake.requestLog.count(undefined, 'plextv');
    expect(await s.accounts.validate()).toBe('needs_login');
    expect(await s.accounts.ping()).toBe('needs_login');
    await expect(s.accounts.accountToken()).rejects.toMatchObject({ code: 'NEEDS_LOGIN' });
    expect(fake.requestLog.count(undefined, 'plextv')).toBe(before);
    expect(needs).toHaveLength(1);

    // A new login clears it.
    await s.accounts.login({ onEvent: approveWhenShown(fake) });
    expect(s.accounts.current()?.needsLogin).toBe(false);
  });

  it('validates on start and pings periodically, catching a token revoked in between', async () => {
    s = accountSetup(fake);
    const account = await s.accounts.login({ onEvent: approveWhenShown(fake) });
    const token = (await s.vault.get(accountTokenRef(account.uuid)))!;
    const pingsBefore = fake.requestLog.count('/api/v2/ping', 'plextv');
    try {
      expect(await s.accounts.startHealthChecks(100)).toBe('ok');
      const revoked = new Promise<NeedsLoginEvent>((resolve) => s.accounts.events.on('needs-login', resolve));
      await new Promise((r) => setTimeout(r, 250));
      expect(fake.requestLog.count('/api/v2/ping', 'plextv')).toBeGreaterThan(pingsBefore);
      fake.control.revokeToken(token);
      await expect(revoked).resolves.toMatchObject({ scope: 'account', id: account.id });
      // Once marked, the periodic check stops asking plex.tv.
      const pings = fake.requestLog.count('/api/v2/ping', 'plextv');
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.requestLog.count('/api/v2/ping', 'plextv')).toBe(pings);
    } finally {
      s.accounts.stopHealthChecks();
      fake.control.restoreToken(token);
    }
  });

  it('keeps the token when plex.tv is unreachable (not a login problem)', async () => {
    s = accountSetup(fake);
    await s.accounts.login({ onEvent: approveWhenShown(fake) });
    await fake.control.plexTvDown();
    try {
      expect(await s.accounts.validate()).toBe('unreachable');
      expect(s.accounts.current()?.needsLogin).toBe(false);
    } finally {
      await fake.control.plexTvUp();
    }
    expect(await s.accounts.validate()).toBe('ok');
  });

  it('logout forgets the account and its tokens but keeps servers, marked as needing login', async () => {
    s = accountSetup(fake);
    const account = await s.accounts.login({ onEvent: approveWhenShown(fake) });
    const changes: unknown[] = [];
    s.accounts.events.on('account-changed', (a) => changes.push(a));
    expect(await s.accounts.logout()).toBe(true);
    expect(changes).toEqual([null]);
    expect(await s.vault.get(accountTokenRef(account.uuid))).toBeNull();
    expect(s.accounts.current()).toBeNull();
    expect(await s.accounts.logout()).toBe(false);
    await expect(s.accounts.completeLogin('not-a-real-token-xyz')).rejects.toBeInstanceOf(PlexAuthError);
  });
});
