// The application as a window or a browser shows it: the composition root's services
// (core-services.ts), the API handlers over them, one typed event stream and the notifications.
// The Electron main process, `retrovue serve` and the tests all start the app through here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../src-shared/config-schema';
import type { ApiHandlers, AppInfo } from '../../src-shared/ipc/contract';
import { heldDeletionsText } from '../../src-shared/held-deletions';
import type { ServiceEvent } from '../../src-shared/service-events';
import type { TokenVault } from './account/vault';
import { createEventBus, type EventBus } from './api/event-bus';
import { createApiHandlers } from './api/handlers';
import { LoginSession } from './api/login-session';
import { accountView } from './account/account-service';
import { createCoreServices } from './core-services';
import { describeError } from './errors/errors';
import { configureLogging, getLogger, setLogLevel } from './logging/logger';
import { PRODUCT_VERSION } from './plex/identity';
import type { ConfigStore } from './config/config-store';
import { getLibrary } from './store/repositories/library-repository';
import type { ArtworkSource } from './artwork/artwork-route';

export type ShellKind = 'electron' | 'web';

/**
 * What the shell shows as a native notification (desktop) — finished syncs with changes, failures,
 * login needed, and deletions held because one listing would have emptied much of a library.
 * Failures are already filtered here: by the failure_notifications setting, and one per server in
 * FAILURE_NOTICE_QUIET_MS (a server that is down fails every library on it).
 */
export interface CoreNotification {
  kind: 'sync_finished' | 'sync_failed' | 'needs_login' | 'deletions_held';
  title: string;
  body: string;
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

const log = getLogger('core');

export function heldDeletionsNotification(
  libraryTitle: string,
  held: { count: number; stored: number },
): CoreNotification {
  return {
    kind: 'deletions_held',
    title: `${libraryTitle}: deletions held`,
    body: heldDeletionsText(libraryTitle, held),
  };
}

/** A repeated "login needed" for the same account or server within this time is not notified again. */
const LOGIN_NOTICE_QUIET_MS = 10 * 60_000;
/** After a failure is notified, further failures on the same server stay quiet for this long. */
export const FAILURE_NOTICE_QUIET_MS = 10 * 60_000;

export function createAppCore(options: AppCoreOptions): AppCore {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const logDir = join(options.dataDir, 'logs');
  const actor = options.shell === 'electron' ? 'ui' : 'web';
  const core = createCoreServices({
    dataDir: options.dataDir,
    vault: options.vault,
    actor,
    ...(options.env ? { env: options.env } : {}),
    ...(options.dbPath ? { dbPath: options.dbPath } : {}),
    ...(options.migrationsFolder ? { migrationsFolder: options.migrationsFolder } : {}),
    ...(options.sqliteBinding ? { sqliteBinding: options.sqliteBinding } : {}),
    ...(options.gdm !== undefined ? { gdm: options.gdm } : {}),
    ...(options.healthPort !== undefined ? { healthPort: options.healthPort } : {}),
  });
  const config: ConfigStore = core.configStore;
  if (options.fileLogging ?? true) {
    const c = config.config;
    configureLogging({
      dir: logDir,
      level: c.log_level,
      maxFileMb: c.log_max_file_mb,
      maxFiles: c.log_max_files,
    });
  }
  const store = core.store;
  const events = createEventBus();

  try {
    const account = core.account;
    const servers = core.servers;
    const sync = core.sync;

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
      databasePath: core.databasePath,
      shell: options.shell,
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
    const failureNotices = new Map<string, number>();
    const onServiceEvent = (e: ServiceEvent): void => {
      events.emit('service:event', e);
      if (e.type === 'progress') return;
      if (e.type === 'finished') {
        const r = e.result;
        const changes = r.added + r.updated + r.removed;
        // Told once per held set: the runs that hold the same set again stay quiet.
        if (r.heldDeletions?.fresh) notify(heldDeletionsNotification(r.libraryTitle, r.heldDeletions));
        if (changes > 0) {
          notify({
            kind: 'sync_finished',
            title: `${r.libraryTitle} synced`,
            body: `${r.added} added, ${r.updated} updated, ${r.removed} removed`,
          });
        }
      } else if (e.type === 'failed') {
        const library = getLibrary(store.db, e.libraryId);
        const key = library ? `server:${library.serverId}` : `library:${e.libraryId}`;
        const last = failureNotices.get(key) ?? -Infinity;
        // Read on every failure, so turning it off in Settings takes effect at once.
        if (config.config.failure_notifications && e.at - last >= FAILURE_NOTICE_QUIET_MS) {
          failureNotices.set(key, e.at);
          notify({
            kind: 'sync_failed',
            title: `Sync of ${library?.title ?? `library ${e.libraryId}`} failed`,
            body: e.message,
          });
        }
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
      // A token check (at start and periodically) moves the account's "checked" time or its state:
      // the account view and the health pill show it at once.
      subscriptions.push(
        account.accounts.events.on('token-health', () => {
          const summary = account.accounts.current();
          events.emit('account:changed', summary ? accountView(summary) : null);
          events.emit('health:changed', sync.health());
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
          core.close();
        }
      },
    };
  } catch (err) {
    core.close();
    throw err;
  }
}
