// One seed of the randomized simulation (the approach of Dropbox's sync-engine testing): a seeded
// plan drives Plex mutations, faults and SIGKILLs of a real `retrovue sync` process against the fake
// Plex; then faults are cleared, ONE clean run is made, and the invariants are checked. Every
// violation names the seed, the round and the invariant, and `npm run test:chaos -- --seed N`
// replays the same plan.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { VAULT_FILE } from '../../src-main/core/account/file-vault';
import { Rng, hashSeed } from '../fake-plex/index';
import { startFakePlex, type FakePlex, type LoggedRequest } from '../fake-plex/index';
import {
  convergenceProblems,
  filesHolding,
  integrityProblems,
  itemKey,
  openDb,
  readStored,
  runningRuns,
  scanningRows,
  type ExpectedState,
} from './invariants';
import { applyMutation, type MutationContext } from './mutations';
import { installFaults, type FaultTriggers } from './faults';
import { planSeed, type Plan } from './plan';
import { startSync, type SyncProcessResult } from './sync-process';

export interface SimulationOptions {
  /** Chaotic rounds before the clean run. */
  rounds: number;
  /** A run making more PMS requests than this is spinning. */
  maxRequestsPerRun: number;
  /** A run taking longer than this is stuck. */
  maxRunMs: number;
  log?: (line: string) => void;
}

export const DEFAULT_OPTIONS: SimulationOptions = { rounds: 2, maxRequestsPerRun: 500, maxRunMs: 40_000 };

export interface Violation {
  invariant: string;
  round: number | 'final';
  detail: string;
}

export interface SeedReport {
  seed: number;
  violations: Violation[];
  runs: number;
  kills: number;
  faultsPlanned: number;
  faultedRequests: number;
  mutations: number;
  requests: number;
  rowsLost: number;
  durationMs: number;
  replay: string;
}

/** The product's message for deletions held by the mass-deletion guard (sync/mass-deletion.ts). */
const HELD = /would remove \d+ of \d+ items — held/;

export const replayCommand = (seed: number, rounds = DEFAULT_OPTIONS.rounds) =>
  `npm run test:chaos -- --seed ${seed}${rounds === DEFAULT_OPTIONS.rounds ? '' : ` --rounds ${rounds}`}`;

/** Where the harness puts Plex's folders on this machine (RETROVUE_PATH_REPLACEMENTS). */
function pathRules(mediaRoot: string): Array<{ from: string; to: string }> {
  return [
    { from: '/data/movies', to: join(mediaRoot, 'movies') },
    { from: '/data/tv', to: join(mediaRoot, 'tv') },
  ];
}

/** The media-state rules as the product documents them, written independently of its code. */
function expectedStateFor(rules: Array<{ from: string; to: string }>, exists: Set<string>): ExpectedState {
  return (kind, files) => {
    if (kind === 'show' || kind === 'season' || files.length === 0) return 'normal';
    let mapped = false;
    for (const file of files) {
      const rule = rules.find((r) => file.startsWith(`${r.from}/`));
      if (!rule) continue;
      mapped = true;
      if (exists.has(rule.to + file.slice(rule.from.length))) return 'normal';
    }
    return mapped ? 'unavailable' : 'remote_only';
  };
}

function describeOutcome(result: SyncProcessResult): string {
  const s = result.summary;
  if (s?.libraries) return s.libraries.map((l) => `${l.libraryTitle}=${l.status}`).join(' ');
  if (s?.error) return `${s.error.code}: ${s.error.message}`;
  return result.stderr.trim().split('\n').at(-1) ?? '';
}

