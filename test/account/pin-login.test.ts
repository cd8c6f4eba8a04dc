// The PIN state machine with a scripted plex.tv and a virtual clock: every wait is recorded, none
// is slept for real.
import { describe, expect, it } from 'vitest';
import {
  buildAuthUrl,
  PinExpiredError,
  PinLogin,
  type PinLoginEvent,
} from '../../src-main/core/account/pin-login';
import { CancelledError, PlexNetworkError, PlexNotFoundError } from '../../src-main/core/errors/errors';
import type { PlexPin, PlexTvClient } from '../../src-main/core/plex/plextv-client';

type PollAnswer = 'pending' | 'linked' | 'gone' | 'rate-limited' | 'down';

function scripted(answers: PollAnswer[], lifetimeMs: number, clock: { now: number }) {
  let nextId = 100;
  const created: PlexPin[] = [];
  const polls: number[] = [];
  const client: Pick<PlexTvClient, 'createPin' | 'getPin'> = {
    async createPin() {
      const pin = { id: nextId++, code: `code${nextId}`, expiresAt: clock.now + lifetimeMs, authToken: null };
      created.push(pin);
      return pin;
    },
    async getPin(id, code) {
      polls.push(id);
      const answer = answers.shift() ?? 'pending';
      const pin = created.find((p) => p.id === id && p.code === code);
      if (!pin) throw new Error('unknown pin');
      if (answer === 'gone')
        throw new PlexNotFoundError('Code not found or expired', { status: 404, plexCode: 1020 });
      if (answer === 'rate-limited')
        throw new PlexNetworkError('rate limited', { status: 429, plexCode: 1003, retryAfterMs: 7000 });
      if (answer === 'down') throw new PlexNetworkError('plex.tv unreachable');
      return { ...pin, authToken: answer === 'linked' ? `token-for-${id}` : null };
    },
  };
  return { client: client as PlexTvClient, created, polls };
}

function flow(answers: PollAnswer[], opts: { lifetimeMs?: number; autoRenew?: number } = {}) {
  const clock = { now: 1_000_000 };
  const sleeps: number[] = [];
  const plex = scripted(answers, opts.lifetimeMs ?? 600_000, clock);
  const login = new PinLogin({
    plexTv: plex.client,
    authAppUrl: 'https://app.plex.tv/auth',
    clientIdentifier: 'retrovue-test-client',
    product: 'RetroVue',
    autoRenew: opts.autoRenew ?? 0,
    now: () => clock.now,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw new CancelledError();
      sleeps.push(ms);
      clock.now += ms;
    },
  });
  const events: PinLoginEvent[] = [];
  login.on((e) => events.push(e));
  return { login, events, sleeps, clock, ...plex };
}

describe('PinLogin', () => {
  it('builds the Auth App URL with the client id, code and product in the fragment', () => {
    const url = new URL(buildAuthUrl('https://app.plex.tv/auth', 'cid-1', 'abc123', 'RetroVue'));
    expect(url.origin + url.pathname).toBe('https://app.plex.tv/auth');
    const params = new URLSearchParams(url.hash.slice(2));
    expect(params.get('clientID')).toBe('cid-1');
    expect(params.get('code')).toBe('abc123');
    expect(params.get('context[device][product]')).toBe('RetroVue');
  });

  it('polls with growing intervals of at least 1 s until the PIN is linked', async () => {
    const f = flow(['pending', 'pending', 'pending', 'pending', 'pending', 'linked']);
    const pin = await f.login.start();
    expect(pin.authUrl).toContain(`code=${pin.code}`);
    expect(f.login.state).toBe('waiting');
    await expect(f.login.waitForToken()).resolves.toBe(`token-for-${pin.id}`);
    expect(f.login.state).toBe('linked');
    expect(f.sleeps.every((ms) => ms >= 1000)).toBe(true);
    expect(f.sleeps).toEqual([1000, 1500, 2250, 3375, 5000]);
    expect(f.events.map((e) => e.state)).toEqual(['waiting', 'linked']);
  });

  it('reports expiry and stops when renewal is not allowed', async () => {
    const f = flow(['pending', 'gone']);
    await f.login.start();
    await expect(f.login.waitForToken()).rejects.toBeInstanceOf(PinExpiredError);
    expect(f.login.state).toBe('expired');
    expect(f.created).toHaveLength(1);
  });

  it('treats a PIN past its expiry time as expired without polling it', async () => {
    const f = flow([], { lifetimeMs: 2500 });
    await f.login.start();
    await expect(f.login.waitForToken()).rejects.toBeInstanceOf(PinExpiredError);
    // Polls at t=0 and t=1 s; the wait after that is cut to the expiry, then no further poll.
    expect(f.polls).toHaveLength(2);
    expect(f.clock.now - 1_000_000).toBe(2500);
  });

  it('renews an expired PIN in place and links the new one', async () => {
    const f = flow(['pending', 'gone', 'pending', 'linked'], { autoRenew: 1 });
    const first = await f.login.start();
    const token = await f.login.waitForToken();
    expect(f.created).toHaveLength(2);
    const second = f.login.pin!;
    expect(second.id).not.toBe(first.id);
    expect(token).toBe(`token-for-${second.id}`);
    expect(f.events.map((e) => e.state)).toEqual(['waiting', 'expired', 'waiting', 'linked']);
    const expired = f.events[1] as Extract<PinLoginEvent, { state: 'expired' }>;
    expect(expired.renewing).toBe(true);
  });

  it('can be renewed by hand after expiry and then waited on again', async () => {
    const f = flow(['gone', 'linked']);
    await f.login.start();
    await expect(f.login.waitForToken()).rejects.toBeInstanceOf(PinExpiredError);
    const renewed = await f.login.renew();
    await expect(f.login.waitForToken()).resolves.toBe(`token-for-${renewed.id}`);
  });

  it('stops on cancel with CancelledError and the cancelled state', async () => {
    const f = flow(['pending', 'pending', 'pending']);
    await f.login.start();
    const controller = new AbortController();
    const waiting = f.login.waitForToken(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(f.login.state).toBe('cancelled');

    const g = flow(['pending', 'pending']);
    await g.login.start();
    const p = g.login.waitForToken();
    g.login.cancel();
    await expect(p).rejects.toBeInstanceOf(CancelledError);
  });

  it('honours Retry-After on 429 and backs off on network trouble, then gives up', async () => {
    const f = flow(['rate-limited', 'linked']);
    await f.login.start();
    await f.login.waitForToken();
    expect(f.sleeps[0]).toBe(7000);

    const g = flow(['down', 'down', 'down', 'down', 'down', 'down', 'down']);
    await g.login.start();
    await expect(g.login.waitForToken()).rejects.toBeInstanceOf(PlexNetworkError);
    expect(g.login.state).toBe('error');
    expect(g.sleeps).toEqual([2000, 4000, 8000, 16000, 30000]);
  });
});
