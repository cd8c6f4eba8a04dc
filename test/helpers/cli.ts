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

/**
 * The CLI in this process (no spawn): for commands that need no real process of their own — no
 * signals, no kill, no daemon. Output, exit code and environment are the run's own and restored after.
 */
export async function runRetrovueInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const { runCli } = await import('../../src-main/cli/main');
  const savedEnv = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, { ...env });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const capture =
    (into: string[]) =>
    (chunk: string | Uint8Array): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = capture(stdout) as typeof process.stdout.write;
  process.stderr.write = capture(stderr) as typeof process.stderr.write;
  let status: number;
  try {
    status = await runCli(args);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.exitCode = exitCode;
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const out = stdout.join('');
  return { status, stdout: out, stderr: stderr.join(''), json: () => JSON.parse(out) as unknown };
}
