import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * How to start the CLI from source: node itself with tsx's loader, not the tsx wrapper, so signals
 * (Ctrl-C, SIGTERM) reach the CLI directly instead of through a relay that can race its handlers.
 */
export const RETROVUE_COMMAND: readonly [string, ...string[]] = [
  process.execPath,
  '--import',
  'tsx',
  join(ROOT, 'src-main', 'cli', 'main.ts'),
];
const [NODE, ...CLI_ARGS] = RETROVUE_COMMAND;

/** Runs the real CLI from source in a child process, as a user would (no TTY, no stdin). */
export function runRetrovue(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): SpawnSyncReturns<string> & { json: () => unknown } {
  const result = spawnSync(NODE, [...CLI_ARGS, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: timeoutMs,
    input: '',
  });
  return Object.assign(result, { json: () => JSON.parse(result.stdout) as unknown });
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  json: () => unknown;
}

/**
 * The CLI in a child process, awaited without blocking: a fake Plex living in the test's process
 * keeps answering while the command runs (runRetrovue's spawnSync would freeze it).
 */
export function runRetrovueAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const child = spawn(NODE, [...CLI_ARGS, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on('close', (status) =>
      resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) as unknown }),
    ),
  );
}
