#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { cliContext, type CliContext, type GlobalOptions } from './context';
import { reportFatal } from './output';
import { COMMANDS } from './commands';

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
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    return reportFatal(err, Boolean(program.opts<GlobalOptions>().json));
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
