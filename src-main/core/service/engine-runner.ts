// The real runner behind the queue: one SyncEngine run per request, with the server reached the
// way the account layer says (vault token, checked connection) and the configuration as it is at
// the moment the run starts.
import type { Config } from '../../../src-shared/config-schema';
import type { ServerEndpoint } from '../discovery/server-access';
import type { ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import { getLibrary } from '../store/repositories/library-repository';
import { PlexAuthError, UserError } from '../errors/errors';
import { SyncEngine } from '../sync/engine';
import type { LibraryRunner } from './run-queue';

export interface EngineRunnerOptions {
  store: Store;
  config: () => Config;
  serverAccess: (serverId: number) => Promise<ServerEndpoint>;
  /** The composition root's client factory (timeouts and retries from the configuration). */
  clientFor: (endpoint: ServerEndpoint) => ServerClient;
  /** The server refused the token: the account layer marks it as needing a login. */
  onUnauthorized?: (serverId: number, message: string) => Promise<void>;
}

export function createEngineRunner(opts: EngineRunnerOptions): LibraryRunner {
  return async (request, context) => {
    const library = getLibrary(opts.store.db, request.libraryId);
    if (!library) throw new UserError(`library ${request.libraryId} does not exist`, 'NOT_FOUND');
    const config = opts.config();
    let access: ServerEndpoint;
    try {
      access = await opts.serverAccess(library.serverId);
    } catch (err) {
      if (err instanceof PlexAuthError) await opts.onUnauthorized?.(library.serverId, err.message);
      throw err;
    }
    const client = opts.clientFor(access);
    let announced = false;
    try {
      const engine = new SyncEngine({
        store: opts.store,
        config,
        clientFor: () => client,
      });
      const result = await engine.syncLibrary(request.libraryId, {
        kind: request.kind,
        trigger: request.trigger,
        signal: context.signal,
        onProgress: (progress) => {
          if (!announced) {
            announced = true;
            context.onStarted(progress.runId);
          }
          context.onProgress(progress);
        },
      });
      if (!announced) context.onStarted(result.runId);
      return result;
    } catch (err) {
      if (err instanceof PlexAuthError) await opts.onUnauthorized?.(library.serverId, err.message);
      throw err;
    } finally {
      client.close();
    }
  };
}
