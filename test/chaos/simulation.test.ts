// The randomized simulation in CI: 30 seeds of mutations, faults and SIGKILLs of a real
// `retrovue sync`, each ending with one clean run and the invariant checks (test/chaos/simulation.ts).
// A failing seed prints its violations and its replay command; CHAOS_SEEDS / CHAOS_FROM change the range.
import { describe, expect, it } from 'vitest';
import { describeFailure, describeSummary, runCampaign, summarise } from './campaign';
import { DEFAULT_OPTIONS } from './simulation';

const SEEDS = Number(process.env.CHAOS_SEEDS ?? 30);
const FROM = Number(process.env.CHAOS_FROM ?? 1);

describe('chaos simulation', () => {
  it(`holds every invariant over ${SEEDS} seeds`, { timeout: 600_000 }, async () => {
    const seeds = Array.from({ length: SEEDS }, (_, i) => FROM + i);
    const reports = await runCampaign(seeds, 3, DEFAULT_OPTIONS);
    const summary = summarise(reports);
    const failures = reports.filter((r) => r.violations.length > 0).map(describeFailure);
    console.log(describeSummary(summary));
    expect(summary.runs).toBeGreaterThanOrEqual(SEEDS * 3);
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
