// One real `retrovue sync` child process, as a user starts it (token in a file, JSON summary), that
// the simulation may SIGKILL at a chosen PMS request count or when it spins past its limits.
import { spawn } from 'node:child_process';
import { RETROVUE_COMMAND } from '../helpers/cli';

export interface SyncProcessOptions {
  pmsUrl: string;
  tokenFile: string;
  dataDir: string;
  db: string;
  deep: boolean;
  env: NodeJS.ProcessEnv;
}

export interface SyncProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why the harness killed it: 'planned' kill point, or a limit it ran past; null = not killed. */
  killed: 'planned' | 'too-many-requests' | 'too-slow' | null;
  stdout: string;
  stderr: string;
  /** The parsed JSON summary, when the command printed one. */
  summary: {
    ok: boolean;
    libraries?: Array<{
      status: string;
      libraryTitle: string;
      errorMessage: string | null;
      resumedFromRunId?: number | null;
    }>;
    error?: { code: string; message: string };
  } | null;
  durationMs: number;
}

export interface RunningSync {
  /** Kills the child (SIGKILL) and records why. */
  kill(reason: NonNullable<SyncProcessResult['killed']>): void;
  done: Promise<SyncProcessResult>;
}

export function startSync(o: SyncProcessOptions, maxMs: number): RunningSync {
  const [node, ...cli] = RETROVUE_COMMAND;
  const args = [
    ...cli,
    '--data-dir',
    o.dataDir,
    '--db',
    o.db,
    '--json',
    'sync',
    '--server-url',
    o.pmsUrl,
    '--token-file',
    o.tokenFile,
    ...(o.deep ? ['--deep'] : []),
  ];
  const started = Date.now();
  const child = spawn(node, args, { env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killed: SyncProcessResult['killed'] = null;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const kill = (reason: NonNullable<SyncProcessResult['killed']>) => {
    if (killed || child.exitCode !== null || child.signalCode !== null) return;
    killed = reason;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(() => kill('too-slow'), maxMs);
  const done = new Promise<SyncProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let summary: SyncProcessResult['summary'] = null;
      try {
        summary = JSON.parse(stdout) as SyncProcessResult['summary'];
      } catch {
        summary = null;
      }
      resolve({
        code,
        signal,
        killed: signal === 'SIGKILL' ? (killed ?? 'planned') : null,
        stdout,
        stderr,
        summary,
        durationMs: Date.now() - started,
      });
    });
  });
  return { kill, done };
}
