// Per-server circuit breaker: after max_consecutive_errors failures in a row a server cools down
// for error_cooldown_minutes; no run starts against it meanwhile. When the cooldown ends one trial
// is let through (half open): success closes the circuit, failure opens it for another cooldown.
import type { Config } from '../../../src-shared/config-schema';
import type { ErrorClass } from '../../../src-shared/domain';
import { CIRCUIT_OPEN, classifyError } from './classify';
import { RetroVueError } from './errors';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface BreakerStatus {
  serverId: number;
  state: CircuitState;
  consecutiveErrors: number;
  /** When the circuit last opened (ms), null when closed. */
  openedAt: number | null;
  /** When a trial is allowed again (ms), null unless open. */
  retryAt: number | null;
  lastError: string | null;
  lastErrorClass: ErrorClass | null;
}

export interface BreakerOptions {
  maxConsecutiveErrors: number;
  cooldownMs: number;
  now?: () => number;
}

/** Failures that say something about the server itself, not about one item or our disk. */
const SERVER_CLASSES = new Set<ErrorClass>(['network', 'timeout']);

export class CircuitOpenError extends RetroVueError {
  readonly serverId: number;
  readonly retryAt: number;
  constructor(serverId: number, consecutiveErrors: number, retryAt: number) {
    super(
      `server ${serverId} is cooling down after ${consecutiveErrors} consecutive errors until ` +
        new Date(retryAt).toISOString(),
      { code: CIRCUIT_OPEN, errorClass: 'network', userFacing: true },
    );
    this.serverId = serverId;
    this.retryAt = retryAt;
  }
}

export function breakerOptionsFromConfig(config: Config): BreakerOptions {
  return {
    maxConsecutiveErrors: config.max_consecutive_errors,
    cooldownMs: config.error_cooldown_minutes * 60_000,
  };
}

interface Entry {
  consecutiveErrors: number;
  openedAt: number | null;
  trialInFlight: boolean;
  lastError: string | null;
  lastErrorClass: ErrorClass | null;
}

export class CircuitBreakers {
  private options: BreakerOptions;
  private readonly now: () => number;
  private readonly entries = new Map<number, Entry>();
  private readonly listeners = new Set<(status: BreakerStatus) => void>();

  constructor(options: BreakerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** New thresholds from a config change; open circuits keep their opening time. */
  configure(options: Omit<BreakerOptions, 'now'>): void {
    this.options = { ...this.options, ...options };
  }

  /** Called on every state change (health endpoint, UI badge). */
  onChange(listener: (status: BreakerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private entry(serverId: number): Entry {
    let e = this.entries.get(serverId);
    if (!e) {
      e = {
        consecutiveErrors: 0,
        openedAt: null,
        trialInFlight: false,
        lastError: null,
        lastErrorClass: null,
      };
      this.entries.set(serverId, e);
    }
    return e;
  }

  status(serverId: number): BreakerStatus {
    const e = this.entries.get(serverId);
    if (!e || e.openedAt === null) {
      return {
        serverId,
        state: 'closed',
        consecutiveErrors: e?.consecutiveErrors ?? 0,
        openedAt: null,
        retryAt: null,
        lastError: e?.lastError ?? null,
        lastErrorClass: e?.lastErrorClass ?? null,
      };
    }
    const retryAt = e.openedAt + this.options.cooldownMs;
    return {
      serverId,
      state: this.now() >= retryAt ? 'half_open' : 'open',
      consecutiveErrors: e.consecutiveErrors,
      openedAt: e.openedAt,
      retryAt,
      lastError: e.lastError,
      lastErrorClass: e.lastErrorClass,
    };
  }

  /** Every server seen so far. */
  snapshot(): BreakerStatus[] {
    return [...this.entries.keys()].sort((a, b) => a - b).map((id) => this.status(id));
  }

  /**
   * Whether work may start against the server now. In half-open state only one caller gets
   * true until it reports back.
   */
  allows(serverId: number): boolean {
    const s = this.status(serverId);
    if (s.state === 'closed') return true;
    if (s.state === 'open') return false;
    const e = this.entry(serverId);
    if (e.trialInFlight) return false;
    e.trialInFlight = true;
    return true;
  }

  /** Throws CircuitOpenError when the server is cooling down. */
  assertAllows(serverId: number): void {
    if (this.allows(serverId)) return;
    const s = this.status(serverId);
    throw new CircuitOpenError(serverId, s.consecutiveErrors, s.retryAt ?? this.now());
  }

  recordSuccess(serverId: number): void {
    const e = this.entry(serverId);
    const wasOpen = e.openedAt !== null;
    const hadErrors = e.consecutiveErrors > 0;
    e.consecutiveErrors = 0;
    e.openedAt = null;
    e.trialInFlight = false;
    if (wasOpen || hadErrors) this.emit(serverId);
  }

  /**
   * Counts a failure against the server if it is about the server (network, timeout, 5xx);
   * returns whether it counted. Item-level failures (bad payload, missing file) do not.
   */
  recordFailure(serverId: number, error: unknown): boolean {
    const c = classifyError(error);
    const serverFault =
      (c.errorClass !== null && SERVER_CLASSES.has(c.errorClass)) || (c.status !== null && c.status >= 500);
    // Refusals by the breaker itself say nothing new about the server.
    if (!serverFault || c.cancelled || c.code === CIRCUIT_OPEN) return false;
    const e = this.entry(serverId);
    e.consecutiveErrors += 1;
    e.lastError = c.message;
    e.lastErrorClass = c.errorClass;
    const trialFailed = e.trialInFlight;
    e.trialInFlight = false;
    if (trialFailed || e.consecutiveErrors >= this.options.maxConsecutiveErrors) {
      e.openedAt = this.now();
    }
    this.emit(serverId);
    return true;
  }

  /**
   * A half-open trial that ended without a verdict on the server (paused, cancelled, or failed
   * for a reason that is not the server's): the next caller may try.
   */
  releaseTrial(serverId: number): void {
    const e = this.entries.get(serverId);
    if (e) e.trialInFlight = false;
  }

  /** Clears a server's history (removed server, manual "try now"). */
  reset(serverId: number): void {
    if (this.entries.delete(serverId)) this.emit(serverId);
  }

  private emit(serverId: number): void {
    const status = this.status(serverId);
    for (const l of this.listeners) l(status);
  }
}
