import type { Command } from 'commander';
import type { CliContext } from '../context';
import { emit } from '../output';

export function registerLogout(program: Command, ctx: () => CliContext): void {
  program
    .command('logout')
    .description('forget the Plex account and its tokens (synced data stays)')
    .action(async () => {
      const c = ctx();
      const core = c.services();
      try {
        const { accounts } = core.account;
        const account = accounts.current();
        const signedOut = await accounts.logout();
        emit(c, { ok: true, signedOut, username: account?.username ?? null }, (v) =>
          v.signedOut ? `signed out ${v.username}; synced libraries are kept` : 'not signed in',
        );
      } finally {
        core.close();
      }
    });
}
