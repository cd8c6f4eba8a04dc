// The plex.tv PIN login as a small state machine: create a strong PIN, hand out the Auth App URL,
// poll (never faster than once a second, slowing down while nothing happens) until the person links
// it, it expires (renewable in place) or the caller cancels.
import { setTimeout as delay } from 'node:timers/promises';
import { backoffDelay } from '../../../src-shared/backoff';
import { CancelledError, PlexError, PlexNotFoundError, RetroVueError } from '../errors/errors';
import { registerSecret } from '../logging/redact';
import type { PlexTvClient } from '../plex/plextv-client';

export type PinLoginState = 'idle' | 'waiting' | 'expired' | 'linked' | 'cancelled' | 'error';

export interface PinInfo {
  id: number;
  code: string;
  /** Open this in the browser; the person signs in there and approves RetroVue. */
  authUrl: string;
  /** Unix ms. */
  expiresAt: number;
}

export type PinLoginEvent =
  | { state: 'waiting'; pin: PinInfo }
  | { state: 'expired'; pin: PinInfo; renewing: boolean }
  | { state: 'linked' }
  | { state: 'cancelled' }
  | { state: 'error'; error: Error };

export class PinExpiredError extends RetroVueError {
  constructor() {
    super('the sign-in code expired before it was approved; start the login again', {
      code: 'PIN_EXPIRED',
      errorClass: 'auth',
      userFacing: true,
    });
  }
}

export interface PinLoginOptions {
  plexTv: PlexTvClient;
  /** Config plex_auth_app_url, e.g. https://app.plex.tv/auth. */
  authAppUrl: string;
  clientIdentifier: string;
  product: string;
  /** How many times an expired PIN is replaced by a fresh one without asking (default 0). */
  autoRenew?: number;
  /** First poll interval; never below 1 s. */
  pollIntervalMs?: number;
  /** The interval grows by half each quiet poll up to this. */
  maxPollIntervalMs?: number;
  /** Consecutive network failures tolerated while polling before giving up. */
  maxPollFailures?: number;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const MIN_POLL_MS = 1000;
/** Longest wait after failed polls (unless plex.tv asks for longer with Retry-After). */
const MAX_FAILURE_WAIT_MS = 30_000;

export function buildAuthUrl(
  authAppUrl: string,
  clientIdentifier: string,
  code: string,
  product: string,
): string {
  const params = new URLSearchParams({
    clientID: clientIdentifier,
    code,
    'context[device][product]': product,
  });
  return `${authAppUrl.replace(/[#?/]+$/, '')}#?${params.toString()}`;
}

export class PinLogin {
  private current: PinInfo | null = null;
  private stateValue: PinLoginState = 'idle';
  private readonly listeners = new Set<(e: PinLoginEvent) => void>();
  private readonly controller = new AbortController();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly baseIntervalMs: number;
  private readonly maxIntervalMs: number;
  private renewalsLeft: number;

  constructor(private readonly opts: PinLoginOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.baseIntervalMs = Math.max(MIN_POLL_MS, opts.pollIntervalMs ?? MIN_POLL_MS);
    this.maxIntervalMs = Math.max(this.baseIntervalMs, opts.maxPollIntervalMs ?? 5000);
    this.renewalsLeft = opts.autoRenew ?? 0;
  }

  get state(): PinLoginState {
    return this.stateValue;
  }

  get pin(): PinInfo | null {
    return this.current;
  }

  on(listener: (e: PinLoginEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates the PIN. Call once; use renew() for a fresh one. */
  async start(signal?: AbortSignal): Promise<PinInfo> {
    return this.createPin(signal);
  }

  /** Replaces an expired (or unwanted) PIN with a new one; the person opens the new URL. */
  async renew(signal?: AbortSignal): Promise<PinInfo> {
    return this.createPin(signal);
  }

  /** Stops waiting; waitForToken() then rejects with CancelledError. */
  cancel(): void {
    this.controller.abort();
  }

  /** Polls until the PIN is linked and returns the account token. */
  async waitForToken(signal?: AbortSignal): Promise<string> {
    const abort = signal ? AbortSignal.any([signal, this.controller.signal]) : this.controller.signal;
    if (!this.current) throw new Error('PinLogin.waitForToken() before start()');
    // Unanswered polls so far (the interval grows with them) and failed polls in a row.
    let polls = 0;
    let failures = 0;
    const pollBackoff = { initialMs: this.baseIntervalMs, maxMs: this.maxIntervalMs, factor: 1.5 };
    const interval = () => backoffDelay(polls, pollBackoff);
    try {
      for (;;) {
        if (abort.aborted) throw new CancelledError('login cancelled');
        const pin: PinInfo = this.current;
        if (this.now() >= pin.expiresAt) {
          await this.expired(pin, abort);
          polls = 0;
          continue;
        }
        let wait = interval();
        try {
          const polled = await this.opts.plexTv.getPin(pin.id, pin.code, { signal: abort });
          failures = 0;
          if (polled.authToken) {
            registerSecret(polled.authToken);
            this.emit({ state: 'linked' });
            return polled.authToken;
          }
          polls += 1;
        } catch (err) {
          if (err instanceof CancelledError || abort.aborted) throw new CancelledError('login cancelled');
          if (err instanceof PlexNotFoundError) {
            await this.expired(pin, abort);
            polls = 0;
            continue;
          }
          if (!(err instanceof PlexError) || !err.retryable) throw err;
          failures += 1;
          if (failures > (this.opts.maxPollFailures ?? 5)) throw err;
          // 429 says how long to stay away; other trouble backs off exponentially.
          wait =
            err.retryAfterMs ??
            backoffDelay(failures, { initialMs: this.baseIntervalMs, maxMs: MAX_FAILURE_WAIT_MS });
          wait = Math.max(wait, interval());
        }
        await this.sleep(Math.min(wait, Math.max(MIN_POLL_MS, pin.expiresAt - this.now())), abort).catch(
          () => {
            throw new CancelledError('login cancelled');
          },
        );
      }
    } catch (err) {
      if (err instanceof CancelledError) this.emit({ state: 'cancelled' });
      else if (!(err instanceof PinExpiredError)) this.emit({ state: 'error', error: err as Error });
      throw err;
    }
  }

  private async expired(pin: PinInfo, signal: AbortSignal): Promise<void> {
    const renewing = this.renewalsLeft > 0;
    this.emit({ state: 'expired', pin, renewing });
    if (!renewing) throw new PinExpiredError();
    this.renewalsLeft -= 1;
    await this.createPin(signal);
  }

  private async createPin(signal?: AbortSignal): Promise<PinInfo> {
    const created = await this.opts.plexTv.createPin(signal ? { signal } : {});
    const info: PinInfo = {
      id: created.id,
      code: created.code,
      authUrl: buildAuthUrl(
        this.opts.authAppUrl,
        this.opts.clientIdentifier,
        created.code,
        this.opts.product,
      ),
      expiresAt: created.expiresAt,
    };
    this.current = info;
    this.emit({ state: 'waiting', pin: info });
    return info;
  }

  private emit(e: PinLoginEvent): void {
    this.stateValue = e.state;
    for (const l of this.listeners) l(e);
  }
}
