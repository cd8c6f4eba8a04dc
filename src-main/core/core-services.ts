// The composition root: configuration, database, account, server access, the one Plex client
// factory and the sync service, built once and the same way for the desktop app, web mode, the
// daemon and every CLI command. Each part is made on first use, so `retrovue config show` opens
// no database and `retrovue status` starts no service.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../../src-shared/config-schema';
import { createAccountContext, type AccountContext } from './account/account-context';
import type { TokenVault } from './account/vault';
import type { ServerDirectory } from './api/ports';
import { ConfigStore } from './config/config-store';
import { refreshServers, type DiscoveryResult } from './discovery/discover';
import { refreshLibraries } from './discovery/library-refresh';
import { addManualServer } from './discovery/manual-server';
import { resolveServerAccess, type ServerAccess, type ServerEndpoint } from './discovery/server-access';
import { FileSystemError, PlexAuthError } from './errors/errors';
import type { RetryAttemptInfo } from './errors/retry';
import { getLogger, type Logger } from './logging/logger';
import { DB_FILE, locateMigrations } from './paths';
import { identityHeaders, PRODUCT_VERSION } from './plex/identity';
import { configuredServerClient } from './plex/client-factory';
import type { ServerClient } from './plex/server-client';
import { scheduledOperations } from './service/operations';
import { createSyncService, type SyncService } from './service/sync-service';
import { openStore, type Store } from './store/database';
import type { AuditActor } from './store/repositories/audit-repository';

export interface CoreServicesOptions {
  dataDir: string;
  vault: TokenVault;
  /** Who the audit log names: 'ui' (desktop), 'web' (serve), 'cli'. */
  actor: AuditActor;
  /** Environment overrides of the configuration (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Default: retrovue.db in dataDir. */
  dbPath?: string;
  migrationsFolder?: string;
  /** better-sqlite3's compiled module to load (the Electron main's build for Electron's ABI). */
  sqliteBinding?: string | null;
  /** Discovery by GDM broadcast on refresh (default true). */
  gdm?: boolean;
  /** Loopback health endpoint of the sync service; default: config health_port; null: none. */
  healthPort?: number | null;
  /** Logger the sync service writes to (default: 'service'). */
  serviceLogger?: Logger;
  /** For commands that only look: the database is never created, changed or migrated. */
  readonly?: boolean;
}

