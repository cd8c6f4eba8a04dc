// The libraries' last-run stamps. A run's own row in sync_runs is the run journal's
// (../run-journal.ts) alone.
import { eq } from 'drizzle-orm';
import type { RunStatus } from '../../../../src-shared/domain';
import type { Db } from '../database';
import { libraries } from '../schema';

export interface LibraryRunOutcome {
  status: RunStatus;
  good: boolean;
  /**
   * The run left work for the next one although Plex's stamps may not move again (items whose
   * details failed, a listing that could not decide deletions): forget the baseline so it lists.
   */
  forgetBaseline?: boolean;
  baseline?: { updatedAt: number | null; contentChangedAt: string | null };
  deep?: boolean;
}

/** Stamps a library with its last run; a good run also stores the change-detection baseline. */
export function recordLibraryRun(db: Db, libraryId: number, outcome: LibraryRunOutcome): void {
  const now = Date.now();
  db.update(libraries)
    .set({
      lastSyncAt: now,
      lastSyncStatus: outcome.status,
      ...(outcome.good
        ? {
            lastGoodSyncAt: now,
            syncedPlexUpdatedAt: outcome.baseline?.updatedAt ?? null,
            syncedContentChangedAt: outcome.baseline?.contentChangedAt ?? null,
            ...(outcome.deep ? { lastDeepScanAt: now } : {}),
          }
        : outcome.forgetBaseline
          ? { syncedPlexUpdatedAt: null, syncedContentChangedAt: null }
          : {}),
      modifiedAt: now,
    })
    .where(eq(libraries.id, libraryId))
    .run();
}
