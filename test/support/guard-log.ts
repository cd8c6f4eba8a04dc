// Reading and configuring the loopback guard (network-guard.cjs) from tests and scripts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GUARD_LOG_ENV = 'RETROVUE_NET_GUARD_LOG';
/** When set, the guard also lists every allowed (loopback) connection and datagram there. */
export const GUARD_ALLOWED_LOG_ENV = 'RETROVUE_NET_GUARD_ALLOWED_LOG';
/** The test file a process works for; child processes inherit it, so their attempts are attributed too. */
export const GUARD_SOURCE_ENV = 'RETROVUE_NET_GUARD_SOURCE';
export const GUARD_PRELOAD = join(__dirname, 'network-guard.cjs');

/** One refused attempt, as the guard appends it. */
export interface GuardEntry {
  at: string;
  pid: number;
  script: string | null;
  testFile: string | null;
  kind: string;
  target: string;
  reason: string;
  stack: string[];
}

export function readGuardLog(file: string): GuardEntry[] {
  return readJsonLines<GuardEntry>(file);
}

export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** NODE_OPTIONS with the guard preloaded (once), keeping whatever was there. */
export function withGuardPreload(nodeOptions: string | undefined): string {
  // Quoted: NODE_OPTIONS splits on spaces, and a checkout path may have some.
  const flag = `--require=${JSON.stringify(GUARD_PRELOAD)}`;
  const current = nodeOptions ?? '';
  return current.includes(flag) ? current : `${current} ${flag}`.trim();
}

/** The environment that puts a process (and everything it starts) under the guard, logging to `file`. */
export function guardedEnv(file: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, [GUARD_LOG_ENV]: file, NODE_OPTIONS: withGuardPreload(env.NODE_OPTIONS) };
}

export function describeEntries(entries: GuardEntry[]): string {
  return entries
    .map(
      (e) =>
        `  ${e.kind} ${e.target} (${e.reason}) from ${e.testFile ?? e.script ?? `pid ${e.pid}`}` +
        (e.stack[0] ? `\n      ${e.stack.slice(0, 3).join('\n      ')}` : ''),
    )
    .join('\n');
}
