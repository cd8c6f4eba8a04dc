// Sync errors: the list, marking them resolved, and retrying the library one belongs to.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { UserError } from '../errors/errors';
import { recordAudit } from '../store/repositories/audit-repository';
import {
  countErrorRetry,
  getSyncError,
  pageSyncErrors,
  resolveErrorsById,
} from '../store/repositories/error-repository';
import { NotFoundError, type ApiContext } from './context';
import { errorView } from './views';

type ErrorHandlers = Pick<ApiHandlers, 'errors:list' | 'errors:resolve' | 'errors:retry'>;

export function errorHandlers(
  ctx: Pick<ApiContext, 'actor'> & {
    store: Pick<ApiContext['store'], 'db'>;
    sync: Pick<ApiContext['sync'], 'requestSync'>;
  },
): ErrorHandlers {
  const db = ctx.store.db;
  return {
    'errors:list': ({ includeResolved, ...filter }) => {
      const page = pageSyncErrors(db, { ...filter, unresolvedOnly: !includeResolved });
      return { rows: page.rows.map((r) => errorView(r.error, r)), total: page.total };
    },
    'errors:resolve': ({ ids }) => {
      const resolved = resolveErrorsById(db, ids);
      recordAudit(db, { actor: ctx.actor, action: 'errors_resolved', details: { ids, resolved } });
      return { resolved };
    },
    'errors:retry': ({ id }) => {
      const error = getSyncError(db, id);
      if (!error) throw new NotFoundError(`error ${id}`);
      if (error.libraryId === null)
        throw new UserError('this error is not tied to a library; nothing to retry', 'NOTHING_TO_RETRY');
      countErrorRetry(db, id);
      const queue = ctx.sync.requestSync({
        libraryIds: [error.libraryId],
        kind: 'incremental',
        trigger: 'manual',
        jump: true,
      });
      recordAudit(db, {
        actor: ctx.actor,
        action: 'error_retried',
        details: { errorId: id, libraryId: error.libraryId },
      });
      return queue;
    },
  };
}
