#!/usr/bin/env node
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigStore } from '../core/config/config-store';
import { describeError, RetroVueError } from '../core/errors/errors';
import { configureLogging, getLogger, setConsoleLevel } from '../core/logging/logger';
import { cliContext, type CliContext, type GlobalOptions } from './context';
import { reportFatal } from './output';
import { COMMANDS } from './commands';

const log = getLogger('cli');

/**
 * The file log in the data folder at the configured level; the console shows warnings on stderr
 * only, so stdout carries nothing but the command's output (`--json` stays parseable).
 */
function startLogging(opts: GlobalOptions): void {
  const dataDir = cliContext(opts).dataDir;
  // Commands that use the configuration read it again and report its problems themselves.
  setConsoleLevel(false);
  const config = ConfigStore.open({ dataDir }).config;
  configureLogging({
    dir: join(dataDir, 'logs'),
    level: config.log_level,
    maxFileMb: config.log_max_file_mb,
    maxFiles: config.log_max_files,
    consoleLevel: 'warn',
  });
}

/** "servers add", not just "add". */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export function buildProgram(): Command {
  const program = new Command('retrovue')
    .description('RetroVue Plex Sync: a faithful local copy of your Plex libraries')
    .option('--db <path>', 'database file (default: retrovue.db in the data folder)')
    .option('--data-dir <path>', 'data folder (default: RETROVUE_DATA_DIR or the app folder)')
    .option('--json', 'machine-readable output', false)
    .showHelpAfterError()
    .exitOverride();
  const ctx = (): CliContext => cliContext(program.opts<GlobalOptions>());
  for (const register of COMMANDS) register(program, ctx);
  let startedAt = 0;
  program.hook('preAction', (_program, action) => {
    startLogging(program.opts<GlobalOptions>());
    startedAt = Date.now();
    // Option values go through redaction like every log field: a --token is never written.
    log.info('command started', { command: commandPath(action), options: action.opts(), pid: process.pid });
  });
  program.hook('postAction', (_program, action) => {
    const exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0;
    log.info('command finished', {
      command: commandPath(action),
      exitCode,
      durationMs: Date.now() - startedAt,
    });
  });
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    // To the file only: reportFatal prints the one line a person sees.
    setConsoleLevel(false);
    log.error('command failed', {
      error: describeError(err),
      code: err instanceof RetroVueError ? err.code : 'INTERNAL',
    });
    return reportFatal(err, Boolean(program.opts<GlobalOptions>().json));
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
