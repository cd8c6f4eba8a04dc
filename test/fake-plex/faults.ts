import { Rng, hashSeed } from './rng';
import type { ServerName } from './request-log';

export type FaultKind =
  /** Answer with `status` (default 500). */
  | 'error'
  /** Never answer; the client must time out. */
  | 'hang'
  /** Send the headers and half the body, then destroy the connection. */
  | 'reset'
  /** Send a well-formed response whose body is cut in half (complete HTTP message, broken JSON/XML). */
  | 'truncate'
  /** Replace the body with syntactically invalid JSON/XML. */
  | 'malformed'
  /** Delay the answer by `latencyMs`. */
  | 'latency'
  /** Answer with `body` as it is (status default 200, `contentType` default JSON): hand-made bad payloads. */
  | 'body';

const FAULT_KINDS: readonly FaultKind[] = [
  'error',
  'hang',
  'reset',
  'truncate',
  'malformed',
  'latency',
  'body',
];

export interface FaultRule {
  kind: FaultKind;
  /** Glob on the raw path or the normalised route (`*` = anything), or a RegExp; absent = every path. */
  path?: string | RegExp;
  /** Only on this server; absent = the PMS. */
  server?: ServerName | 'any';
  /** Probability per matching request (deterministic with the seed); default 1. */
  rate?: number;
  /** Apply at most this many times, then the rule is spent. */
  times?: number;
  status?: number;
  latencyMs?: number;
  /** For `body`: the raw answer. */
  body?: string;
  contentType?: string;
}

export interface FaultOptions {
  /** Added to every answer (PMS and plex.tv). */
  latencyMs?: number;
  /** Fraction of PMS answers that are 500/503 instead (deterministic with the seed). */
  errorRate?: number;
  errorStatus?: number;
  rules?: FaultRule[];
  /**
   * Attribute overrides per ratingKey (`null` removes), top level or by dotted path into child arrays:
   * `{ '1005': { duration: '7020000', title: null, 'Media.0.Part.0.size': 'big', Genre: 'not-an-array' } }`.
   */
  corruptItems?: Record<string, Record<string, unknown>>;
  /** The account token is revoked after this many authenticated PMS requests. */
  tokenExpiresAfterRequests?: number;
  /** Answer list endpoints with everything, ignoring X-Plex-Container-Start/Size. */
  ignorePaging?: boolean;
  /** Honour X-Plex-Container-Size but always answer from the first item (the same page each time). */
  ignorePagingStart?: boolean;
  /** Leave `totalSize` (and the X-Plex-Container-Total-Size header) out of paged answers. */
  dropTotalSize?: boolean;
  /**
   * Tokens the PMS answers with 498: expired JWT tokens (Plex "JWT Authentication" docs: they last 7 days,
   * then the server answers 498 until the client gets a new one).
   */
  expiredTokens?: string[];
}

interface ActiveRule extends FaultRule {
  id: number;
  used: number;
}

export interface FaultDecision {
  kind: FaultKind;
  status?: number;
  latencyMs?: number;
  body?: string;
  contentType?: string;
}

/** Holds the configured misbehaviour and decides, request by request, what to do (repeatably for a seed). */
export class Faults {
  private options: Omit<FaultOptions, 'rules'> = {};
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private readonly rng: Rng;
  corruptItems = new Map<string, Record<string, unknown>>();

  /**
   * @param baseLatencyMs latency from the start options (`latencyMs`): it stays after `clear()`, while a
   *   `latencyMs` set as a fault replaces it until cleared.
   */
  constructor(
    seed: number,
    initial: FaultOptions = {},
    private readonly baseLatencyMs = 0,
  ) {
    this.rng = new Rng(hashSeed(seed, 'faults'));
    this.set(initial);
  }

  /** Merges options; `rules` given here replace all rules. */
  set(options: FaultOptions): void {
    const { rules, corruptItems, ...rest } = options;
    this.options = { ...this.options, ...rest };
    if (rules) {
      this.rules = [];
      for (const rule of rules) this.add(rule);
    }
    if (corruptItems) this.corruptItems = new Map(Object.entries(corruptItems));
  }

  add(rule: FaultRule): number {
    if (!FAULT_KINDS.includes(rule.kind))
      throw new Error(`unknown fault kind ${String(rule.kind)}; known: ${FAULT_KINDS.join(', ')}`);
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1))
      throw new Error('fault rate must be between 0 and 1');
    const id = this.nextId++;
    this.rules.push({ ...rule, id, used: 0 });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.options = {};
    this.rules = [];
    this.corruptItems.clear();
  }

  get current(): FaultOptions {
    return {
      ...this.options,
      rules: this.rules
        .filter((r) => r.times === undefined || r.used < r.times)
        .map(({ id: _id, used: _used, ...r }) => r),
      corruptItems: Object.fromEntries(this.corruptItems),
    };
  }

  get ignorePaging(): boolean {
    return this.options.ignorePaging === true;
  }

  get ignorePagingStart(): boolean {
    return this.options.ignorePagingStart === true;
  }

  get dropTotalSize(): boolean {
    return this.options.dropTotalSize === true;
  }

  isExpired(token: string | undefined): boolean {
    return token !== undefined && (this.options.expiredTokens ?? []).includes(token);
  }

  get tokenExpiresAfterRequests(): number | undefined {
    return this.options.tokenExpiresAfterRequests;
  }

  /** The faults for one request: at most one latency plus at most one other kind. */
  decide(server: ServerName, path: string, route: string): FaultDecision[] {
    const out: FaultDecision[] = [];
    const latencyMs = this.options.latencyMs ?? this.baseLatencyMs;
    if (latencyMs) out.push({ kind: 'latency', latencyMs });
    let failure: FaultDecision | undefined;
    for (const rule of this.rules) {
      if (rule.times !== undefined && rule.used >= rule.times) continue;
      if ((rule.server ?? 'pms') !== 'any' && (rule.server ?? 'pms') !== server) continue;
      if (!matches(rule.path, path, route)) continue;
      if (rule.kind !== 'latency' && failure) continue;
      if (rule.rate !== undefined && rule.rate < 1 && !(this.rng.next() < rule.rate)) continue;
      rule.used++;
      const decision: FaultDecision = {
        kind: rule.kind,
        status: rule.status,
        latencyMs: rule.latencyMs,
        body: rule.body,
        contentType: rule.contentType,
      };
      if (rule.kind === 'latency') out.push(decision);
      else failure = decision;
    }
    if (!failure && server === 'pms' && this.options.errorRate && this.rng.next() < this.options.errorRate) {
      failure = { kind: 'error', status: this.options.errorStatus ?? (this.rng.chance(0.5) ? 500 : 503) };
    }
    if (failure) out.push(failure);
    return out;
  }
}

function matches(pattern: string | RegExp | undefined, path: string, route: string): boolean {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path) || pattern.test(route);
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return regex.test(path) || regex.test(route);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
