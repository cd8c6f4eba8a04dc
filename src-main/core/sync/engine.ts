// The sync engine: runs of whole servers and single libraries, with change detection at the
// library level (one /library/sections request tells which libraries moved), resume of killed
// runs from their checkpoint, deletion detection after a complete listing, metrics. A run ends when
// the items are stored: artwork is the artwork queue's (src-main/core/artwork), never a sync's.
import pLimit from 'p-limit';
import type { Config } from '../../../src-shared/config-schema';
import type { ItemKind, LibraryType, RunStatus, RunTrigger, SyncKind } from '../../../src-shared/domain';
import type { LibrarySyncResult, RetryWait, SyncProgress } from '../../../src-shared/sync-types';
import {
  CancelledError,
  describeError,
  PlexAuthError,
  PlexNotFoundError,
  UserError,
  PAUSE,
} from '../errors/errors';
import type { ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import {
  getLibrary,
  listLibraries,
  upsertLibraries,
  type LibraryRow,
  type PlexSection,
} from '../store/repositories/library-repository';
import { recordSyncError, resolveAfterSuccessfulRun } from '../store/repositories/error-repository';
import { MediaWriter } from '../store/repositories/media-writer';
import { ItemWriter } from '../media/item-writer';
import { recordLibraryRun } from '../store/repositories/run-repository';
import { recordSkippedRun, RunJournal, takeOverUnfinishedRun, type RunIdentity } from '../store/run-journal';
import { getServer, type ServerRow } from '../store/repositories/server-repository';
import { libraryHasItemsToRetry } from '../store/repositories/items-to-retry';
import { recordMetric } from '../metrics/metrics-writer';
import type { CheckpointPhase, CheckpointState } from '../store/checkpoint';
import {
  createDetailLimit,
  DETAIL_FAILURES_TO_FAIL,
  DetailsFailedError,
  runListingPhase,
  type LibraryRunContext,
  type RunCounters,
} from './library-run';
import { limitHeapGrowth } from './heap-tuning';
import { decideDeletions } from './mass-deletion';
import { LibraryBusyError, tryLockLibrary, waitForLibraryLock } from '../store/library-lock';
import { MOVIE_PHASES } from './movie-sync';
import { syncCurations } from './curation-sync';
import { createPathMapper } from '../media/path-mapping';
import type { PhaseSpec } from './phase';
import { RunProgress } from './progress';
import { fetchSections } from './sections';
import { planRun, type RunPlan } from './plan-run';
import { SHOW_PHASES } from './show-sync';

export { fetchSections } from './sections';

export type SyncEngineConfig = Pick<
  Config,
  | 'batch_size'
  | 'detail_batch_size'
  | 'detail_concurrency'
  | 'path_replacements'
  | 'concurrent_scans'
  | 'mass_delete_threshold'
  | 'listing_max_age_minutes'
>;

export interface SyncEngineOptions {
  store: Store;
  config: SyncEngineConfig;
  /** The client for a server (the caller picks the connection and the token). */
  clientFor: (server: ServerRow) => ServerClient;
}

export interface SyncOptions {
  kind?: SyncKind;
  trigger?: RunTrigger;
  /** Abort to stop; `signal.reason === 'pause'` leaves the run `interrupted` (resumed next time), else `cancelled`. */
  signal?: AbortSignal;
  /** Another process syncing the library: wait for it instead of failing with LibraryBusyError. */
  wait?: boolean;
  onProgress?: (p: SyncProgress) => void;
  /** The client's retry waits, shown in the run's progress ("waiting 8 s after a server error"). */
  retryWaits?: (listener: (wait: RetryWait) => void) => () => void;
  /** Apply deletions even when a listing would remove more than `mass_delete_threshold` of a library. */
  confirmDeletions?: boolean;
}

const PHASES: Record<LibraryType, readonly PhaseSpec[]> = { movie: MOVIE_PHASES, show: SHOW_PHASES };
const KINDS: Record<LibraryType, ItemKind[]> = { movie: ['movie'], show: ['show', 'season', 'episode'] };

/** Libraries syncing in this process (a second engine in the same process must not start them). */
const activeLibraries = new Set<number>();

function abortStatus(signal: AbortSignal | undefined): RunStatus {
  const r: unknown = signal?.reason;
  const text = r instanceof Error ? r.message : typeof r === 'string' ? r : '';
  return text === PAUSE ? 'interrupted' : 'cancelled';
}

export class SyncEngine {
  private readonly store: Store;

  constructor(private readonly options: SyncEngineOptions) {
    this.store = options.store;
    limitHeapGrowth();
  }

  /**
   * Syncs every selected library of a server; one /library/sections request serves them all (the
   * caller's, when it just asked: `sections`).
   */
  async syncServer(
    serverId: number,
    opts: SyncOptions & { sections?: PlexSection[] } = {},
  ): Promise<LibrarySyncResult[]> {
    const server = getServer(this.store.db, serverId);
    if (!server) throw new UserError(`no server ${serverId}`);
    const client = this.options.clientFor(server).scoped();
    const sections = opts.sections ?? (await fetchSections(client, opts.signal));
    upsertLibraries(this.store.db, server.id, sections);
    // Selected libraries that left the server are run too: they fail with a clear message.
    const selected = listLibraries(this.store.db, server.id).filter((l) => l.selected);
    const limit = pLimit(this.options.config.concurrent_scans);
    // A library that throws (a refused token, a store that broke) stops its siblings, and this
    // returns only once every run has ended: nothing of this sync keeps going after the caller
    // closes the store. The stopped siblings are `interrupted`, resumed next time.
    const siblings = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, siblings.signal]) : siblings.signal;
    const settled = await Promise.allSettled(
      selected.map((lib) =>
        limit(async () => {
          if (siblings.signal.aborted) return null;
          try {
            return await this.runLibrary(
              server,
              lib,
              sections.find((s) => s.key === lib.plexKey),
              {
                ...opts,
                signal,
              },
            );
          } catch (err) {
            siblings.abort(PAUSE);
            throw err;
          }
        }),
      ),
    );
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    const results = settled.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
    // The shared sections request is billed to the first library so the totals add up.
    if (results[0]) results[0].apiCalls += client.stats().apiCalls;
    return results;
  }

  /**
   * Syncs one library: one /library/sections request, then nothing more if Plex says it has not
   * changed. Failures end as a `failed` result (resumable next time), except a refused token:
   * that rejects with PlexAuthError, after the run is recorded, so the caller can ask for a login.
   */
  async syncLibrary(libraryId: number, opts: SyncOptions = {}): Promise<LibrarySyncResult> {
    const library = getLibrary(this.store.db, libraryId);
    if (!library) throw new UserError(`no library ${libraryId}`);
    const server = getServer(this.store.db, library.serverId);
    if (!server) throw new UserError(`library ${libraryId} has no server`);
    const client = this.options.clientFor(server).scoped();
    const sections = await fetchSections(client, opts.signal);
    const rows = upsertLibraries(this.store.db, server.id, sections);
    const section = sections.find((s) => s.key === library.plexKey);
    const fresh = rows.find((r) => r.id === library.id) ?? library;
    const result = await this.runLibrary(server, fresh, section, opts);
    result.apiCalls += client.stats().apiCalls;
    return result;
  }

  private async runLibrary(
    server: ServerRow,
    library: LibraryRow,
    section: PlexSection | undefined,
    opts: SyncOptions,
  ): Promise<LibrarySyncResult> {
    if (activeLibraries.has(library.id) && !opts.wait)
      throw new LibraryBusyError(`library ${library.title} is already syncing`);
    let lock = tryLockLibrary(this.store, library.id);
    if (!lock) {
      if (!opts.wait)
        throw new LibraryBusyError(
          `library ${library.title} is being synced by another process; try again when it is done (or use --wait)`,
        );
      lock = await waitForLibraryLock(this.store, library.id, opts.signal ? { signal: opts.signal } : {});
    }
    activeLibraries.add(library.id);
    try {
      return await this.runLibraryExclusive(server, library, section, opts);
    } finally {
      activeLibraries.delete(library.id);
      lock.release();
    }
  }

  private async runLibraryExclusive(
    server: ServerRow,
    library: LibraryRow,
    section: PlexSection | undefined,
    opts: SyncOptions,
  ): Promise<LibrarySyncResult> {
    const startedAt = Date.now();
    const trigger = opts.trigger ?? 'manual';
    const client = this.options.clientFor(server).scoped();
    const plan = this.plan(library, section, opts);
    const identity = { serverId: server.id, libraryId: library.id, kind: plan.kind, trigger };
    if (plan.action === 'skip') {
      const runId = recordSkippedRun(this.store.db, identity);
      return this.result({
        runId,
        server,
        library,
        kind: plan.kind,
        trigger,
        status: 'skipped',
        startedAt,
        counters: zeroCounters(),
        client,
        rowsWritten: 0,
        skippedUnchanged: true,
      });
    }

    const writer = new ItemWriter(
      new MediaWriter(this.store.sqlite),
      createPathMapper(this.options.config.path_replacements, server.machineIdentifier),
    );
    const { journal, checkpoint } = this.begin(
      { ...identity, resumedFromRunId: plan.resumedFromRunId },
      plan,
      writer,
    );
    // Fired when the run ends, however it ends: detail batches, read-ahead pages and their retry
    // timers still in flight after a failure stop instead of sending requests for a finished run.
    const stop = new AbortController();
    const ctx = this.runContext({
      server,
      library,
      kind: plan.kind,
      client,
      writer,
      journal,
      checkpoint,
      opts,
      stop,
    });
    const stopRetryWaits = opts.retryWaits?.((wait) => ctx.progress.retrying(wait));
    const ending = await this.syncItems(ctx, library, section, opts).finally(() => {
      stop.abort(new CancelledError('run ended'));
      stopRetryWaits?.();
      ctx.progress.close();
    });
    this.recordEnding(ctx, library, plan.kind, ending);
    const result = this.result({
      runId: journal.runId,
      server,
      library,
      kind: plan.kind,
      trigger,
      status: ending.status,
      startedAt,
      counters: ctx.counters,
      client,
      rowsWritten: writer.rowsWritten + ending.curationRows,
      resumedFromRunId: plan.resumedFromRunId,
      errorMessage: ending.errorMessage,
      heldDeletions: ending.held,
    });
    this.recordRunMetric(ctx, startedAt, result);
    // The run is recorded (failed, resumable); a refused token is the caller's to act on (re-login).
    if (ending.authFailure) throw ending.authFailure;
    return result;
  }

  private plan(library: LibraryRow, section: PlexSection | undefined, opts: SyncOptions): RunPlan {
    return planRun({
      requestedKind: opts.kind ?? 'incremental',
      // We hold the library's lock, so a run still marked `running` has no live process behind it.
      previous: takeOverUnfinishedRun(this.store.db, this.store.sqlite, library.id),
      section,
      library,
      listingMaxAgeMs: this.options.config.listing_max_age_minutes * 60_000,
      itemsToRetry: libraryHasItemsToRetry(this.store.sqlite, library.id),
      now: Date.now(),
      firstPhase: PHASES[library.type][0]!.phase,
    });
  }

  /** Run row, checkpoint and clean-up land together: a kill right after leaves a resumable run. */
  private begin(
    run: RunIdentity & { resumedFromRunId: number | null },
    plan: Extract<RunPlan, { action: 'sync' }>,
    writer: ItemWriter,
  ): { journal: RunJournal; checkpoint: CheckpointState } {
    return this.store.transaction(() => {
      const begun = RunJournal.begin(this.store.db, run, (runId) => ({
        ...plan.checkpoint,
        chainRunId: plan.checkpoint.chainRunId ?? runId,
      }));
      writer.restoreScanning(run.libraryId);
      // A new listing chain starts with no keys seen.
      if (plan.checkpoint.chainRunId === null) writer.seen.clearSeen(run.libraryId);
      return begun;
    });
  }

  private recordRunMetric(ctx: LibraryRunContext, startedAt: number, result: LibrarySyncResult): void {
    const { counters } = ctx;
    recordMetric(this.store.db, {
      runId: ctx.runId,
      serverId: ctx.serverId,
      libraryId: ctx.libraryId,
      operation: ctx.deep ? 'deep_scan' : 'refresh',
      startedAt,
      durationMs: result.durationMs,
      itemsProcessed: counters.added + counters.updated,
      itemsSkipped: counters.unchanged,
      errors: counters.errors,
      apiCalls: result.apiCalls,
      bytesReceived: ctx.client.stats().bytesReceived,
      rowsWritten: ctx.writer.rowsWritten,
      peakRssBytes: process.memoryUsage().rss,
    });
  }

  private runContext(run: {
    server: ServerRow;
    library: LibraryRow;
    kind: SyncKind;
    client: ServerClient;
    writer: ItemWriter;
    journal: RunJournal;
    checkpoint: CheckpointState;
    opts: SyncOptions;
    stop: AbortController;
  }): LibraryRunContext {
    const { server, library, opts, journal } = run;
    const { config } = this.options;
    return {
      store: this.store,
      client: run.client,
      writer: run.writer,
      journal,
      runId: journal.runId,
      serverId: server.id,
      libraryId: library.id,
      sectionKey: library.plexKey,
      deep: run.kind === 'deep',
      pageSize: config.batch_size,
      detailBatchSize: config.detail_batch_size,
      detailLimit: createDetailLimit(config.detail_concurrency),
      signal: opts.signal ? AbortSignal.any([opts.signal, run.stop.signal]) : run.stop.signal,
      progress: new RunProgress(
        { runId: journal.runId, serverId: server.id, libraryId: library.id, libraryTitle: library.title },
        (p) => opts.onProgress?.(p),
      ),
      counters: zeroCounters(),
      checkpoint: run.checkpoint,
      maps: { shows: new Map(), seasons: new Map() },
      detailHealth: { fetched: 0, failed: 0 },
    };
  }

  /** Lists the library's phases from the checkpoint on, then decides deletions; says how it ended. */
  private async syncItems(
    ctx: LibraryRunContext,
    library: LibraryRow,
    section: PlexSection | undefined,
    opts: SyncOptions,
  ): Promise<RunEnding> {
    const ending: RunEnding = {
      status: 'succeeded',
      errorMessage: null,
      checkpoint: ctx.checkpoint,
      deletionsDone: ctx.checkpoint.complete,
      authFailure: null,
      resumable: true,
      heldDeletions: null,
      held: null,
      curationRows: 0,
      curationFailures: 0,
    };
    try {
      if (!section)
        throw new PlexNotFoundError(
          `library "${library.title}" (key ${library.plexKey}) is no longer on the server`,
        );
      const phases = PHASES[library.type];
      const order: CheckpointPhase[] = [...phases.map((p) => p.phase), 'deletions', 'done'];
      const startIndex = order.indexOf(ctx.checkpoint.phase);
      for (const spec of phases) {
        if (order.indexOf(spec.phase) < startIndex) continue;
        await runListingPhase(ctx, spec);
        const next = (ending.checkpoint = ctx.checkpoint = nextPhase(ctx.checkpoint, order, spec.phase));
        this.store.transaction(() => ctx.journal.nextPhase(next));
      }
      const { counters } = ctx;
      if (
        counters.detailFailures >= DETAIL_FAILURES_TO_FAIL &&
        counters.detailFailures * 2 > counters.detailsTried
      )
        throw new DetailsFailedError(counters.detailFailures, counters.detailsTried, false);
      if (order.indexOf(ctx.checkpoint.phase) <= order.indexOf('deletions'))
        await this.checkDeletions(ctx, library, opts, ending);
      ctx.progress.setPhase('done', counters.itemsDone, counters.itemsDone);
    } catch (err) {
      // Started over next time, so the items are fetched again rather than resumed past.
      if (err instanceof DetailsFailedError) ending.resumable = false;
      if (err instanceof CancelledError || opts.signal?.aborted) {
        ending.status = abortStatus(opts.signal);
      } else {
        ending.status = 'failed';
        ending.errorMessage = describeError(err);
        if (err instanceof PlexAuthError) ending.authFailure = err;
        recordSyncError(this.store.db, {
          runId: ctx.runId,
          serverId: ctx.serverId,
          libraryId: library.id,
          error: err,
          details: { library: library.title, phase: ctx.checkpoint.phase },
          unclassifiedAs: 'database',
        });
      }
    }
    // The run did its job, but deletions wait for the user: they must hear why.
    if (ending.status === 'succeeded' && ending.heldDeletions) ending.errorMessage = ending.heldDeletions;
    return ending;
  }

  /** Collections and playlists, then what the complete listing says is gone (applied or held). */
  private async checkDeletions(
    ctx: LibraryRunContext,
    library: LibraryRow,
    opts: SyncOptions,
    ending: RunEnding,
  ): Promise<void> {
    const { client, counters } = ctx;
    ({ rows: ending.curationRows, failed: ending.curationFailures } = await syncCurations(
      {
        store: this.store,
        client,
        deep: ctx.deep,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      { runId: ctx.runId, serverId: ctx.serverId, libraryId: library.id, sectionKey: library.plexKey },
    ));
    ctx.progress.setPhase('deletions', 1);
    // Only a listing of a library that did not change under us is complete: a deletion between
    // two pages shifts later items back and one could be missed. A listing with entries that
    // had no usable key, or one key twice, cannot tell which stored item those were.
    const checkpoint = ctx.checkpoint;
    const after = (await fetchSections(client, opts.signal)).find((s) => s.key === library.plexKey);
    const stable =
      !checkpoint.flawed &&
      after !== undefined &&
      (after.updatedAt ?? null) === checkpoint.baseline.updatedAt &&
      (after.contentChangedAt ?? null) === checkpoint.baseline.contentChangedAt;
    const outcome = this.store.transaction(() => {
      const decision = stable
        ? decideDeletions({
            sqlite: this.store.sqlite,
            writer: ctx.writer,
            chainRunId: checkpoint.chainRunId,
            libraryId: library.id,
            kinds: KINDS[library.type],
            threshold: this.options.config.mass_delete_threshold,
            confirmed: opts.confirmDeletions === true,
          })
        : null;
      const removed = decision?.apply
        ? ctx.writer.markUnseenGone(checkpoint.chainRunId, library.id, KINDS[library.type])
        : 0;
      if (decision?.held) {
        recordSyncError(this.store.db, {
          runId: ctx.runId,
          serverId: ctx.serverId,
          libraryId: library.id,
          error: decision.held,
          details: { library: library.title, wouldRemove: decision.wouldRemove, stored: decision.stored },
        });
      }
      const next: CheckpointState = {
        ...checkpoint,
        phase: 'done',
        offset: 0,
        complete: stable && !decision?.held,
      };
      ctx.journal.nextPhase(next, {
        removed: counters.removed + removed,
        errors: counters.errors + (decision?.held ? 1 : 0),
      });
      return { removed, held: decision?.held ?? null, decision, next };
    });
    counters.removed += outcome.removed;
    ending.checkpoint = ctx.checkpoint = outcome.next;
    if (outcome.held) {
      counters.errors += 1;
      ending.heldDeletions = outcome.held.message;
      const d = outcome.decision!;
      ending.held = { count: d.wouldRemove, stored: d.stored, fresh: d.fresh };
    }
    ending.deletionsDone = outcome.next.complete;
    ctx.progress.advance(1);
  }

  /** The run's row, its items' clean-up and the library's stamps, in one transaction. */
  private recordEnding(ctx: LibraryRunContext, library: LibraryRow, kind: SyncKind, ending: RunEnding): void {
    const { counters, writer } = ctx;
    const succeeded = ending.status === 'succeeded';
    this.store.transaction(() => {
      if (!succeeded) writer.restoreScanning(library.id);
      else {
        writer.seen.clearSeen(library.id);
        resolveAfterSuccessfulRun(this.store.db, {
          serverId: ctx.serverId,
          libraryId: library.id,
          runId: ctx.runId,
          includeItems: ending.deletionsDone,
        });
      }
      ctx.journal.finish({
        status: ending.status,
        counts: { ...counters, apiCalls: ctx.client.stats().apiCalls },
        errorMessage: ending.errorMessage,
        keepCheckpoint: !succeeded && ending.resumable,
      });
      const leftWork =
        counters.detailFailures > 0 ||
        ending.checkpoint.flawed ||
        !ending.resumable ||
        ending.heldDeletions !== null ||
        ending.curationFailures > 0;
      recordLibraryRun(this.store.db, library.id, {
        status: ending.status,
        // A run that could not check deletions leaves the baseline alone, so the next incremental runs again.
        good: succeeded && ending.deletionsDone && !leftWork,
        forgetBaseline: leftWork,
        baseline: ending.checkpoint.baseline,
        deep: kind === 'deep',
      });
    });
  }

  private result(r: ResultInput): LibrarySyncResult {
    return {
      runId: r.runId,
      serverId: r.server.id,
      libraryId: r.library.id,
      libraryTitle: r.library.title,
      kind: r.kind,
      trigger: r.trigger,
      status: r.status,
      skippedUnchanged: r.skippedUnchanged ?? false,
      resumedFromRunId: r.resumedFromRunId ?? null,
      durationMs: Date.now() - r.startedAt,
      errorMessage: r.errorMessage ?? null,
      ...(r.heldDeletions ? { heldDeletions: r.heldDeletions } : {}),
      added: r.counters.added,
      updated: r.counters.updated,
      removed: r.counters.removed,
      unchanged: r.counters.unchanged,
      errors: r.counters.errors,
      apiCalls: r.client.stats().apiCalls,
      rowsWritten: r.rowsWritten,
    };
  }
}

