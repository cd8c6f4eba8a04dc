import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs the real CLI from source in a child process, as a user would (no TTY, no stdin). */
export function runRetrovue(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): SpawnSyncReturns<string> & { json: () => unknown } {
  const result = spawnSync(TSX, [join(ROOT, 'src-main', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: timeoutMs,
    input: '',
  });
  return Object.assign(result, { json: () => JSON.parse(result.stdout) as unknown });
}
