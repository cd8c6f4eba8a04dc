// The application core, composed once: database, configuration, account, discovery, the sync
// service and the API handlers over them, with one typed event stream. The Electron main process,
// `retrovue serve` and the tests all start the app through here, so they behave the same.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../src-shared/config-schema';
import type { ApiHandlers, AppInfo } from '../../src-shared/ipc/contract';
import type { ServiceEvent } from '../../src-shared/service-events';
import { createAccountContext } from './account/account-context';
import type { TokenVault } from './account/vault';
import { createEventBus, type EventBus } from './api/event-bus';
import { createApiHandlers } from './api/handlers';
import { LoginSession } from './api/login-session';
import type { ServerDirectory } from './api/ports';
import { accountView } from './account/account-service';
import { ConfigStore } from './config/config-store';
import { refreshServers } from './discovery/discover';
import { refreshLibraries } from './discovery/library-refresh';
import { addManualServer } from './discovery/manual-server';
import { resolveServerAccess } from './discovery/server-access';
import { describeError } from './errors/errors';
import { configureLogging, getLogger, setLogLevel } from './logging/logger';
import { identityHeaders, PRODUCT_VERSION } from './plex/identity';
import { createServerClient } from './plex/server-client';
import { DB_FILE, locateMigrations } from './paths';
import { scheduledOperations } from './service/operations';
import { createSyncService, type SyncService } from './service/sync-service';
import type { ArtworkSource } from './artwork/artwork-route';
import { openStore, type Store } from './store/database';
import { listLibraries, setLibrariesSelected } from './store/repositories/library-repository';
import { listServers } from './store/repositories/server-repository';

export type ShellKind = 'electron' | 'web';

/** What the shell shows as a native notification (desktop) — finished syncs with changes, failures, login needed. */
export interface CoreNotification {
  kind: 'sync_finished' | 'sync_failed' | 'needs_login';
  title: string;
  body: string;
}

export interface DemoServer {
  url: string;
  token: string;
}

export interface AppCoreOptions {
  dataDir: string;
  /** Default: retrovue.db in dataDir. */
  dbPath?: string;
  migrationsFolder?: string;
  /** better-sqlite3's compiled module to load (the Electron main's build for Electron's ABI). */
  sqliteBinding?: string | null;
  vault: TokenVault;
  shell: ShellKind;
  /** Opens a URL in the person's browser: the plex.tv sign-in page (desktop app). */
  openExternal?: (url: string) => Promise<void>;
  /** Opens a folder in the file manager ("open logs folder"). */
  openPath?: (path: string) => Promise<void>;
  notify?: (notification: CoreNotification) => void;
  /** Added as a manual server when no server is known yet (`npm run demo`). */
  demo?: DemoServer | null;
  /** Loopback health endpoint; default: config health_port. null turns it off (tests, a second instance). */
  healthPort?: number | null;
  /** Log to files in dataDir/logs (default true). */
  fileLogging?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Discovery by GDM broadcast on refresh (default true). */
  gdm?: boolean;
  loginPollIntervalMs?: number;
}

