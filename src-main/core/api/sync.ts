// Syncing: start, cancel, pause, resume, the queue, and the schedules that start runs.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { UserError } from '../errors/errors';
import { recordAudit } from '../store/repositories/audit-repository';
import { undoRun } from '../store/repositories/history-repository';
import { listLibraries } from '../store/repositories/library-repository';
import type { ApiContext } from './context';
import { requireLibraries } from './libraries';

type SyncHandlers = Pick<
  ApiHandlers,
  | 'sync:start'
  | 'sync:cancel'
  | 'sync:pause'
  | 'sync:resume'
  | 'sync:queue'
  | 'schedules:list'
  | 'schedules:update'
  | 'schedules:describe'
  | 'runs:undo'
>;

export function syncHandlers(ctx: Pick<ApiContext, 'sync' | 'actor' | 'store'>): SyncHandlers {
  const db = ctx.store.db;
  return {
    'sync:start': ({ libraryIds, kind }) => {
      let ids = libraryIds;
      if (ids === undefined)
        ids = listLibraries(db)
          .filter((l) => l.selected)
          .map((l) => l.id);
      else requireLibraries(db, ids);
      if (ids.length === 0) throw new UserError('no library is selected for syncing', 'NOTHING_SELECTED');
      const queue = ctx.sync.requestSync({ libraryIds: ids, kind, trigger: 'manual', jump: true });
      recordAudit(db, { actor: ctx.actor, action: 'manual_sync', details: { libraryIds: ids, kind } });
      return queue;
    },
    'sync:cancel': ({ libraryId }) => ctx.sync.cancel(libraryId),
    'runs:undo': ({ runId, dryRun }) => {
      const report = undoRun(ctx.store, runId, { dryRun });
      if (!dryRun)
        recordAudit(db, {
          actor: ctx.actor,
          action: 'undo_run',
          details: { runId, restored: report.restored.length, kept: report.skipped.length },
        });
      return {
        runId,
        dryRun,
        restored: report.restored.length,
        kept: report.skipped.length,
        titles: [...new Set(report.restored.map((r) => r.title ?? `${r.kind} ${r.itemId}`))].slice(0, 20),
      };
    },
    'sync:pause': () => ctx.sync.pause(),
    'sync:resume': () => ctx.sync.resume(),
    'sync:queue': () => ctx.sync.queue(),

    'schedules:list': () => ctx.sync.schedules.list(),
    'schedules:update': ({ id, cron, enabled }) => {
      const patch = {
        ...(cron !== undefined ? { cron } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
      };
      return ctx.sync.schedules.update(id, patch);
    },
    'schedules:describe': ({ cron }) => ctx.sync.schedules.describe(cron),
  };
}
