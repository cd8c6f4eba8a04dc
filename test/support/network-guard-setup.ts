// vitest setupFiles: every test file runs under the loopback guard, and fails (naming each destination)
// when it, or a process it started, tried to reach anything outside 127.0.0.0/8.
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { afterAll, expect } from 'vitest';
import { describeEntries, GUARD_LOG_ENV, GUARD_PRELOAD, GUARD_SOURCE_ENV, readGuardLog } from './guard-log';

// Already loaded when NODE_OPTIONS reached this worker; installing twice is a no-op.
createRequire(__filename)(GUARD_PRELOAD);

const testFile = relative(process.cwd(), expect.getState().testPath ?? 'unknown');
process.env[GUARD_SOURCE_ENV] = testFile;

afterAll(() => {
  const file = process.env[GUARD_LOG_ENV];
  if (!file) return;
  const mine = readGuardLog(file).filter((e) => e.testFile === testFile);
  if (mine.length > 0) {
    throw new Error(
      `network guard: ${testFile} tried to leave loopback ${mine.length} time(s):\n${describeEntries(mine)}`,
    );
  }
});
