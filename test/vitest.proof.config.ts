// The proof suites of issue 14 on their own: the seeded chaos simulation (30 seeds) and the
// malformed-payload corpus, against the fake Plex, real sync processes and real SQLite files.
import { defineConfig } from 'vitest/config';
import base, { PROOF_SUITES } from './vitest.config';

export default defineConfig({
  ...base,
  test: { ...base.test, include: PROOF_SUITES, exclude: ['node_modules/**', 'dist/**'] },
});
