// The sync engine: runs of whole servers and single libraries, with change detection at the
// library level (one /library/sections request tells which libraries moved), resume of killed
// runs from their checkpoint, deletion detection after a complete listing, metrics. A run ends when
// the items are stored: artwork is the artwork queue's (src-main/core/artwork), never a sync's.
import pLimit from 'p-limit';
import type { Config } from '../../../src-shared/config-schema';
import type { ItemKind, LibraryType, RunStatus, RunTrigger, SyncKind } from '../../../src-shared/domain';
import type { LibrarySyncResult, SyncProgress } from '../../../src-shared/sync-types';
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
import { MediaWriter } from '../store/repositories/media-repository';
import {
  createRun,
  finishRun,
  latestUnfinishedRun,
  markRunsInterrupted,
  recordLibraryRun,
  updateRun,
} from '../store/repositories/run-repository';
import { getServer, type ServerRow } from '../store/repositories/server-repository';
import { libraryHasItemsToRetry } from '../store/repositories/items-to-retry';
import { recordMetric } from '../metrics/metrics-writer';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointPhase, type CheckpointState } from './checkpoint';
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
import { ProgressHub, RunProgress } from './progress';
import { fetchSections } from './sections';
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
  readonly events = new ProgressHub();
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
    const { db } = this.store;
    const trigger = opts.trigger ?? 'manual';
    const requestedKind = opts.kind ?? 'incremental';
    const client = this.options.clientFor(server).scoped();
    const writer = new MediaWriter(
      this.store.sqlite,
      createPathMapper(this.options.config.path_replacements, server.machineIdentifier),
    );
    const baseline = {
      updatedAt: section?.updatedAt ?? null,
      contentChangedAt: section?.contentChangedAt ?? null,
    };

    // A run of this library that died (killed process) or failed is continued, not restarted. We
    // hold the library's lock, so a run still marked `running` has no live process behind it.
    const previous = latestUnfinishedRun(db, library.id);
    const previousCheckpoint = previous ? decodeCheckpoint(previous.checkpointJson) : null;
    if (previous && previous.status === 'running') markRunsInterrupted(db, [previous.id]);
    const canResume =
      previous !== undefined &&
      previousCheckpoint !== null &&
      !(requestedKind === 'deep' && previous.kind !== 'deep') &&
      !(requestedKind === 'full' && previous.kind === 'incremental');
    // Items left unread (say by an earlier phase of the killed run) are fetched again: the listing
    // starts over rather than resuming past them.
    const toRetry = libraryHasItemsToRetry(this.store.sqlite, library.id);
    const resumeFrom =
      canResume &&
      !toRetry &&
      previousCheckpoint.baseline.updatedAt === baseline.updatedAt &&
      previousCheckpoint.baseline.contentChangedAt === baseline.contentChangedAt
        ? previousCheckpoint
        : null;
    const kind: SyncKind = canResume ? previous.kind : requestedKind;

    const unchanged =
      !canResume &&
      kind === 'incremental' &&
      section !== undefined &&
      library.lastGoodSyncAt !== null &&
      !toRetry &&
      // Plex leaves its section stamps alone for some edits: past this age the library is listed anyway.
      Date.now() - library.lastGoodSyncAt < this.options.config.listing_max_age_minutes * 60_000 &&
      library.syncedPlexUpdatedAt === baseline.updatedAt &&
      library.syncedContentChangedAt === baseline.contentChangedAt;
    if (unchanged) {
      const run = createRun(db, {
        serverId: server.id,
        libraryId: library.id,
        kind,
        trigger,
        status: 'skipped',
      });
      finishRun(db, run.id, 'skipped', {}, null, false);
      return this.result(
        run.id,
        server,
        library,
        kind,
        trigger,
        'skipped',
        startedAt,
        zeroCounters(),
        client,
        0,
        {
          skippedUnchanged: true,
        },
      );
    }

    const phases = PHASES[library.type];
    // Run row, checkpoint and clean-up land together: a kill right after leaves a resumable run.
    const { run, start } = this.store.transaction(() => {
      const created = createRun(db, {
        serverId: server.id,
        libraryId: library.id,
        kind,
        trigger,
        status: 'running',
        resumedFromRunId: canResume ? previous.id : null,
      });
      const first: CheckpointState = resumeFrom
        ? {
            chainRunId: resumeFrom.chainRunId,
            phase: resumeFrom.phase,
            offset: resumeFrom.offset,
            baseline: resumeFrom.baseline,
            complete: resumeFrom.complete,
            flawed: resumeFrom.flawed,
          }
        : {
            chainRunId: created.id,
            phase: phases[0]!.phase,
            offset: 0,
            baseline,
            complete: false,
            flawed: false,
          };
      writer.restoreScanning(library.id);
      if (!resumeFrom) writer.clearSeen(library.id);
      updateRun(db, created.id, { phase: first.phase, checkpointJson: encodeCheckpoint(first) });
      return { run: created, start: first };
    });
    let checkpoint = start;

    const progress = new RunProgress(
      { runId: run.id, serverId: server.id, libraryId: library.id, libraryTitle: library.title },
      (p) => {
        this.events.emit('progress', p);
        opts.onProgress?.(p);
      },
    );
    const counters = zeroCounters();
    // Fired when the run ends, however it ends: detail batches, read-ahead pages and their retry
    // timers still in flight after a failure stop instead of sending requests for a finished run.
    const stop = new AbortController();
    const runSignal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
    const ctx: LibraryRunContext = {
      store: this.store,
      client,
      writer,
      runId: run.id,
      serverId: server.id,
      libraryId: library.id,
      sectionKey: library.plexKey,
      deep: kind === 'deep',
      pageSize: this.options.config.batch_size,
      detailBatchSize: this.options.config.detail_batch_size,
      detailLimit: createDetailLimit(this.options.config.detail_concurrency),
      signal: runSignal,
      progress,
      counters,
      checkpoint,
      maps: { shows: new Map(), seasons: new Map() },
      detailHealth: { fetched: 0, failed: 0 },
    };

    let status: RunStatus = 'succeeded';
    let errorMessage: string | null = null;
    let deletionsDone = checkpoint.complete;
    let authFailure: PlexAuthError | null = null;
    let resumable = true;
    let heldDeletions: string | null = null;
    let curationRows = 0;
    try {
      if (!section)
        throw new PlexNotFoundError(
          `library "${library.title}" (key ${library.plexKey}) is no longer on the server`,
        );
      const order: CheckpointPhase[] = [...phases.map((p) => p.phase), 'deletions', 'done'];
      const startIndex = order.indexOf(checkpoint.phase);
      for (const spec of phases) {
        if (order.indexOf(spec.phase) < startIndex) continue;
        await runListingPhase(ctx, spec);
        checkpoint = ctx.checkpoint = nextPhase(ctx.checkpoint, order, spec.phase);
        this.store.transaction(() =>
          updateRun(db, run.id, { phase: checkpoint.phase, checkpointJson: encodeCheckpoint(checkpoint) }),
        );
      }
      if (
        counters.detailFailures >= DETAIL_FAILURES_TO_FAIL &&
        counters.detailFailures * 2 > counters.detailsTried
      )
        throw new DetailsFailedError(counters.detailFailures, counters.detailsTried, false);
      if (order.indexOf(checkpoint.phase) <= order.indexOf('deletions')) {
        curationRows = await syncCurations(
          {
            store: this.store,
            client,
            deep: kind === 'deep',
            ...(opts.signal ? { signal: opts.signal } : {}),
          },
          { serverId: server.id, libraryId: library.id, sectionKey: library.plexKey },
        );
        progress.setPhase('deletions', 1);
        // Only a listing of a library that did not change under us is complete: a deletion between
        // two pages shifts later items back and one could be missed. A listing with entries that
        // had no usable key, or one key twice, cannot tell which stored item those were.
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
                writer,
                chainRunId: checkpoint.chainRunId,
                libraryId: library.id,
                kinds: KINDS[library.type],
                threshold: this.options.config.mass_delete_threshold,
                confirmed: opts.confirmDeletions === true,
              })
            : null;
          const removed = decision?.apply
            ? writer.markUnseenGone(checkpoint.chainRunId, library.id, KINDS[library.type])
            : 0;
          if (decision?.held) {
            recordSyncError(db, {
              runId: run.id,
              serverId: server.id,
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
          updateRun(db, run.id, {
            phase: 'done',
            removed: counters.removed + removed,
            errors: counters.errors + (decision?.held ? 1 : 0),
            checkpointJson: encodeCheckpoint(next),
          });
          return { removed, held: decision?.held ?? null, next };
        });
        counters.removed += outcome.removed;
        checkpoint = ctx.checkpoint = outcome.next;
        if (outcome.held) {
          counters.errors += 1;
          heldDeletions = outcome.held.message;
        }
        deletionsDone = outcome.next.complete;
        progress.advance(1);
      }
      progress.setPhase('done', counters.itemsDone, counters.itemsDone);
    } catch (err) {
      // Started over next time, so the items are fetched again rather than resumed past.
      if (err instanceof DetailsFailedError) resumable = false;
      if (err instanceof CancelledError || opts.signal?.aborted) {
        status = abortStatus(opts.signal);
      } else {
        status = 'failed';
        errorMessage = describeError(err);
        if (err instanceof PlexAuthError) authFailure = err;
        recordSyncError(db, {
          runId: run.id,
          serverId: server.id,
          libraryId: library.id,
          error: err,
          details: { library: library.title, phase: ctx.checkpoint.phase },
          unclassifiedAs: 'database',
        });
      }
    } finally {
      stop.abort(new CancelledError('run ended'));
    }

    const succeeded = status === 'succeeded';
    // The run did its job, but deletions wait for the user: they must hear why.
    if (succeeded && heldDeletions) errorMessage = heldDeletions;
    this.store.transaction(() => {
      if (!succeeded) writer.restoreScanning(library.id);
      else {
        writer.clearSeen(library.id);
        resolveAfterSuccessfulRun(db, {
          serverId: server.id,
          libraryId: library.id,
          runId: run.id,
          includeItems: deletionsDone,
        });
      }
      finishRun(
        db,
        run.id,
        status,
        { ...counters, apiCalls: client.stats().apiCalls },
        errorMessage,
        !succeeded && resumable,
      );
      const leftWork =
        counters.detailFailures > 0 || checkpoint.flawed || !resumable || heldDeletions !== null;
      recordLibraryRun(db, library.id, {
        status,
        // A run that could not check deletions leaves the baseline alone, so the next incremental runs again.
        good: succeeded && deletionsDone && !leftWork,
        forgetBaseline: leftWork,
        baseline: checkpoint.baseline,
        deep: kind === 'deep',
      });
    });
    const result = this.result(
      run.id,
      server,
      library,
      kind,
      trigger,
      status,
      startedAt,
      counters,
      client,
      writer.rowsWritten + curationRows,
      {
        resumedFromRunId: canResume ? previous.id : null,
        errorMessage,
      },
    );
    recordMetric(db, {
      runId: run.id,
      serverId: server.id,
      libraryId: library.id,
      operation: kind === 'deep' ? 'deep_scan' : 'refresh',
      startedAt,
      durationMs: result.durationMs,
      itemsProcessed: counters.added + counters.updated,
      itemsSkipped: counters.unchanged,
      errors: counters.errors,
      apiCalls: result.apiCalls,
      bytesReceived: client.stats().bytesReceived,
      rowsWritten: writer.rowsWritten,
      peakRssBytes: process.memoryUsage().rss,
    });
    // The run is recorded (failed, resumable); a refused token is the caller's to act on (re-login).
    if (authFailure) throw authFailure;
    return result;
  }

  private result(
    runId: number,
    server: ServerRow,
    library: LibraryRow,
    kind: SyncKind,
    trigger: RunTrigger,
    status: RunStatus,
    startedAt: number,
    counters: RunCounters,
    client: ServerClient,
    rowsWritten: number,
    extra: { skippedUnchanged?: boolean; resumedFromRunId?: number | null; errorMessage?: string | null },
  ): LibrarySyncResult {
    return {
      runId,
      serverId: server.id,
      libraryId: library.id,
      libraryTitle: library.title,
      kind,
      trigger,
      status,
      skippedUnchanged: extra.skippedUnchanged ?? false,
      resumedFromRunId: extra.resumedFromRunId ?? null,
      durationMs: Date.now() - startedAt,
      errorMessage: extra.errorMessage ?? null,
      added: counters.added,
      updated: counters.updated,
      removed: counters.removed,
      unchanged: counters.unchanged,
      errors: counters.errors,
      apiCalls: client.stats().apiCalls,
      rowsWritten,
    };
  }
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
