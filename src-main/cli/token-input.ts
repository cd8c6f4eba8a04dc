// Where a command line takes a Plex token from. `--token` works but is visible to every local user
// in `ps`; a file, standard input or the PLEX_TOKEN variable keep it out of the process list.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UserError } from '../core/errors/errors';

export const TOKEN_ENV = 'PLEX_TOKEN';

export interface TokenFlags {
  token?: string;
  tokenFile?: string;
  tokenStdin?: boolean;
}

export function addTokenOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--token <token>',
        `Plex token (visible to other users in \`ps\`: prefer --token-file, --token-stdin or ${TOKEN_ENV})`,
      ),
    )
    .option('--token-file <path>', 'read the Plex token from this file (first line)')
    .option('--token-stdin', 'read the Plex token from standard input (first line)');
}

function firstLine(text: string, from: string): string {
  const token = text.split(/\r?\n/, 1)[0]!.trim();
  if (!token) throw new UserError(`no Plex token in ${from}`);
  return token;
}

/** The token from the first source given: --token, --token-file, --token-stdin, then PLEX_TOKEN. */
export function readToken(flags: TokenFlags, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = [flags.token !== undefined, flags.tokenFile !== undefined, flags.tokenStdin === true];
  if (given.filter(Boolean).length > 1)
    throw new UserError('give the Plex token one way: --token, --token-file or --token-stdin');
  if (flags.token !== undefined) return firstLine(flags.token, '--token');
  if (flags.tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.tokenFile, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the token file ${flags.tokenFile}: ${(err as Error).message}`);
    }
    return firstLine(text, flags.tokenFile);
  }
  if (flags.tokenStdin) {
    if (process.stdin.isTTY)
      throw new UserError('--token-stdin needs the token piped in (echo TOKEN | retrovue …)');
    return firstLine(readFileSync(0, 'utf8'), 'standard input');
  }
  const fromEnv = env[TOKEN_ENV];
  return fromEnv ? firstLine(fromEnv, TOKEN_ENV) : undefined;
}

export const TOKEN_SOURCES = `--token-file, --token-stdin, ${TOKEN_ENV} or --token`;
