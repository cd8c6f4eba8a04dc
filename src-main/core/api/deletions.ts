// Held mass deletions (issue 12): the user confirms them (exactly the held items are removed) or
// keeps the items. The desktop app and web mode call these; the CLI has `sync --confirm-deletions`.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { recordAudit } from '../store/repositories/audit-repository';
import { confirmHeldDeletions, keepHeldItems } from '../sync/mass-deletion';
import type { ApiContext } from './context';
import { requireLibraries } from './libraries';

type DeletionHandlers = Pick<ApiHandlers, 'deletions:confirm' | 'deletions:keep'>;

export function deletionHandlers(ctx: Pick<ApiContext, 'store' | 'actor'>): DeletionHandlers {
  const db = ctx.store.db;
  return {
    'deletions:confirm': ({ libraryId, heldAt }) => {
      requireLibraries(db, [libraryId]);
      const removed = confirmHeldDeletions(ctx.store, libraryId, heldAt);
      recordAudit(db, { actor: ctx.actor, action: 'deletions_confirmed', details: { libraryId, removed } });
      return { removed };
    },
    'deletions:keep': ({ libraryId, heldAt }) => {
      requireLibraries(db, [libraryId]);
      const kept = keepHeldItems(ctx.store, libraryId, heldAt);
      recordAudit(db, { actor: ctx.actor, action: 'deletions_kept', details: { libraryId, kept } });
      return { kept };
    },
  };
}
