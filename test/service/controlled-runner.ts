// A runner double for queue, scheduler and service logic: it records every call and each run
// waits until the test finishes it (or its AbortSignal fires, which ends it as `interrupted`, the
// way the engine does). Only used where the behaviour under test is ordering and concurrency;
// the end-to-end tests use the real engine against the fake Plex.
import type { RunTrigger, SyncKind } from '../../src-shared/domain';
import type { LibrarySyncResult } from '../../src-shared/sync-types';
import type { LibraryRunner, RunContext } from '../../src-main/core/service/run-queue';

export interface ControlledRun {
  libraryId: number;
  kind: SyncKind;
  trigger: RunTrigger;
  runId: number;
  context: RunContext;
  /** Ends the run with this status (default succeeded). */
  finish(status?: LibrarySyncResult['status'], errorMessage?: string): void;
  fail(error: Error): void;
  settled: boolean;
}

export interface ControlledRunner {
  runner: LibraryRunner;
  calls: ControlledRun[];
  /** Runs still in flight. */
  active(): ControlledRun[];
  /** The in-flight run of a library; throws when there is none. */
  of(libraryId: number): ControlledRun;
  /** When set, aborts are ignored (an engine stuck in a long request). */
  ignoreAbort: boolean;
  /** When set, every run succeeds as soon as it starts. */
  autoFinish: boolean;
}

export function resultFor(
  run: Pick<ControlledRun, 'libraryId' | 'kind' | 'trigger' | 'runId'>,
  status: LibrarySyncResult['status'],
  errorMessage: string | null = null,
): LibrarySyncResult {
  return {
    runId: run.runId,
    serverId: 1,
    libraryId: run.libraryId,
    libraryTitle: `Library ${run.libraryId}`,
    kind: run.kind,
    trigger: run.trigger,
    status,
    skippedUnchanged: false,
    resumedFromRunId: null,
    durationMs: 1,
    errorMessage,
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    errors: 0,
    apiCalls: 1,
    rowsWritten: 0,
  };
}

export function controlledRunner(): ControlledRunner {
  let nextRunId = 1;
  const calls: ControlledRun[] = [];
  const state: ControlledRunner = {
    calls,
    ignoreAbort: false,
    autoFinish: false,
    active: () => calls.filter((c) => !c.settled),
    of: (libraryId) => {
      const run = calls.find((c) => c.libraryId === libraryId && !c.settled);
      if (!run) throw new Error(`library ${libraryId} is not running`);
      return run;
    },
    runner: (request, context) =>
      new Promise<LibrarySyncResult>((resolve, reject) => {
        const run: ControlledRun = {
          ...request,
          runId: nextRunId++,
          context,
          settled: false,
          finish: (status = 'succeeded', errorMessage) => {
            if (run.settled) return;
            run.settled = true;
            resolve(resultFor(run, status, errorMessage ?? null));
          },
          fail: (error) => {
            if (run.settled) return;
            run.settled = true;
            reject(error);
          },
        };
        calls.push(run);
        context.onStarted(run.runId);
        context.signal.addEventListener('abort', () => {
          if (!state.ignoreAbort) run.finish('interrupted');
        });
        if (state.autoFinish) setImmediate(() => run.finish());
      }),
  };
  return state;
}

/** Lets pending promise callbacks run. setImmediate is never faked in these tests. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
