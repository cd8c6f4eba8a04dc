// sync_runs (with their resume checkpoints) and the libraries' last-run stamps.
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { RunStatus, RunTrigger, SyncKind } from '../../../../src-shared/domain';
import type { SyncCounts } from '../../../../src-shared/sync-types';
import { redact } from '../../logging/redact';
import type { Db } from '../database';
import { libraries, syncRuns } from '../schema';

export type RunRow = typeof syncRuns.$inferSelect;

export interface CreateRunInput {
  serverId: number;
  libraryId: number;
  kind: SyncKind;
  trigger: RunTrigger;
  status: RunStatus;
  checkpointJson?: string | null;
  resumedFromRunId?: number | null;
  phase?: string | null;
}

export function createRun(db: Db, input: CreateRunInput): RunRow {
  const now = Date.now();
  return db
    .insert(syncRuns)
    .values({
      serverId: input.serverId,
      libraryId: input.libraryId,
      kind: input.kind,
      trigger: input.trigger,
      status: input.status,
      phase: input.phase ?? null,
      checkpointJson: input.checkpointJson ?? null,
      resumedFromRunId: input.resumedFromRunId ?? null,
      startedAt: now,
      heartbeatAt: now,
    })
    .returning()
    .get();
}

/** The newest run of a library that ended without finishing (or is still marked running). */
export function latestUnfinishedRun(db: Db, libraryId: number): RunRow | undefined {
  const latest = db
    .select()
    .from(syncRuns)
    .where(eq(syncRuns.libraryId, libraryId))
    .orderBy(desc(syncRuns.id))
    .limit(1)
    .get();
  if (!latest) return undefined;
  return ['running', 'interrupted', 'failed'].includes(latest.status) ? latest : undefined;
}

export interface RunProgressUpdate extends Partial<SyncCounts> {
  phase?: string;
  checkpointJson?: string;
  itemsDone?: number;
  itemsTotal?: number;
}

export function updateRun(db: Db, id: number, update: RunProgressUpdate): void {
  const { rowsWritten: _rowsWritten, ...rest } = update;
  db.update(syncRuns)
    .set({ ...rest, heartbeatAt: Date.now() })
    .where(eq(syncRuns.id, id))
    .run();
}

export function finishRun(
  db: Db,
  id: number,
  status: RunStatus,
  counts: Partial<SyncCounts>,
  errorMessage: string | null,
  keepCheckpoint: boolean,
): void {
  const { rowsWritten: _rowsWritten, ...rest } = counts;
  db.update(syncRuns)
    .set({
      ...rest,
      status,
      errorMessage: errorMessage ? redact(errorMessage) : null,
      finishedAt: Date.now(),
      heartbeatAt: Date.now(),
      ...(keepCheckpoint ? {} : { checkpointJson: null }),
    })
    .where(eq(syncRuns.id, id))
    .run();
}

/** Runs left `running` by a process that is gone become `interrupted`. */
export function markRunsInterrupted(db: Db, ids: number[]): void {
  if (ids.length === 0) return;
  db.update(syncRuns)
    .set({ status: 'interrupted', finishedAt: Date.now() })
    .where(and(inArray(syncRuns.id, ids), eq(syncRuns.status, 'running')))
    .run();
}

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
