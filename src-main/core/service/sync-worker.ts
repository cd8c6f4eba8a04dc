// The sync worker thread: library runs, one at a time, each with its own SQLite connection (WAL
// lets the main thread read while this one writes). The thread stays for the next run, so its
// modules load once. Progress and the result go back as messages; an abort message stops the run
// the way a signal does (`pause` leaves it resumable).
import { parentPort } from 'node:worker_threads';
import type { RetryWait } from '../../../src-shared/sync-types';
import { createEmitter } from '../../../src-shared/typed-emitter';
import { retryWait } from '../errors/retry';
import { configureLogging, getLogger } from '../logging/logger';
import { configuredServerClient } from '../plex/client-factory';
import { openStore } from '../store/database';
import { SyncEngine } from '../sync/engine';
import { serializeError, type ParentMessage, type SyncJob, type WorkerMessage } from './sync-job';

const port = parentPort;
if (!port) throw new Error('sync-worker.ts runs only as a worker thread');
const send = (message: WorkerMessage): void => port.postMessage(message);
let controller: AbortController | null = null;
const log = getLogger('sync');

async function run(job: SyncJob, signal: AbortSignal): Promise<void> {
  if (job.logging) configureLogging(job.logging);
  const store = openStore(job.dbPath, {
    migrationsFolder: job.migrationsFolder,
    ...(job.sqliteBinding ? { nativeBinding: job.sqliteBinding } : {}),
  });
  // The client's retry waits go into the run's progress: one emitter, the engine listens.
  const retries = createEmitter<{ wait: RetryWait }>();
  const client = configuredServerClient(job.endpoint, job.identity, job.config, (info) => {
    log.info('retrying a Plex request', {
      errorClass: info.classification.errorClass,
      error: info.classification.message,
      attempt: info.attempt,
      retriesLeft: info.retriesLeft,
      waitMs: info.waitMs,
    });
    retries.emit('wait', retryWait(info));
  });
  try {
    const engine = new SyncEngine({
      store,
      config: job.config,
      clientFor: () => client,
    });
    const result = await engine.syncLibrary(job.libraryId, {
      kind: job.kind,
      trigger: job.trigger,
      signal,
      onProgress: (progress) => send({ type: 'progress', progress }),
      retryWaits: (listener) => retries.on('wait', listener),
    });
    send({ type: 'result', result });
  } finally {
    client.close();
    store.close();
  }
}

port.on('message', (m: ParentMessage) => {
  if (m.type === 'abort') {
    controller?.abort(m.reason);
    return;
  }
  const current = new AbortController();
  controller = current;
  run(m.job, current.signal)
    .catch((err: unknown) => send({ type: 'error', error: serializeError(err) }))
    .finally(() => {
      if (controller === current) controller = null;
    });
});
