// The one owner of a run's row in sync_runs and of its resume checkpoint: a run is created, each
// committed page and each phase it enters is written down, and it is finished (succeeded, failed,
// cancelled, interrupted, skipped) here and nowhere else. Callers wrap the calls in the transaction
// of the work they record, so a kill leaves a row and a checkpoint that agree with the items.
import type Database from 'better-sqlite3';
import { desc, eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { RunStatus, RunTrigger, SyncKind } from '../../../src-shared/domain';
import type { SyncCounts } from '../../../src-shared/sync-types';
import { redact } from '../logging/redact';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint, type CheckpointState } from './checkpoint';
import type * as schema from './schema';
import { syncRuns } from './schema';

// database.ts opens the store and recovers dead runs through this module: its Db type is named
// here, not imported, so the two do not import each other.
type Db = BetterSQLite3Database<typeof schema>;
type RunRow = typeof syncRuns.$inferSelect;

export interface RunIdentity {
  serverId: number;
  libraryId: number;
  kind: SyncKind;
  trigger: RunTrigger;
}

/** A run of the library that ended without finishing: what a new run may continue. */
export interface PreviousRun {
  id: number;
  kind: SyncKind;
  checkpoint: Checkpoint | null;
}

/** Counts a run keeps on its row while it goes (rowsWritten is the metrics' business). */
export type RunRowCounts = Partial<
  Omit<SyncCounts, 'rowsWritten'> & { itemsDone: number; itemsTotal: number }
>;

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

/** Marks a run left `running` by a process that is gone `interrupted`; false if it was not running. */
export function markRunInterrupted(sqlite: Database.Database, runId: number): boolean {
  return (
    sqlite
      .prepare(
        `update sync_runs set status = 'interrupted', finished_at = ? where id = ? and status = 'running'`,
      )
      .run(Date.now(), runId).changes > 0
  );
}

/**
 * The library's last run when it did not finish, with its checkpoint. The caller holds the
 * library's lock, so one still marked `running` has no live process behind it: it becomes
 * `interrupted` here.
 */
export function takeOverUnfinishedRun(
  db: Db,
  sqlite: Database.Database,
  libraryId: number,
): PreviousRun | undefined {
  const previous = latestUnfinishedRun(db, libraryId);
  if (!previous) return undefined;
  if (previous.status === 'running') markRunInterrupted(sqlite, previous.id);
  return { id: previous.id, kind: previous.kind, checkpoint: decodeCheckpoint(previous.checkpointJson) };
}

function insertRun(db: Db, run: RunIdentity, status: RunStatus, resumedFromRunId: number | null): number {
  const now = Date.now();
  return db
    .insert(syncRuns)
    .values({ ...run, status, resumedFromRunId, startedAt: now, heartbeatAt: now })
    .returning({ id: syncRuns.id })
    .get().id;
}

/** A run that found nothing to do: created and finished at once. Returns its id. */
export function recordSkippedRun(db: Db, run: RunIdentity): number {
  const id = insertRun(db, run, 'skipped', null);
  const now = Date.now();
  db.update(syncRuns)
    .set({ status: 'skipped', finishedAt: now, heartbeatAt: now })
    .where(eq(syncRuns.id, id))
    .run();
  return id;
}

export interface FinishInput {
  status: RunStatus;
  counts: RunRowCounts;
  errorMessage: string | null;
  /** Keep the checkpoint, so the next run continues from it (a run that ended early). */
  keepCheckpoint: boolean;
}

/** The row and checkpoint of one running run. */
export class RunJournal {
  private constructor(
    private readonly db: Db,
    readonly runId: number,
  ) {}

  /**
   * Creates the run's row and stores its first checkpoint. `start` names the chain it continues,
   * or null for a new chain, whose sync_seen rows are keyed by this run.
   */
  static begin(
    db: Db,
    run: RunIdentity & { resumedFromRunId: number | null },
    start: (runId: number) => CheckpointState,
  ): { journal: RunJournal; checkpoint: CheckpointState } {
    const { resumedFromRunId, ...identity } = run;
    const journal = new RunJournal(db, insertRun(db, identity, 'running', resumedFromRunId));
    const checkpoint = start(journal.runId);
    journal.write({ phase: checkpoint.phase, checkpointJson: encodeCheckpoint(checkpoint) });
    return { journal, checkpoint };
  }

  /** A page was committed: where the listing goes on, and the counts so far. */
  pageCommitted(checkpoint: CheckpointState, counts: RunRowCounts): void {
    this.write({ ...counts, phase: checkpoint.phase, checkpointJson: encodeCheckpoint(checkpoint) });
  }

  /** The run enters the phase `checkpoint` names (a listing phase ended, or deletions were decided). */
  nextPhase(checkpoint: CheckpointState, counts: RunRowCounts = {}): void {
    this.write({ ...counts, phase: checkpoint.phase, checkpointJson: encodeCheckpoint(checkpoint) });
  }

  /** The listing turned out flawed (it drifted): recorded at once, so a run resumed after a kill is too. */
  listingFlawed(checkpoint: CheckpointState): void {
    this.write({ phase: checkpoint.phase, checkpointJson: encodeCheckpoint(checkpoint) });
  }

  finish(input: FinishInput): void {
    const now = Date.now();
    this.db
      .update(syncRuns)
      .set({
        ...countColumns(input.counts),
        status: input.status,
        errorMessage: input.errorMessage ? redact(input.errorMessage) : null,
        finishedAt: now,
        heartbeatAt: now,
        ...(input.keepCheckpoint ? {} : { checkpointJson: null }),
      })
      .where(eq(syncRuns.id, this.runId))
      .run();
  }

  private write(update: RunRowCounts & { phase: string; checkpointJson: string }): void {
    const { phase, checkpointJson } = update;
    this.db
      .update(syncRuns)
      .set({ ...countColumns(update), phase, checkpointJson, heartbeatAt: Date.now() })
      .where(eq(syncRuns.id, this.runId))
      .run();
  }
}

const COUNT_COLUMNS = [
  'added',
  'updated',
  'removed',
  'unchanged',
  'errors',
  'apiCalls',
  'itemsDone',
  'itemsTotal',
] as const;

/** The counts the row has columns for, of whatever the run hands over. */
function countColumns(counts: RunRowCounts): RunRowCounts {
  const out: RunRowCounts = {};
  for (const c of COUNT_COLUMNS) if (counts[c] !== undefined) out[c] = counts[c];
  return out;
}
