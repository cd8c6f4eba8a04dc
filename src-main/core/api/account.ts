// The Plex account and the browser sign-in.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { accountView } from '../account/account-service';
import type { ApiContext } from './context';

type AccountHandlers = Pick<
  ApiHandlers,
  'account:get' | 'account:logout' | 'login:start' | 'login:cancel' | 'login:status'
>;

export function accountHandlers(ctx: Pick<ApiContext, 'account' | 'login'>): AccountHandlers {
  return {
    'account:get': () => {
      const a = ctx.account.current();
      return a ? accountView(a) : null;
    },
    'account:logout': async () => {
      // The account service records login and logout in the audit log, whoever triggers them.
      ctx.login.cancel();
      await ctx.account.logout();
    },
    'login:start': () => ctx.login.start(),
    'login:cancel': () => ctx.login.cancel(),
    'login:status': () => ctx.login.status(),
  };
}
