// npm run test:chaos -- --seed N            replay one seed, with its log
// npm run test:chaos -- --seeds 1000        seeds 1..1000 (--from K to start elsewhere)
//   --parallel P (default 2)  --rounds R (chaotic rounds per seed, default 2)  --verbose
import { parseArgs } from 'node:util';
import { describeFailure, describeSummary, runCampaign, summarise } from './campaign';
import { DEFAULT_OPTIONS } from './simulation';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      seeds: { type: 'string' },
      from: { type: 'string', default: '1' },
      parallel: { type: 'string', default: '2' },
      rounds: { type: 'string', default: String(DEFAULT_OPTIONS.rounds) },
      verbose: { type: 'boolean', default: false },
    },
  });
  const single = values.seed !== undefined;
  const seeds = single
    ? [Number(values.seed)]
    : Array.from({ length: Number(values.seeds ?? 30) }, (_, i) => Number(values.from) + i);
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error('seeds are non-negative integers');
  const verbose = single || values.verbose;
  const started = Date.now();
  const reports = await runCampaign(
    seeds,
    single ? 1 : Number(values.parallel),
    { ...DEFAULT_OPTIONS, rounds: Number(values.rounds), ...(verbose ? { log: (l) => console.log(l) } : {}) },
    (r) => {
      if (r.violations.length > 0) console.log(describeFailure(r));
      else if (!single) console.log(`seed ${r.seed} ok (${(r.durationMs / 1000).toFixed(1)} s)`);
    },
  );
  const summary = summarise(reports);
  console.log(`\n${describeSummary(summary)}\n${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = summary.failedSeeds.length > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