export interface AppCore {
  readonly handlers: ApiHandlers;
  readonly events: EventBus;
  readonly info: AppInfo;
  /** The effective configuration now (the shell reads close_to_tray, start_at_login). */
  config(): Config;
  /** Pictures for the renderer's artwork URLs (src-shared/artwork-url.ts). */
  readonly artwork: ArtworkSource | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The demo server from `npm run demo`'s environment, when both variables are set. */
export function demoServerFromEnv(env: NodeJS.ProcessEnv = process.env): DemoServer | null {
  const url = env.RETROVUE_DEMO_SERVER_URL;
  const token = env.RETROVUE_DEMO_TOKEN;
  return url && token ? { url, token } : null;
}

const log = getLogger('core');

/** A repeated "login needed" for the same account or server within this time is not notified again. */
const LOGIN_NOTICE_QUIET_MS = 10 * 60_000;

export function createAppCore(options: AppCoreOptions): AppCore {
  mkdirSync(options.dataDir, { recursive: true });
  const logDir = join(options.dataDir, 'logs');
  const config = ConfigStore.open({ dataDir: options.dataDir, ...(options.env ? { env: options.env } : {}) });
  if (options.fileLogging ?? true) {
    const c = config.config;
    configureLogging({
      dir: logDir,
      level: c.log_level,
      maxFileMb: c.log_max_file_mb,
      maxFiles: c.log_max_files,
    });
  }
  const databasePath = options.dbPath ?? join(options.dataDir, DB_FILE);
  const store: Store = openStore(databasePath, {
    migrationsFolder: options.migrationsFolder ?? locateMigrations(),
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
  });
  const actor = options.shell === 'electron' ? 'ui' : 'web';
  const events = createEventBus();

  try {
    const account = createAccountContext({
      db: store.db,
      config: config.config,
      vault: options.vault,
      actor,
    });
    const timeoutMs = () => config.config.api_timeout_seconds * 1000;

    const serverAccess = (serverId: number) =>
      resolveServerAccess(store.db, options.vault, account.identity, { serverId, timeoutMs: timeoutMs() });

    const servers: ServerDirectory = {
      async refresh(signal) {
        const c = config.config;
        const result = await refreshServers({
          db: store.db,
          vault: options.vault,
          plexTv: account.plexTv,
          accounts: account.accounts,
          identity: account.identity,
          gdm: options.gdm === false ? null : { address: c.gdm_address, port: c.gdm_port },
          ...(signal ? { signal } : {}),
        });
        for (const p of result.problems) log.warn(`server discovery: ${p.message}`, { source: p.source });
        return result.servers;
      },
      addManual: (url, token, signal) =>
        addManualServer({
          db: store.db,
          vault: options.vault,
          identity: account.identity,
          url,
          token,
          actor,
          timeoutMs: timeoutMs(),
          ...(signal ? { signal } : {}),
        }),
      async refreshLibraries(serverId, signal) {
        const access = await serverAccess(serverId);
        const client = createServerClient({
          baseUrl: access.baseUrl,
          token: access.token,
          identity: account.identity,
          timeoutMs: timeoutMs(),
        });
        try {
          await refreshLibraries(store.db, serverId, client, signal);
        } finally {
          client.close();
        }
      },
    };

    const sync: SyncService = createSyncService({
      store,
      config: () => config.config,
      subscribeConfig: (listener) => config.subscribe(() => listener()),
      engine: {
        dataDir: options.dataDir,
        identity: account.identity,
        onUnauthorized: (serverId, message) => account.accounts.reportServerUnauthorized(serverId, message),
      },
      serverAccess,
      operations: scheduledOperations(store, () => config.config, options.dataDir),
      identityHeaders: identityHeaders(account.identity),
      logger: getLogger('service'),
      version: PRODUCT_VERSION,
      ...(options.healthPort !== null ? { healthPort: options.healthPort ?? config.config.health_port } : {}),
    });

    const login = new LoginSession({
      account: account.accounts,
      onState: (view) => events.emit('login:state', view),
      ...(options.openExternal ? { openExternal: options.openExternal } : {}),
      ...(options.loginPollIntervalMs !== undefined ? { pollIntervalMs: options.loginPollIntervalMs } : {}),
    });

    const info: AppInfo = {
      version: PRODUCT_VERSION,
      platform: process.platform,
      dataDir: options.dataDir,
      logDir,
      databasePath,
      shell: options.shell,
      demo: Boolean(options.demo),
    };

    const handlers = createApiHandlers({
      store,
      config,
      vault: options.vault,
      account: account.accounts,
      login,
      servers,
      sync,
      info,
      actor,
      openPath: async (path) => {
        if (!options.openPath) throw new Error('opening folders is not available here');
        await options.openPath(path);
      },
    });

    const notify = (n: CoreNotification): void => {
      if (!options.notify) return;
      try {
        options.notify(n);
      } catch (err) {
        log.warn('notification failed', { error: describeError(err) });
      }
    };

    const loginNotices = new Map<string, number>();
    const onServiceEvent = (e: ServiceEvent): void => {
      events.emit('service:event', e);
      if (e.type === 'progress') {
        events.emit('sync:progress', e.progress);
        return;
      }
      if (e.type === 'finished') {
        const r = e.result;
        const changes = r.added + r.updated + r.removed;
        if (changes > 0) {
          notify({
            kind: 'sync_finished',
            title: `${r.libraryTitle} synced`,
            body: `${r.added} added, ${r.updated} updated, ${r.removed} removed`,
          });
        }
      } else if (e.type === 'failed') {
        const title =
          listLibraries(store.db).find((l) => l.id === e.libraryId)?.title ?? `library ${e.libraryId}`;
        notify({ kind: 'sync_failed', title: `Sync of ${title} failed`, body: e.message });
      } else if (e.type === 'needs_login') {
        // The queue and the account service both report the same refused token: say it once.
        const key = `${e.scope}:${e.serverId ?? ''}`;
        const last = loginNotices.get(key) ?? -Infinity;
        loginNotices.set(key, e.at);
        if (e.at - last > LOGIN_NOTICE_QUIET_MS)
          notify({ kind: 'needs_login', title: 'Plex login needed', body: e.message });
      }
      if (
        [
          'state',
          'paused',
          'resumed',
          'started',
          'finished',
          'failed',
          'needs_login',
          'server_cooldown',
        ].includes(e.type)
      ) {
        events.emit('health:changed', sync.health());
      }
    };

    const subscriptions: (() => void)[] = [];
    const subscribe = (): void => {
      subscriptions.push(sync.on(onServiceEvent));
      subscriptions.push(
        account.accounts.events.on('account-changed', (summary) => {
          events.emit('account:changed', summary ? accountView(summary) : null);
          events.emit('health:changed', sync.health());
          if (summary) void discoverAfterLogin();
        }),
      );
      subscriptions.push(
        account.accounts.events.on('needs-login', (e) => {
          onServiceEvent({
            type: 'needs_login',
            scope: e.scope,
            serverId: e.scope === 'server' ? e.id : null,
            message: `${e.name}: ${e.reason}`,
            at: Date.now(),
          });
        }),
      );
      subscriptions.push(
        config.subscribe((change) => {
          events.emit('config:changed', change.config);
          if (change.changed.includes('log_level')) setLogLevel(change.config.log_level);
        }),
      );
    };

    // A fresh login brings its servers and their libraries along, so the person can pick at once.
    const discoverAfterLogin = async (): Promise<void> => {
      try {
        const found = await servers.refresh();
        for (const s of found) {
          if (s.needsLogin || !s.chosenUri) continue;
          await servers
            .refreshLibraries(s.id)
            .catch((err: unknown) =>
              log.warn('library refresh after login failed', { server: s.name, error: describeError(err) }),
            );
        }
        sync.reload();
      } catch (err) {
        log.warn('server discovery after login failed', { error: describeError(err) });
      }
    };

    const addDemoServer = async (demo: DemoServer): Promise<void> => {
      if (listServers(store.db).length > 0) return;
      const server = await servers.addManual(demo.url, demo.token);
      await servers.refreshLibraries(server.id);
      // The demo exists to show syncing: every library is selected, which queues its first sync.
      setLibrariesSelected(
        store.db,
        listLibraries(store.db, server.id).map((l) => l.id),
        true,
      );
      sync.reload();
      log.info('demo server added', { name: server.name });
    };

    let started = false;
    return {
      handlers,
      events,
      info,
      config: () => config.config,
      artwork: sync.artwork,
      async start() {
        if (started) return;
        started = true;
        subscribe();
        await sync.start();
        if (options.demo) {
          await addDemoServer(options.demo).catch((err: unknown) =>
            log.error('could not add the demo server', { error: describeError(err) }),
          );
        }
        void account.accounts
          .startHealthChecks()
          .catch((err: unknown) => log.warn('account check failed', { error: describeError(err) }));
        events.emit('health:changed', sync.health());
      },
      async stop() {
        login.dispose();
        account.accounts.stopHealthChecks();
        for (const off of subscriptions.splice(0)) off();
        try {
          if (started) await sync.stop();
        } finally {
          started = false;
          store.close();
        }
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}
