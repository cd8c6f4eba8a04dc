// The sync engine: runs of whole servers and single libraries, with change detection at the
// library level (one /library/sections request tells which libraries moved), resume of killed
// runs from their checkpoint, deletion detection after a complete listing, artwork, metrics.
import { join } from 'node:path';
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
import { recordMetric } from '../metrics/metrics-writer';
import { cacheArtwork } from './artwork';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  isStale,
  type CheckpointPhase,
  type CheckpointState,
} from './checkpoint';
import { createDetailLimit, runListingPhase, type LibraryRunContext, type RunCounters } from './library-run';
import { limitHeapGrowth } from './heap-tuning';
import { MOVIE_PHASES } from './movie-sync';
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
  | 'artwork_cache'
  | 'artwork_concurrency'
  | 'concurrent_scans'
>;

export interface SyncEngineOptions {
  store: Store;
  config: SyncEngineConfig;
  /** The client for a server (the caller picks the connection and the token). */
  clientFor: (server: ServerRow) => ServerClient;
  /** Artwork goes to `<dataDir>/artwork`. */
  dataDir: string;
  /** A `running` run whose heartbeat is older than this (and whose process cannot be checked) is dead. */
  staleRunMs?: number;
}

export interface SyncOptions {
  kind?: SyncKind;
  trigger?: RunTrigger;
  /** Abort to stop; `signal.reason === 'pause'` leaves the run `interrupted` (resumed next time), else `cancelled`. */
  signal?: AbortSignal;
  onProgress?: (p: SyncProgress) => void;
}

const PHASES: Record<LibraryType, readonly PhaseSpec[]> = { movie: MOVIE_PHASES, show: SHOW_PHASES };
const KINDS: Record<LibraryType, ItemKind[]> = { movie: ['movie'], show: ['show', 'season', 'episode'] };

