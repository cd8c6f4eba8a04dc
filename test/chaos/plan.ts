// The whole of one seed's chaos, decided up front from the seed alone: library size, and for each
// round the mutations (before and during the run), the faults, the kill point and the run kind.
// Nothing here depends on timing, so a seed replays the same script; picks are fractions that the
// executor turns into concrete items of the library as it is at that moment (itself seed-made).
import { Rng, hashSeed } from '../fake-plex/index';

export type MutationKind =
  | 'add-movie'
  | 'add-show'
  | 'add-episode'
  | 'delete-movie'
  | 'delete-episode'
  | 'delete-show'
  | 'retitle'
  | 'move-file'
  | 'rekey-movie'
  | 'rekey-show'
  | 'quiet-edit';

export interface Mutation {
  kind: MutationKind;
  /** Which item, as a fraction of the candidates at execution time. */
  pick: number;
  /** A second independent choice (new file exists here or not, episode count...). */
  extra: number;
}

export type FaultKind =
  | 'error-5xx'
  | 'detail-404'
  | 'hang'
  | 'reset'
  | 'truncate'
  | 'malformed'
  | 'paging-ignored'
  | 'outage'
  | 'token-revoked'
  | 'vanished-library'
  | 'bad-item';

export interface PlannedFault {
  kind: FaultKind;
  /** Listing, details or any request. */
  target: 'listing' | 'details' | 'any';
  rate: number;
  times: number;
  status: number;
  /** For faults that start mid-run (outage, revoked token): after this many PMS requests. */
  afterRequests: number;
  /** For outage: how long the server stays down. */
  durationMs: number;
  pick: number;
}

export interface Round {
  before: Mutation[];
  /** Mutations made while the run is in flight, after `duringAfterRequests` PMS requests. */
  during: Mutation[];
  duringAfterRequests: number;
  faults: PlannedFault[];
  /** SIGKILL the sync after this many PMS requests; null = let it end. */
  killAfterRequests: number | null;
  deep: boolean;
}

export interface Plan {
  seed: number;
  movies: number;
  shows: number;
  episodes: number;
  concurrentScans: number;
  /** Fraction of the initial files that exist on this machine. */
  filesPresent: number;
  rounds: Round[];
}

export interface PlanOptions {
  /** Chaotic rounds per seed (before the one clean run). */
  rounds: number;
}

const MUTATIONS: Array<[MutationKind, number]> = [
  ['add-movie', 3],
  ['add-show', 1],
  ['add-episode', 2],
  ['delete-movie', 2],
  ['delete-episode', 2],
  ['delete-show', 1],
  ['retitle', 3],
  ['move-file', 2],
  ['rekey-movie', 1],
  ['rekey-show', 1],
  ['quiet-edit', 1],
];

const FAULTS: Array<[FaultKind, number]> = [
  ['error-5xx', 3],
  ['detail-404', 2],
  ['hang', 2],
  ['reset', 2],
  ['truncate', 2],
  ['malformed', 2],
  ['paging-ignored', 1],
  ['outage', 1],
  ['token-revoked', 1],
  ['vanished-library', 1],
  ['bad-item', 2],
];

function weighted<T>(rng: Rng, table: Array<[T, number]>): T {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let x = rng.next() * total;
  for (const [value, w] of table) {
    x -= w;
    if (x < 0) return value;
  }
  return table[table.length - 1]![0];
}

function mutation(rng: Rng): Mutation {
  return { kind: weighted(rng, MUTATIONS), pick: rng.next(), extra: rng.next() };
}

function fault(rng: Rng): PlannedFault {
  return {
    kind: weighted(rng, FAULTS),
    target: rng.pick(['listing', 'details', 'any'] as const),
    rate: 0.15 + rng.next() * 0.5,
    times: rng.int(1, 3),
    status: rng.pick([500, 503]),
    afterRequests: rng.int(1, 12),
    durationMs: rng.int(600, 2000),
    pick: rng.next(),
  };
}

export function planSeed(seed: number, options: PlanOptions): Plan {
  const rng = new Rng(hashSeed(seed, 'chaos-plan'));
  const rounds: Round[] = [];
  for (let i = 0; i < options.rounds; i++) {
    const faultCount = rng.int(0, 2);
    const before = Array.from({ length: rng.int(0, 3) }, () => mutation(rng));
    const during = Array.from({ length: rng.int(0, 2) }, () => mutation(rng));
    const duringAfterRequests = rng.int(2, 14);
    const faults = Array.from({ length: faultCount }, () => fault(rng));
    const killAfterRequests = rng.chance(0.55) ? rng.int(2, 30) : null;
    // Details are fetched only for changed items, or for all in a deep scan: faults on details and
    // bad items bite hardest there (the 404 finding was a --deep run).
    const deep = rng.chance(0.3) || faults.some((f) => f.kind === 'detail-404' || f.kind === 'bad-item');
    rounds.push({ before, during, duringAfterRequests, faults, killAfterRequests, deep });
  }
  return {
    seed,
    movies: rng.int(11, 18),
    shows: rng.int(2, 3),
    episodes: rng.int(6, 12),
    concurrentScans: rng.pick([1, 2]),
    filesPresent: 0.3 + rng.next() * 0.5,
    rounds,
  };
}