export async function simulateSeed(
  seed: number,
  options: SimulationOptions = DEFAULT_OPTIONS,
): Promise<SeedReport> {
  const started = Date.now();
  const plan: Plan = planSeed(seed, { rounds: options.rounds });
  const log = options.log ?? (() => undefined);
  const tmp = mkdtempSync(join(tmpdir(), `retrovue-chaos-${seed}-`));
  const dataDir = join(tmp, 'data');
  const mediaRoot = join(tmp, 'media');
  const db = join(dataDir, 'retrovue.db');
  const tokenFile = join(tmp, 'plex-token');
  mkdirSync(dataDir, { recursive: true });
  const rules = pathRules(mediaRoot);
  const existing = new Set<string>();
  const fileRng = new Rng(hashSeed(seed, 'chaos-files'));
  const placeFile = (plexPath: string, present: boolean) => {
    const rule = rules.find((r) => plexPath.startsWith(`${r.from}/`));
    if (!rule || !present) return;
    const local = rule.to + plexPath.slice(rule.from.length);
    mkdirSync(dirname(local), { recursive: true });
    writeFileSync(local, 'media');
    existing.add(local);
  };

  const fake: FakePlex = await startFakePlex({
    seed,
    movies: plan.movies,
    shows: plan.shows,
    episodes: plan.episodes,
  });
  writeFileSync(tokenFile, `${fake.token}\n`, { mode: 0o600 });
  for (const item of fake.control.snapshot().items)
    if (item.type === 'movie' || item.type === 'episode')
      for (const m of item.media)
        for (const p of m.parts) placeFile(p.file, fileRng.chance(plan.filesPresent));

  const violations: Violation[] = [];
  const violate = (invariant: string, round: number | 'final', detail: string) => {
    violations.push({ invariant, round, detail });
    log(`seed ${seed} round ${round}: VIOLATION ${invariant}: ${detail}`);
  };
  const report: SeedReport = {
    seed,
    violations,
    runs: 0,
    kills: 0,
    faultsPlanned: 0,
    faultedRequests: 0,
    mutations: 0,
    requests: 0,
    rowsLost: 0,
    durationMs: 0,
    replay: replayCommand(seed, options.rounds),
  };

  // Every PMS request the fake answers, in order: kill points and mid-run events count these.
  let onRequest: (entry: LoggedRequest) => void = () => undefined;
  const record = fake.requestLog.record.bind(fake.requestLog);
  fake.requestLog.record = (entry: LoggedRequest) => {
    record(entry);
    if (entry.server !== 'pms') return;
    report.requests += 1;
    if (entry.fault) report.faultedRequests += 1;
    onRequest(entry);
  };

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    RETROVUE_API_TIMEOUT_SECONDS: '1',
    RETROVUE_RETRY_ATTEMPTS: '2',
    RETROVUE_RETRY_DELAY_SECONDS: '0.05',
    RETROVUE_BATCH_SIZE: '10',
    RETROVUE_DETAIL_BATCH_SIZE: '4',
    RETROVUE_DETAIL_CONCURRENCY: '2',
    RETROVUE_CONCURRENT_SCANS: String(plan.concurrentScans),
    RETROVUE_ARTWORK_CACHE: 'false',
    RETROVUE_LOG_LEVEL: 'debug',
    RETROVUE_PATH_REPLACEMENTS: JSON.stringify(rules),
    // Nothing may leave loopback: plex.tv and GDM point at the fake too.
    RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
    RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
    RETROVUE_GDM_ADDRESS: '127.0.0.1',
  };
  delete env.PLEX_TOKEN;
  delete env.RETROVUE_PLEX_TOKEN;

  const outputs: string[] = [];
  const mctx: MutationContext = {
    fake,
    seed,
    counter: 0,
    quietEdits: 0,
    placeFile,
    filesPresent: plan.filesPresent,
  };
  const reportedGone = new Set<string>();

  const runOnce = async (
    round: number | 'final',
    deep: boolean,
    duringRun: (requests: number, kill: () => void) => void,
  ): Promise<SyncProcessResult> => {
    let requests = 0;
    // The clean run has no hangs to find: a loaded machine (CI runs the whole suite at once) must
    // not turn a slow loopback answer into a fault there.
    const runEnv = round === 'final' ? { ...env, RETROVUE_API_TIMEOUT_SECONDS: '10' } : env;
    const child = startSync(
      { pmsUrl: fake.pmsUrl, tokenFile, dataDir, db, deep, env: runEnv },
      options.maxRunMs,
    );
    onRequest = () => {
      requests += 1;
      if (requests > options.maxRequestsPerRun) child.kill('too-many-requests');
      duringRun(requests, () => child.kill('planned'));
    };
    const result = await child.done;
    onRequest = () => undefined;
    report.runs += 1;
    if (result.killed === 'planned') report.kills += 1;
    outputs.push(result.stdout, result.stderr);
    const summary = describeOutcome(result);
    log(
      `seed ${seed} round ${round}: ${deep ? 'deep ' : ''}sync ${result.killed ? `killed (${result.killed})` : `exit ${result.code}`} after ${requests} requests, ${result.durationMs} ms ${summary}`,
    );
    if (result.killed === 'too-many-requests')
      violate('no-spin', round, `more than ${options.maxRequestsPerRun} PMS requests in one run`);
    if (result.killed === 'too-slow')
      violate('no-hang', round, `run still going after ${options.maxRunMs} ms`);
    return result;
  };

  const afterRun = (
    round: number | 'final',
    result: SyncProcessResult,
    held: Set<string>,
    before: Map<string, { state: string }>,
  ) => {
    const after = readStored(db);
    for (const key of held) {
      const row = after.get(key);
      if (
        row?.state === 'file_not_found' &&
        before.get(key)?.state !== 'file_not_found' &&
        !reportedGone.has(key)
      ) {
        reportedGone.add(key);
        violate('no-false-removal', round, `${key} marked gone although every listing had it`);
      }
      if (before.has(key) && !row) {
        report.rowsLost += 1;
        violate('no-row-lost', round, `${key} was stored and is no longer`);
      }
    }
    if (!after.size && !before.size) return;
    const handle = openDb(db);
    try {
      for (const p of integrityProblems(handle)) violate('integrity', round, p);
      const scanning = scanningRows(handle);
      if (scanning.length > 0)
        violate(
          'no-scanning-without-live-run',
          round,
          `${scanning.length} rows in scanning with no sync alive (${scanning.slice(0, 3).join(', ')}…)`,
        );
      if (!result.killed) {
        const running = runningRuns(handle);
        if (running.length > 0)
          violate(
            'no-run-left-running',
            round,
            `runs ${running.join(', ')} still running after the process ended`,
          );
      }
    } finally {
      handle.close();
    }
  };

  try {
    for (const [index, round] of plan.rounds.entries()) {
      const r = index + 1;
      for (const m of round.before) if (applyMutation(mctx, m)) report.mutations += 1;
      log(
        `seed ${seed} round ${r}: ${round.before.map((m) => m.kind).join(', ') || 'no mutations'} before; ${round.during.map((m) => m.kind).join(', ') || 'none'} during; kill at ${round.killAfterRequests ?? 'never'}`,
      );
      const triggers: FaultTriggers = installFaults(fake, round.faults, log);
      report.faultsPlanned += round.faults.length;
      const presentAtStart = new Set(fake.control.snapshot().items.map((i) => itemKey(i.type, i.ratingKey)));
      const before = readStored(db);
      let duringDone = false;
      const result = await runOnce(r, round.deep, (requests, kill) => {
        triggers.onRequest(requests);
        if (!duringDone && requests >= round.duringAfterRequests) {
          duringDone = true;
          for (const m of round.during) if (applyMutation(mctx, m)) report.mutations += 1;
        }
        if (round.killAfterRequests !== null && requests >= round.killAfterRequests) kill();
      });
      await triggers.settle();
      fake.control.clearFaults();
      const held = new Set(
        fake.control
          .snapshot()
          .items.map((i) => itemKey(i.type, i.ratingKey))
          .filter((k) => presentAtStart.has(k)),
      );
      afterRun(r, result, held, before);
      if (!result.killed && round.faults.length === 0 && result.code !== 0)
        violate('fault-free-run-succeeds', r, `exit ${result.code} ${describeOutcome(result)}`);
    }

    // Faults cleared, server up, token valid: one clean run must bring the copy to the truth.
    const presentAtStart = new Set(fake.control.snapshot().items.map((i) => itemKey(i.type, i.ratingKey)));
    const before = readStored(db);
    let final = await runOnce('final', mctx.quietEdits > 0, () => undefined);
    afterRun('final', final, presentAtStart, before);
    // More than mass_delete_threshold of a small library removed by the rounds: the product holds
    // those deletions, says so, and applies them when the next listing agrees (issue 12).
    if (final.summary?.libraries?.some((l) => HELD.test(l.errorMessage ?? ''))) {
      const held = readStored(db);
      final = await runOnce('final', false, () => undefined);
      afterRun('final', final, presentAtStart, held);
    }
    // A deep run resumed after a kill continues the chain it began: an edit Plex made silently (no
    // stamp moved) to an item that chain had already read is caught by the next deep scan, as with
    // any long scan (chaos seed 573). The next deep run starts a new chain.
    if (mctx.quietEdits > 0 && final.summary?.libraries?.some((l) => l.resumedFromRunId != null)) {
      const resumed = readStored(db);
      final = await runOnce('final', true, () => undefined);
      afterRun('final', final, presentAtStart, resumed);
    }
    if (final.code !== 0 || final.summary?.ok !== true)
      violate('clean-run-ok', 'final', `exit ${final.code} ${describeOutcome(final)}`);
    const handle = openDb(db);
    try {
      const problems = convergenceProblems(handle, fake, expectedStateFor(rules, existing));
      if (problems.length > 0)
        violate('converged', 'final', `${problems.length} differences: ${problems.slice(0, 4).join('; ')}`);
    } finally {
      handle.close();
    }
    const leaks = filesHolding(dataDir, fake.token, new Set([join(dataDir, VAULT_FILE)]));
    if (leaks.length > 0) violate('token-confined', 'final', `token found in ${leaks.join(', ')}`);
    if (outputs.some((o) => o.includes(fake.token)))
      violate('token-confined', 'final', 'token printed by the CLI');
  } finally {
    onRequest = () => undefined;
    await fake.stop();
    report.durationMs = Date.now() - started;
    if (violations.length === 0) rmSync(tmp, { recursive: true, force: true });
    else log(`seed ${seed}: files kept in ${tmp}`);
  }
  return report;
}
