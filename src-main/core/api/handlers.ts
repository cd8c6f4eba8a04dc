// The core API: every channel of the contract, implemented over the core modules. Arguments arrive
// already validated (dispatch.ts); what goes back is built from allow-listed views, never a token.
import { inArray } from 'drizzle-orm';
import type { Config } from '../../../src-shared/config-schema';
import type { ApiHandlers, AppInfo, LibraryView, PathCheckView } from '../../../src-shared/ipc/contract';
import { accountView, type AccountService } from '../account/account-service';
import type { TokenVault } from '../account/vault';
import type { ConfigStore } from '../config/config-store';
import { RetroVueError, UserError } from '../errors/errors';
import type { SyncService } from '../service/sync-service';
import type { Store } from '../store/database';
import { recordAudit, type AuditActor } from '../store/repositories/audit-repository';
import {
  countErrorRetry,
  getSyncError,
  pageSyncErrors,
  resolveErrorsById,
} from '../store/repositories/error-repository';
import { getItemDetail, sampleLibraryFile, searchItems } from '../store/repositories/item-query-repository';
import { getLibrary, listLibraries, setLibrariesSelected } from '../store/repositories/library-repository';
import { nextRunByLibrary } from '../store/repositories/schedule-repository';
import { getServer, listServers, removeServer } from '../store/repositories/server-repository';
import { itemCountsByLibrary } from '../store/repositories/status-repository';
import { libraries } from '../store/schema';
import { createPathMapper } from '../sync/path-mapping';
import type { LoginSession } from './login-session';
import type { ServerDirectory } from './ports';
import { folderExists, recheckPaths } from './path-recheck';
import { scheduleExtras } from './schedule-extras';
import { statsView } from './stats-view';
import { libraryStatusView, recentChanges, recordFailuresBeforeRun } from './status-view';
import { errorView, libraryView, serverView } from './views';

export interface ApiContext {
  store: Store;
  config: ConfigStore;
  vault: TokenVault;
  account: AccountService;
  login: LoginSession;
  servers: ServerDirectory;
  sync: SyncService;
  info: AppInfo;
  /** Who the audit log names for what people do here ('ui' in the desktop app, 'web' in serve). */
  actor: AuditActor;
  /** Opens a folder in the system file manager. */
  openPath(path: string): Promise<void>;
}

export class NotFoundError extends RetroVueError {
  constructor(what: string) {
    super(`${what} does not exist`, { code: 'NOT_FOUND', userFacing: true });
  }
}

