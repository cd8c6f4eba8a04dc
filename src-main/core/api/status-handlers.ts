// What the UI needs to tell the truth at a glance: each library's status line, recent changes, a
// path re-check after a mapping is saved, whether a folder exists here, and schedule details.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import type { ApiContext } from './context';
import { folderExists, recheckPaths } from './path-recheck';
import { scheduleExtras } from './schedule-extras';
import { libraryStatusView, recentChanges } from './status-view';

type StatusHandlers = Pick<
  ApiHandlers,
  'status:libraries' | 'status:recentChanges' | 'paths:recheck' | 'paths:folderExists' | 'schedules:extras'
>;

export function statusHandlers(ctx: Pick<ApiContext, 'store' | 'config'>): StatusHandlers {
  const db = ctx.store.db;
  return {
    'status:libraries': () => libraryStatusView(db),
    'status:recentChanges': () => recentChanges(db),
    'paths:recheck': () => recheckPaths(ctx.store, ctx.config.config.path_replacements),
    'paths:folderExists': ({ path }) => folderExists(path),
    'schedules:extras': () => scheduleExtras(db),
  };
}
