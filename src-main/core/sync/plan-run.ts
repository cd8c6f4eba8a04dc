// What a library run does, decided before any of it is done: nothing (Plex says the library has
// not changed), continue the run that ended early, or start a new listing chain. Pure: the stored
// state, Plex's section stamps and the options go in, the plan comes out (unit-tested on its own).
import type { SyncKind } from '../../../src-shared/domain';
import type { CheckpointState, ListingPhase } from '../store/checkpoint';

/** Plex's section stamps: they move when the library changes (not for every edit, see listingMaxAgeMs). */
export interface SectionStamps {
  updatedAt: number | null;
  contentChangedAt: string | null;
}

export interface PlanInput {
  /** What was asked for: `full` lists everything, `deep` also fetches every item's details again. */
  requestedKind: SyncKind;
  /** The library's last run when it did not finish, with its checkpoint (null: not readable). */
  previous: { id: number; kind: SyncKind; checkpoint: CheckpointState | null } | undefined;
  /** The library's section as Plex lists it now; undefined: it is gone from the server. */
  section: Partial<SectionStamps> | undefined;
  /** What the library's last good run stored. */
  library: {
    lastGoodSyncAt: number | null;
    syncedPlexUpdatedAt: number | null;
    syncedContentChangedAt: string | null;
  };
  /** Plex leaves its section stamps alone for some edits: past this age the library is listed anyway. */
  listingMaxAgeMs: number;
  /**
   * Items left unread by an earlier run (an error row, or a stored item whose new data could not be
   * had): the library is listed, from the start, so they are fetched again.
   */
  itemsToRetry: boolean;
  now: number;
  /** The library type's first listing phase. */
  firstPhase: ListingPhase;
}

export type RunPlan =
  | { action: 'skip'; kind: SyncKind }
  | {
      action: 'sync';
      kind: SyncKind;
      /** The run this one continues (its kind is kept), even when its listing must start over. */
      resumedFromRunId: number | null;
      /**
       * Where the run starts. `chainRunId` null: a new listing chain, keyed by the new run's id
       * (its seen keys start empty); else the chain of the run it continues, from where it was.
       */
      checkpoint: Omit<CheckpointState, 'chainRunId'> & { chainRunId: number | null };
    };

export function planRun(input: PlanInput): RunPlan {
  const { previous, requestedKind, library } = input;
  const baseline: SectionStamps = {
    updatedAt: input.section?.updatedAt ?? null,
    contentChangedAt: input.section?.contentChangedAt ?? null,
  };
  // A run that ended early is continued, unless more was asked for than it was doing.
  const continued =
    previous?.checkpoint &&
    !(requestedKind === 'deep' && previous.kind !== 'deep') &&
    !(requestedKind === 'full' && previous.kind === 'incremental')
      ? { id: previous.id, kind: previous.kind, checkpoint: previous.checkpoint }
      : null;
  const kind = continued ? continued.kind : requestedKind;

  const unchanged =
    !continued &&
    !input.itemsToRetry &&
    kind === 'incremental' &&
    input.section !== undefined &&
    library.lastGoodSyncAt !== null &&
    input.now - library.lastGoodSyncAt < input.listingMaxAgeMs &&
    library.syncedPlexUpdatedAt === baseline.updatedAt &&
    library.syncedContentChangedAt === baseline.contentChangedAt;
  if (unchanged) return { action: 'skip', kind };

  // Its listing goes on only while the library is as it was when that listing started.
  const from =
    continued &&
    !input.itemsToRetry &&
    continued.checkpoint.baseline.updatedAt === baseline.updatedAt &&
    continued.checkpoint.baseline.contentChangedAt === baseline.contentChangedAt
      ? continued.checkpoint
      : null;
  return {
    action: 'sync',
    kind,
    resumedFromRunId: continued ? continued.id : null,
    checkpoint: from
      ? {
          chainRunId: from.chainRunId,
          phase: from.phase,
          offset: from.offset,
          baseline: from.baseline,
          complete: from.complete,
          flawed: from.flawed,
        }
      : { chainRunId: null, phase: input.firstPhase, offset: 0, baseline, complete: false, flawed: false },
  };
}
