// Many seeds, a few at a time, and the figures over all of them.
import { replayCommand, simulateSeed, type SeedReport, type SimulationOptions } from './simulation';

export interface CampaignSummary {
  seeds: number;
  runs: number;
  kills: number;
  faultsPlanned: number;
  faultedRequests: number;
  mutations: number;
  requests: number;
  rowsLost: number;
  /** invariant -> failing seeds. */
  failures: Map<string, number[]>;
  failedSeeds: number[];
}

export async function runCampaign(
  seeds: number[],
  parallel: number,
  options: SimulationOptions,
  onReport: (r: SeedReport) => void = () => undefined,
): Promise<SeedReport[]> {
  const queue = [...seeds];
  const reports: SeedReport[] = [];
  const worker = async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      const report = await simulateSeed(seed, options).catch((err: unknown): SeedReport => ({
        seed,
        violations: [
          { invariant: 'harness-error', round: 'final', detail: (err as Error).stack ?? String(err) },
        ],
        runs: 0,
        kills: 0,
        faultsPlanned: 0,
        faultedRequests: 0,
        mutations: 0,
        requests: 0,
        rowsLost: 0,
        durationMs: 0,
        replay: replayCommand(seed),
      }));
      reports.push(report);
      onReport(report);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
  return reports.sort((a, b) => a.seed - b.seed);
}

export function summarise(reports: SeedReport[]): CampaignSummary {
  const failures = new Map<string, number[]>();
  for (const r of reports)
    for (const inv of new Set(r.violations.map((v) => v.invariant)))
      failures.set(inv, [...(failures.get(inv) ?? []), r.seed]);
  const sum = (k: keyof SeedReport) => reports.reduce((n, r) => n + (r[k] as number), 0);
  return {
    seeds: reports.length,
    runs: sum('runs'),
    kills: sum('kills'),
    faultsPlanned: sum('faultsPlanned'),
    faultedRequests: sum('faultedRequests'),
    mutations: sum('mutations'),
    requests: sum('requests'),
    rowsLost: sum('rowsLost'),
    failures,
    failedSeeds: reports.filter((r) => r.violations.length > 0).map((r) => r.seed),
  };
}

export function describeSummary(s: CampaignSummary): string {
  const lines = [
    `${s.seeds} seeds: ${s.runs} sync processes, ${s.kills} SIGKILLs, ${s.faultsPlanned} faults planned ` +
      `(${s.faultedRequests} requests answered with a fault), ${s.mutations} Plex mutations, ` +
      `${s.requests} PMS requests, ${s.rowsLost} rows lost`,
  ];
  if (s.failures.size === 0) lines.push('every invariant held');
  for (const [inv, seeds] of s.failures) lines.push(`  ${inv}: ${seeds.length} seeds (${seeds.join(', ')})`);
  return lines.join('\n');
}

export function describeFailure(r: SeedReport): string {
  return [
    `seed ${r.seed} FAILED — replay: ${r.replay}`,
    ...r.violations.map((v) => `  round ${v.round}: ${v.invariant}: ${v.detail}`),
  ].join('\n');
}