/** Runs active in this process (a second engine in the same process must not resume them). */
const activeRuns = new Set<number>();
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

  /** Syncs every selected library of a server; one /library/sections request serves them all. */
  async syncServer(serverId: number, opts: SyncOptions = {}): Promise<LibrarySyncResult[]> {
    const server = getServer(this.store.db, serverId);
    if (!server) throw new UserError(`no server ${serverId}`);
    const client = this.options.clientFor(server).scoped();
    const sections = await fetchSections(client, opts.signal);
    upsertLibraries(this.store.db, server.id, sections);
    // Selected libraries that left the server are run too: they fail with a clear message.
    const selected = listLibraries(this.store.db, server.id).filter((l) => l.selected);
    const limit = pLimit(this.options.config.concurrent_scans);
    const results = await Promise.all(
      selected.map((lib) =>
        limit(() =>
          this.runLibrary(
            server,
            lib,
            sections.find((s) => s.key === lib.plexKey),
            opts,
          ),
        ),
      ),
    );
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
    if (activeLibraries.has(library.id)) throw new UserError(`library ${library.title} is already syncing`);
    activeLibraries.add(library.id);
    try {
      return await this.runLibraryExclusive(server, library, section, opts);
    } finally {
      activeLibraries.delete(library.id);
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

    // A run of this library that died (killed process) or failed is continued, not restarted.
    const previous = latestUnfinishedRun(db, library.id);
    const previousCheckpoint = previous ? decodeCheckpoint(previous.checkpointJson) : null;
    if (previous && previous.status === 'running') {
      if (
        !isStale(
          previous,
          previousCheckpoint,
          this.options.staleRunMs ?? 120_000,
          activeRuns.has(previous.id),
        )
      ) {
        throw new UserError(
          `library ${library.title} is being synced by another process (run ${previous.id})`,
        );
      }
      markRunsInterrupted(db, [previous.id]);
    }
    const canResume =
      previous !== undefined &&
      previousCheckpoint !== null &&
      !(requestedKind === 'deep' && previous.kind !== 'deep') &&
      !(requestedKind === 'full' && previous.kind === 'incremental');
    const resumeFrom =
      canResume &&
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
          }
        : { chainRunId: created.id, phase: phases[0]!.phase, offset: 0, baseline, complete: false };
      writer.restoreScanning(library.id);
      if (!resumeFrom) writer.clearSeen(library.id);
      updateRun(db, created.id, { phase: first.phase, checkpointJson: encodeCheckpoint(first) });
      return { run: created, start: first };
    });
    activeRuns.add(run.id);
    let checkpoint = start;

    const progress = new RunProgress(
      { runId: run.id, serverId: server.id, libraryId: library.id, libraryTitle: library.title },
      (p) => {
        this.events.emit('progress', p);
        opts.onProgress?.(p);
      },
    );
    const counters = zeroCounters();
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
      ...(opts.signal ? { signal: opts.signal } : {}),
      progress,
      counters,
      checkpoint,
      maps: { shows: new Map(), seasons: new Map() },
    };

    let status: RunStatus = 'succeeded';
    let errorMessage: string | null = null;
    let deletionsDone = checkpoint.complete;
    let authFailure: PlexAuthError | null = null;
    try {
      if (!section)
        throw new PlexNotFoundError(
          `library "${library.title}" (key ${library.plexKey}) is no longer on the server`,
        );
      const order: CheckpointPhase[] = [...phases.map((p) => p.phase), 'deletions', 'artwork'];
      const startIndex = order.indexOf(checkpoint.phase);
      for (const spec of phases) {
        if (order.indexOf(spec.phase) < startIndex) continue;
        await runListingPhase(ctx, spec);
        checkpoint = ctx.checkpoint = nextPhase(ctx.checkpoint, order, spec.phase);
        this.store.transaction(() =>
          updateRun(db, run.id, { phase: checkpoint.phase, checkpointJson: encodeCheckpoint(checkpoint) }),
        );
      }
      if (order.indexOf(checkpoint.phase) <= order.indexOf('deletions')) {
        progress.setPhase('deletions', 1);
        // Only a listing of a library that did not change under us is complete: a deletion between
        // two pages shifts later items back and one could be missed.
        const after = (await fetchSections(client, opts.signal)).find((s) => s.key === library.plexKey);
        const stable =
          after !== undefined &&
          (after.updatedAt ?? null) === checkpoint.baseline.updatedAt &&
          (after.contentChangedAt ?? null) === checkpoint.baseline.contentChangedAt;
        this.store.transaction(() => {
          if (stable)
            counters.removed += writer.markUnseenGone(checkpoint.chainRunId, library.id, KINDS[library.type]);
          checkpoint = ctx.checkpoint = { ...checkpoint, phase: 'artwork', offset: 0, complete: stable };
          updateRun(db, run.id, {
            phase: 'artwork',
            removed: counters.removed,
            checkpointJson: encodeCheckpoint(checkpoint),
          });
        });
        deletionsDone = stable;
        progress.advance(1);
      }
      if (this.options.config.artwork_cache) {
        progress.setPhase('artwork', 0);
        await cacheArtwork({
          store: this.store,
          client,
          libraryId: library.id,
          dir: join(this.options.dataDir, 'artwork'),
          concurrency: this.options.config.artwork_concurrency,
          ...(opts.signal ? { signal: opts.signal } : {}),
          onProgress: (_done, total) => {
            progress.setTotal(total);
            progress.advance(1);
          },
        });
      }
      progress.setPhase('done', counters.itemsDone, counters.itemsDone);
    } catch (err) {
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
      activeRuns.delete(run.id);
    }

    const succeeded = status === 'succeeded';
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
        !succeeded,
      );
      recordLibraryRun(db, library.id, {
        status,
        // A run that could not check deletions leaves the baseline alone, so the next incremental runs again.
        good: succeeded && deletionsDone,
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
      writer.rowsWritten,
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
  const next = order[order.indexOf(done) + 1] ?? 'artwork';
  return { ...c, phase: next, offset: 0 };
}

function zeroCounters(): RunCounters {
  return { added: 0, updated: 0, unchanged: 0, errors: 0, removed: 0, itemsDone: 0, itemsTotal: 0 };
}