export interface CoreServices {
  readonly dataDir: string;
  readonly databasePath: string;
  readonly actor: AuditActor;
  readonly vault: TokenVault;
  readonly configStore: ConfigStore;
  /** The effective configuration now (runtime changes included). */
  config(): Config;
  readonly store: Store;
  readonly account: AccountContext;
  /** The stored server's URL and token; `serverId` omitted = the only (or only owned) server. */
  /** `verify: false` skips the /identity probe of the remembered connection (the caller's first request tells). */
  serverAccess(
    serverId?: number,
    signal?: AbortSignal,
    options?: { verify?: boolean },
  ): Promise<ServerAccess>;
  /** The one Plex Media Server client factory: timeouts and retries from the configuration. */
  /** `onRetry` hears each retry wait of the client's requests (the CLI's progress shows them). */
  serverClientFor(target: ServerEndpoint, onRetry?: (info: RetryAttemptInfo) => void): ServerClient;
  /** A client for a stored server; a 401 marks the server as needing a login. */
  withServerClient<T>(
    serverId: number,
    fn: (client: ServerClient, access: ServerAccess) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>;
  readonly servers: ServerDirectory & {
    /** Discovery with every problem reported (the CLI shows them; the app logs them). */
    discover(options?: { signal?: AbortSignal; gdm?: boolean }): Promise<DiscoveryResult>;
  };
  readonly sync: SyncService;
  /** Closes the database if it was opened (stop the sync service first). */
  close(): void;
}

const log = getLogger('core');

export function createCoreServices(options: CoreServicesOptions): CoreServices {
  const { dataDir, vault, actor } = options;
  const databasePath = options.dbPath ?? join(dataDir, DB_FILE);
  const configStore = ConfigStore.open({ dataDir, ...(options.env ? { env: options.env } : {}) });
  const config = (): Config => configStore.config;
  const timeoutMs = () => config().api_timeout_seconds * 1000;

  const migrationsFolder = (): string => options.migrationsFolder ?? locateMigrations();
  let store: Store | null = null;
  let account: AccountContext | null = null;
  let sync: SyncService | null = null;

  const openDatabase = (): Store => {
    if (store) return store;
    if (!options.readonly) {
      try {
        mkdirSync(dirname(databasePath), { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new FileSystemError(`cannot create ${dirname(databasePath)}: ${(err as Error).message}`, err);
      }
    }
    store = openStore(databasePath, {
      migrationsFolder: migrationsFolder(),
      ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
      ...(options.readonly ? { readonly: true } : {}),
    });
    return store;
  };
  const accountContext = (): AccountContext =>
    (account ??= createAccountContext({ db: openDatabase().db, config: config(), vault, actor }));

  const serverAccess = (
    serverId?: number,
    signal?: AbortSignal,
    access: { verify?: boolean } = {},
  ): Promise<ServerAccess> =>
    resolveServerAccess(openDatabase().db, vault, accountContext().identity, {
      ...(serverId !== undefined ? { serverId } : {}),
      timeoutMs: timeoutMs(),
      ...(signal ? { signal } : {}),
      ...(access.verify === false ? { verify: false } : {}),
    });

  const logRetry = (i: RetryAttemptInfo): void =>
    log.info('retrying a Plex request', {
      errorClass: i.classification.errorClass,
      error: i.classification.message,
      attempt: i.attempt,
      retriesLeft: i.retriesLeft,
    });
  const serverClientFor = (
    endpoint: ServerEndpoint,
    onRetry?: (info: RetryAttemptInfo) => void,
  ): ServerClient =>
    configuredServerClient(endpoint, accountContext().identity, config(), (info) => {
      logRetry(info);
      onRetry?.(info);
    });

  const reportUnauthorized = (serverId: number, message: string) =>
    accountContext().accounts.reportServerUnauthorized(serverId, message);

  async function withServerClient<T>(
    serverId: number,
    fn: (client: ServerClient, access: ServerAccess) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const access = await serverAccess(serverId, signal);
    const client = serverClientFor(access);
    try {
      return await fn(client, access);
    } catch (err) {
      if (err instanceof PlexAuthError) await reportUnauthorized(serverId, err.message);
      throw err;
    } finally {
      client.close();
    }
  }

  const discover = (o: { signal?: AbortSignal; gdm?: boolean } = {}): Promise<DiscoveryResult> => {
    const c = config();
    const a = accountContext();
    const gdm = (o.gdm ?? true) && options.gdm !== false;
    return refreshServers({
      db: openDatabase().db,
      vault,
      plexTv: a.plexTv,
      accounts: a.accounts,
      identity: a.identity,
      gdm: gdm ? { address: c.gdm_address, port: c.gdm_port } : null,
      ...(o.signal ? { signal: o.signal } : {}),
    });
  };

  const servers: CoreServices['servers'] = {
    discover,
    async refresh(signal) {
      const result = await discover(signal ? { signal } : {});
      for (const p of result.problems) log.warn(`server discovery: ${p.message}`, { source: p.source });
      return result.servers;
    },
    addManual: (url, token, signal) =>
      addManualServer({
        db: openDatabase().db,
        vault,
        identity: accountContext().identity,
        clientFor: serverClientFor,
        url,
        token,
        actor,
        timeoutMs: timeoutMs(),
        ...(signal ? { signal } : {}),
      }),
    async refreshLibraries(serverId, signal) {
      await withServerClient(
        serverId,
        (client) => refreshLibraries(openDatabase().db, serverId, client, signal),
        signal,
      );
    },
  };

  const syncService = (): SyncService => {
    if (sync) return sync;
    const db = openDatabase();
    const a = accountContext();
    sync = createSyncService({
      store: db,
      config,
      subscribeConfig: (listener) => configStore.subscribe(() => listener()),
      engine: {
        dataDir,
        identity: a.identity,
        migrationsFolder: migrationsFolder(),
        sqliteBinding: options.sqliteBinding ?? null,
        onUnauthorized: reportUnauthorized,
      },
      serverAccess: (serverId) => serverAccess(serverId),
      operations: scheduledOperations(db, config, dataDir),
      identityHeaders: identityHeaders(a.identity),
      logger: options.serviceLogger ?? getLogger('service'),
      version: PRODUCT_VERSION,
      ...(options.healthPort !== null ? { healthPort: options.healthPort ?? config().health_port } : {}),
    });
    return sync;
  };

  return {
    dataDir,
    databasePath,
    actor,
    vault,
    configStore,
    config,
    get store() {
      return openDatabase();
    },
    get account() {
      return accountContext();
    },
    serverAccess,
    serverClientFor,
    withServerClient,
    servers,
    get sync() {
      return syncService();
    },
    close() {
      store?.close();
    },
  };
}