export function createApiHandlers(ctx: ApiContext): ApiHandlers {
  const db = ctx.store.db;
  recordFailuresBeforeRun(db, ctx.sync);

  const librariesView = (serverId?: number): LibraryView[] => {
    const counts = itemCountsByLibrary(db);
    const nextRuns = nextRunByLibrary(db);
    return listLibraries(db, serverId).map((l) =>
      libraryView(l, {
        counts: counts.get(l.id) ?? {},
        nextSyncAt: l.selected ? (nextRuns.get(l.id) ?? null) : null,
        progress: ctx.sync.progress(l.id),
      }),
    );
  };

  const requireLibraries = (ids: number[]): void => {
    const known = new Set(
      db
        .select({ id: libraries.id })
        .from(libraries)
        .where(inArray(libraries.id, ids))
        .all()
        .map((r) => r.id),
    );
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) throw new NotFoundError(`library ${missing.join(', ')}`);
  };

  return {
    'app:info': () => ctx.info,
    'app:openPath': async ({ which }) => {
      await ctx.openPath(which === 'logs' ? ctx.info.logDir : ctx.info.dataDir);
    },
    'health:get': () => ctx.sync.health(),

    'account:get': () => {
      const a = ctx.account.current();
      return a ? accountView(a) : null;
    },
    'account:logout': async () => {
      // The account service records login and logout in the audit log, whoever triggers them.
      ctx.login.cancel();
      await ctx.account.logout();
    },
    'login:start': () => ctx.login.start(),
    'login:cancel': () => ctx.login.cancel(),
    'login:status': () => ctx.login.status(),

    'servers:list': () => listServers(db).map(serverView),
    'servers:refresh': async () => {
      await ctx.servers.refresh();
      ctx.sync.reload();
      return listServers(db).map(serverView);
    },
    'servers:addManual': async ({ url, token }) => {
      // Audited as server_added by addManualServer, in the same transaction as the server row.
      const row = await ctx.servers.addManual(url, token);
      ctx.sync.reload();
      return serverView(row);
    },
    'servers:remove': async ({ serverId }) => {
      const server = getServer(db, serverId);
      if (!server) throw new NotFoundError(`server ${serverId}`);
      for (const l of listLibraries(db, serverId)) ctx.sync.cancel(l.id);
      if (server.tokenRef) await ctx.vault.delete(server.tokenRef);
      removeServer(db, serverId);
      ctx.sync.reload();
      recordAudit(db, {
        actor: ctx.actor,
        action: 'server_removed',
        details: { name: server.name, machineIdentifier: server.machineIdentifier },
      });
    },

    'libraries:list': (request) => librariesView(request?.serverId),
    'libraries:refresh': async ({ serverId }) => {
      if (!getServer(db, serverId)) throw new NotFoundError(`server ${serverId}`);
      await ctx.servers.refreshLibraries(serverId);
      ctx.sync.reload();
      return librariesView(serverId);
    },
    'libraries:select': ({ libraryIds, selected }) => {
      requireLibraries(libraryIds);
      setLibrariesSelected(db, libraryIds, selected);
      ctx.sync.reload();
      return librariesView();
    },
    'paths:check': ({ libraryId }): PathCheckView => {
      const library = getLibrary(db, libraryId);
      if (!library) throw new NotFoundError(`library ${libraryId}`);
      const server = getServer(db, library.serverId);
      const sample = sampleLibraryFile(db, libraryId);
      if (!sample) {
        return {
          libraryId,
          sample: null,
          state: null,
          message: 'no file synced yet: run a sync of this library first',
        };
      }
      const mapper = createPathMapper(ctx.config.config.path_replacements, server?.machineIdentifier ?? null);
      const { localPath, mapped, state } = mapper.check(sample.plexPath);
      const exists = state === 'found';
      const message = exists
        ? `found on this computer${mapped ? ` as ${localPath}` : ''}`
        : mapped
          ? `not found at ${localPath}: check the path replacement`
          : `not found at ${localPath}: add a path replacement from the Plex folder to where it is on this computer`;
      return {
        libraryId,
        sample: { title: sample.title, plexPath: sample.plexPath, localPath, exists },
        state: sample.state,
        message,
      };
    },

    'status:libraries': () => libraryStatusView(db),
    'status:recentChanges': () => recentChanges(db),
    'paths:recheck': () => recheckPaths(ctx.store, ctx.config.config.path_replacements),
    'paths:folderExists': ({ path }) => folderExists(path),
    'sync:start': ({ libraryIds, kind }) => {
      let ids = libraryIds;
      if (ids === undefined)
        ids = listLibraries(db)
          .filter((l) => l.selected)
          .map((l) => l.id);
      else requireLibraries(ids);
      if (ids.length === 0) throw new UserError('no library is selected for syncing', 'NOTHING_SELECTED');
      const queue = ctx.sync.requestSync({ libraryIds: ids, kind, trigger: 'manual', jump: true });
      recordAudit(db, { actor: ctx.actor, action: 'manual_sync', details: { libraryIds: ids, kind } });
      return queue;
    },
    'sync:cancel': ({ libraryId }) => ctx.sync.cancel(libraryId),
    'sync:pause': () => ctx.sync.pause(),
    'sync:resume': () => ctx.sync.resume(),
    'sync:queue': () => ctx.sync.queue(),

    'schedules:list': () => ctx.sync.schedules.list(),
    'schedules:update': ({ id, cron, enabled }) => {
      const patch = {
        ...(cron !== undefined ? { cron } : {}),
        ...(enabled !== undefined ? { enabled } : {}),
      };
      return ctx.sync.schedules.update(id, patch);
    },
    'schedules:describe': ({ cron }) => ctx.sync.schedules.describe(cron),
    'schedules:extras': () => scheduleExtras(db),

    'errors:list': ({ includeResolved, ...filter }) => {
      const page = pageSyncErrors(db, { ...filter, unresolvedOnly: !includeResolved });
      return { rows: page.rows.map((r) => errorView(r.error, r)), total: page.total };
    },
    'errors:resolve': ({ ids }) => {
      const resolved = resolveErrorsById(db, ids);
      recordAudit(db, { actor: ctx.actor, action: 'errors_resolved', details: { ids, resolved } });
      return { resolved };
    },
    'errors:retry': ({ id }) => {
      const error = getSyncError(db, id);
      if (!error) throw new NotFoundError(`error ${id}`);
      if (error.libraryId === null)
        throw new UserError('this error is not tied to a library; nothing to retry', 'NOTHING_TO_RETRY');
      countErrorRetry(db, id);
      const queue = ctx.sync.requestSync({
        libraryIds: [error.libraryId],
        kind: 'incremental',
        trigger: 'manual',
        jump: true,
      });
      recordAudit(db, {
        actor: ctx.actor,
        action: 'error_retried',
        details: { errorId: id, libraryId: error.libraryId },
      });
      return queue;
    },
    'stats:get': ({ since }) => statsView(db, since),

    'items:search': (search) => searchItems(db, search),
    'items:get': ({ kind, id }) => {
      const detail = getItemDetail(db, kind, id);
      if (!detail) throw new NotFoundError(`${kind} ${id}`);
      return detail;
    },

    'config:get': () => ctx.config.config,
    'config:update': async (patch): Promise<Config> => {
      const result = await ctx.config.update(patch);
      // Keys only, as `retrovue config set` records them: values stay in config.json.
      recordAudit(db, {
        actor: ctx.actor,
        action: 'config_changed',
        details: { keys: Object.keys(patch), changed: result.changed },
      });
      return result.config;
    },
  };
}
