// The app itself: what it is, its folders, its health and its statistics.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import type { ApiContext } from './context';
import { statsView } from './stats-view';

type AppHandlers = Pick<ApiHandlers, 'app:info' | 'app:openPath' | 'health:get' | 'stats:get'>;

export function appHandlers(
  ctx: Pick<ApiContext, 'info' | 'openPath' | 'sync'> & { store: Pick<ApiContext['store'], 'db'> },
): AppHandlers {
  return {
    'app:info': () => ctx.info,
    'app:openPath': async ({ which }) => {
      await ctx.openPath(which === 'logs' ? ctx.info.logDir : ctx.info.dataDir);
    },
    'health:get': () => ctx.sync.health(),
    'stats:get': ({ since }) => statsView(ctx.store.db, since),
  };
}
