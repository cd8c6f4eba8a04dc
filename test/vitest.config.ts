import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The proof suites of issue 14, part of `npm test`; `npm run test:proof` runs them alone. */
export const PROOF_SUITES = ['test/chaos/simulation.test.ts', 'test/fuzz/bad-input.test.ts'];

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['node_modules/**', 'dist/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Nothing leaves loopback (issue 15): the run, its workers and every process they start are guarded.
    globalSetup: ['./test/support/network-guard-global.ts'],
    setupFiles: ['./test/support/network-guard-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
