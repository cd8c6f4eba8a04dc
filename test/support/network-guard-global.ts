// vitest globalSetup: the whole run under the loopback guard. Workers and every process they start
// inherit NODE_OPTIONS (the guard preload) and the log path; at the end, any refused attempt fails the run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEntries, GUARD_LOG_ENV, readGuardLog, withGuardPreload } from './guard-log';

const ROOT = join(__dirname, '..', '..');

export default function setup(): () => void {
  const dir = join(ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  const file = process.env[GUARD_LOG_ENV] ?? join(dir, `network-guard-${process.pid}.jsonl`);
  writeFileSync(file, '');
  process.env[GUARD_LOG_ENV] = file;
  process.env.NODE_OPTIONS = withGuardPreload(process.env.NODE_OPTIONS);
  return () => {
    const entries = readGuardLog(file);
    if (entries.length === 0) {
      rmSync(file, { force: true });
      return;
    }
    throw new Error(
      `network guard: ${entries.length} attempt(s) to leave loopback during the run (log ${file}):\n` +
        describeEntries(entries),
    );
  };
}
