import type { Command } from 'commander';
import type { PinLoginEvent } from '../../core/account/pin-login';
import { CancelledError } from '../../core/errors/errors';
import type { CliContext } from '../context';
import { emit } from '../output';
import { withInterrupt } from '../interrupt';
import { announcePin } from '../pin-prompt';
import { renderServers, serverViews } from './servers';

function announce(json: boolean, e: PinLoginEvent): void {
  if (e.state === 'waiting') {
    announcePin(json, e.pin);
  } else if (e.state === 'expired') {
    // stdout carries the single result document; progress goes to stderr.
    if (json) process.stderr.write(`${JSON.stringify({ event: e.state })}\n`);
    else process.stdout.write(e.renewing ? 'The code expired; here is a new one.\n' : 'The code expired.\n');
  }
}

export function registerLogin(program: Command, ctx: () => CliContext): void {
  program
    .command('login')
    .description('sign in to Plex in the browser (PIN login), store the token and find your servers')
    .option('--force', 'sign in again even when the stored token still works', false)
    .option('--no-discover', 'do not look for servers after signing in')
    .option('--no-gdm', 'skip local network discovery (GDM)')
    .action(async (opts: { force: boolean; discover: boolean; gdm: boolean }) => {
      const c = ctx();
      const core = c.services();
      try {
        const { accounts } = core.account;
        const current = accounts.current();
        if (current && !opts.force && (await accounts.validate(current.id)) === 'ok') {
          emit(
            c,
            { ok: true, alreadySignedIn: true, account: accounts.current() },
            (v) => `already signed in as ${v.account?.username ?? '?'} (use --force to sign in again)`,
          );
          return;
        }
        const outcome = await withInterrupt(async (signal) => {
          try {
            const account = await accounts.login({ signal, onEvent: (e) => announce(c.json, e) });
            const discovery = opts.discover ? await core.servers.discover({ signal, gdm: opts.gdm }) : null;
            return { account, discovery };
          } catch (err) {
            if (err instanceof CancelledError) return null;
            throw err;
          }
        });
        if (!outcome) {
          process.stderr.write('retrovue: login cancelled\n');
          process.exitCode = 130;
          return;
        }
        const servers = serverViews(core.store.db);
        emit(
          c,
          { ok: true, account: outcome.account, servers, problems: outcome.discovery?.problems ?? [] },
          (v) =>
            [
              `signed in as ${v.account.username}${core.vault.isEncrypted ? '' : ' (token kept in a file only you can read)'}`,
              ...(opts.discover ? ['', renderServers(v.servers, v.problems)] : []),
            ].join('\n'),
        );
      } finally {
        core.close();
      }
    });
}
