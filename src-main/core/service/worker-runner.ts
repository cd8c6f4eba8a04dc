// The runner behind the queue in the app, web mode and the daemon: each library run in a worker
// thread (sync-worker.ts) with its own database connection, so the process's main thread — the
// window's IPC, the tray, the web server, status queries — never waits for a sync. Threads are
// kept for the next run (idle ones do not hold the process open) and ended by close().
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Config } from '../../../src-shared/config-schema';
import type { LibrarySyncResult } from '../../../src-shared/sync-types';
import type { ServerEndpoint } from '../discovery/server-access';
import { CancelledError, PlexAuthError, UserError } from '../errors/errors';
import { loggingOptions } from '../logging/logger';
import type { PlexIdentity } from '../plex/identity';
import type { Store } from '../store/database';
import { getLibrary } from '../store/repositories/library-repository';
import type { LibraryRunner, RunContext } from './run-queue';
import { reviveError, type ParentMessage, type SyncJob, type WorkerMessage } from './sync-job';

export interface WorkerRunnerOptions {
  store: Store;
  migrationsFolder: string;
  sqliteBinding: string | null;
  config: () => Config;
  serverAccess: (serverId: number) => Promise<ServerEndpoint>;
  identity: PlexIdentity;
  dataDir: string;
  onUnauthorized?: (serverId: number, message: string) => Promise<void>;
}

export interface WorkerEntry {
  script: string;
  eval: boolean;
}

/**
 * The built worker beside the bundle (dist/main, dist/cli); from the sources (tests, tsx) the
 * TypeScript file through tsx's loader, which a worker's entry file cannot get from execArgv.
 *
 * In the packaged app the bundle and the worker both sit inside app.asar (dist/main). The worker
 * stays there on purpose: Electron reads asar archives in worker threads too (since Electron 17,
 * electron/electron#33216), and the worker's own requires (drizzle-orm, plex-api, …) resolve only
 * inside the archive, where node_modules is; an unpacked copy would find no node_modules. Only the
 * native binding is unpacked (electron-builder.yml), and the job hands its unpacked path over.
 * tsx is a development tool and never shipped, so inside an archive a missing worker is an error
 * that says so, not an attempt to load the sources.
 */
export function workerEntry(dir: string, exists: (path: string) => boolean = existsSync): WorkerEntry {
  const built = join(dir, 'sync-worker.js');
  if (exists(built)) return { script: built, eval: false };
  if (/\.asar([\\/]|$)/.test(dir))
    throw new Error(`the sync worker is missing from the app package (${built}): reinstall RetroVue`);
  const source = join(dir, 'sync-worker.ts');
  return { script: `require('tsx/cjs/api').register(); require(${JSON.stringify(source)});`, eval: true };
}

export interface WorkerRunner extends LibraryRunner {
  /** Ends the threads (the service's stop, after its runs settled). */
  close(): Promise<void>;
}

export function createWorkerRunner(opts: WorkerRunnerOptions): WorkerRunner {
  const entry = workerEntry(__dirname);
  const idle: Worker[] = [];
  const all = new Set<Worker>();

  const acquire = (): Worker => {
    const reused = idle.pop();
    if (reused) {
      reused.ref();
      return reused;
    }
    const worker = new Worker(entry.script, { eval: entry.eval });
    all.add(worker);
    worker.once('exit', () => {
      all.delete(worker);
      const i = idle.indexOf(worker);
      if (i >= 0) idle.splice(i, 1);
    });
    return worker;
  };
  const release = (worker: Worker): void => {
    if (!all.has(worker)) return;
    worker.unref();
    idle.push(worker);
  };

  const runner = async (request: Parameters<LibraryRunner>[0], context: RunContext) => {
    const library = getLibrary(opts.store.db, request.libraryId);
    if (!library) throw new UserError(`library ${request.libraryId} does not exist`, 'NOT_FOUND');
    let endpoint: ServerEndpoint;
    try {
      endpoint = await opts.serverAccess(library.serverId);
    } catch (err) {
      if (err instanceof PlexAuthError) await opts.onUnauthorized?.(library.serverId, err.message);
      throw err;
    }
    const job: SyncJob = {
      dbPath: opts.store.path,
      migrationsFolder: opts.migrationsFolder,
      sqliteBinding: opts.sqliteBinding,
      dataDir: opts.dataDir,
      config: opts.config(),
      identity: opts.identity,
      endpoint: { baseUrl: endpoint.baseUrl, token: endpoint.token },
      libraryId: request.libraryId,
      kind: request.kind,
      trigger: request.trigger,
      logging: loggingOptions(),
    };
    const worker = acquire();
    try {
      return await runOn(worker, job, context);
    } catch (err) {
      if (err instanceof PlexAuthError) await opts.onUnauthorized?.(library.serverId, err.message);
      throw err;
    } finally {
      release(worker);
    }
  };
  return Object.assign(runner, {
    async close() {
      idle.length = 0;
      await Promise.all([...all].map((w) => w.terminate()));
    },
  });
}

/** One job on one thread: its progress and result, or its error rebuilt as our typed error. */
function runOn(worker: Worker, job: SyncJob, context: RunContext): Promise<LibrarySyncResult> {
  return new Promise<LibrarySyncResult>((resolve, reject) => {
    let announced = false;
    const onAbort = (): void => {
      const reason: unknown = context.signal.reason;
      const text =
        reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'cancelled';
      worker.postMessage({ type: 'abort', reason: text } satisfies ParentMessage);
    };
    const done = (): void => {
      context.signal.removeEventListener('abort', onAbort);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: WorkerMessage): void => {
      if (m.type === 'progress') {
        if (!announced) {
          announced = true;
          context.onStarted(m.progress.runId);
        }
        context.onProgress(m.progress);
        return;
      }
      done();
      if (m.type === 'result') {
        if (!announced) context.onStarted(m.result.runId);
        resolve(m.result);
      } else reject(reviveError(m.error));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onExit = (code: number): void => {
      done();
      if (context.signal.aborted) reject(new CancelledError('the sync worker stopped'));
      else reject(new Error(`the sync worker exited (code ${code}) without a result`));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage({ type: 'run', job } satisfies ParentMessage);
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
  });
}