/** How a library run ended, gathered while it goes and recorded once at its end. */
interface RunEnding {
  status: RunStatus;
  errorMessage: string | null;
  /** The checkpoint as of the last phase the run entered (the baseline it keeps, whether it was flawed). */
  checkpoint: CheckpointState;
  /** Deletions were checked against a complete listing. */
  deletionsDone: boolean;
  authFailure: PlexAuthError | null;
  /** The next run may continue from the checkpoint; else it starts over and fetches the items again. */
  resumable: boolean;
  /** Why deletions wait for the user's confirmation. */
  heldDeletions: string | null;
  /** The held set, as the result tells it (the card's Confirm / Keep). */
  held: LibrarySyncResult['heldDeletions'];
  curationRows: number;
  /** Collections or playlists that could not be read: the listing is not a good one. */
  curationFailures: number;
}

interface ResultInput {
  runId: number;
  server: ServerRow;
  library: LibraryRow;
  kind: SyncKind;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: number;
  counters: RunCounters;
  client: ServerClient;
  rowsWritten: number;
  skippedUnchanged?: boolean;
  resumedFromRunId?: number | null;
  errorMessage?: string | null;
  heldDeletions?: LibrarySyncResult['heldDeletions'];
}

function nextPhase(c: CheckpointState, order: CheckpointPhase[], done: CheckpointPhase): CheckpointState {
  const next = order[order.indexOf(done) + 1] ?? 'done';
  return { ...c, phase: next, offset: 0 };
}

function zeroCounters(): RunCounters {
  return {
    added: 0,
    updated: 0,
    unchanged: 0,
    errors: 0,
    removed: 0,
    itemsDone: 0,
    itemsTotal: 0,
    detailsTried: 0,
    detailFailures: 0,
  };
}
