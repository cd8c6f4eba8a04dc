// The signed-in Plex account: PIN login, logout, token validation and health. A token plex.tv or a
// server refuses (401) marks the account or server "needs login" once and stops further use of it,
// so a dead token never turns into a stream of failing requests.
import type { AccountView } from '../../../src-shared/ipc/contract';
import { createEmitter } from '../../../src-shared/typed-emitter';
import { CancelledError, describeError, PlexAuthError, RetroVueError } from '../errors/errors';
import { getLogger, type Logger } from '../logging/logger';
import { registerSecret } from '../logging/redact';
import type { PlexIdentity } from '../plex/identity';
import type { PlexTvClient } from '../plex/plextv-client';
import type { Db } from '../store/database';
import {
  getAccount,
  getCurrentAccount,
  listAccountServers,
  listAccounts,
  markAccountNeedsLogin,
  markAccountValidated,
  removeAccount,
  upsertAccount,
  type AccountRow,
} from '../store/repositories/account-repository';
import { recordAudit, type AuditActor } from '../store/repositories/audit-repository';
import { getServer, setServerNeedsLogin } from '../store/repositories/server-repository';
import { PinLogin, type PinLoginEvent } from './pin-login';
import { accountTokenRef, VaultEntryUnreadableError, type TokenVault } from './vault';

/** What the UI and the CLI may see of an account (never the token): the app's view plus its ids. */
export interface AccountSummary extends AccountView {
  id: number;
  uuid: string;
}

/** `unreadable`: a token is stored but this process cannot decrypt it (the app's, seen from the CLI). */
export type TokenHealth = 'ok' | 'needs_login' | 'unreachable' | 'unreadable' | 'no_account';

export interface NeedsLoginEvent {
  scope: 'account' | 'server';
  id: number;
  name: string;
  reason: string;
}

export type AccountEvents = {
  'account-changed': AccountSummary | null;
  'needs-login': NeedsLoginEvent;
  'token-health': { accountId: number; health: TokenHealth; checkedAt: number };
};

/** Work for an account or server stopped because its token was refused; a new login fixes it. */
export class NeedsLoginError extends RetroVueError {
  constructor(what: string, fix = 'run `retrovue login` (or sign in from the app)') {
    super(`${what}: ${fix}`, {
      code: 'NEEDS_LOGIN',
      errorClass: 'auth',
      userFacing: true,
    });
  }
}

export interface AccountServiceOptions {
  db: Db;
  vault: TokenVault;
  plexTv: PlexTvClient;
  identity: PlexIdentity;
  /** Config plex_auth_app_url. */
  authAppUrl: string;
  /** Who acts, for the audit log: 'cli' or 'ui'. */
  actor: AuditActor;
  log?: Logger;
}

export interface LoginOptions {
  signal?: AbortSignal;
  /** Expired PINs replaced automatically before giving up (default 2). */
  autoRenew?: number;
  onEvent?: (e: PinLoginEvent) => void;
  pollIntervalMs?: number;
}

/** Built field by field (an allow-list); also takes an account row, whose fields share these names. */
export function accountView(a: AccountView): AccountView {
  return {
    username: a.username,
    title: a.title,
    email: a.email,
    avatarUrl: a.avatarUrl,
    needsLogin: a.needsLogin,
    validatedAt: a.validatedAt,
  };
}

function toAccountSummary(a: AccountRow): AccountSummary {
  return { id: a.id, uuid: a.plexUuid, ...accountView(a) };
}

export class AccountService {
  private readonly log: Logger;
  readonly events = createEmitter<AccountEvents>((err) =>
    this.log.error('account event listener failed', { error: describeError(err) }),
  );
  private healthTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: AccountServiceOptions) {
    this.log = opts.log ?? getLogger('account');
  }

  current(): AccountSummary | null {
    const a = getCurrentAccount(this.opts.db);
    return a ? toAccountSummary(a) : null;
  }

  /** A PIN flow wired to this installation's identity; the UI drives it step by step. */
  createPinLogin(options: Omit<LoginOptions, 'signal' | 'onEvent'> = {}): PinLogin {
    return new PinLogin({
      plexTv: this.opts.plexTv,
      authAppUrl: this.opts.authAppUrl,
      clientIdentifier: this.opts.identity.clientIdentifier,
      product: this.opts.identity.product,
      autoRenew: options.autoRenew ?? 2,
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    });
  }

  /** The whole PIN login: create, wait for approval, validate and store the token. */
  async login(options: LoginOptions = {}): Promise<AccountSummary> {
    const flow = this.createPinLogin(options);
    if (options.onEvent) flow.on(options.onEvent);
    await flow.start(options.signal);
    const token = await flow.waitForToken(options.signal);
    return this.completeLogin(token, options.signal);
  }

  /**
   * Validates a freshly obtained token with plex.tv and keeps it. RetroVue works with one account:
   * signing in as someone else signs the previous account out (its synced data stays).
   */
  async completeLogin(token: string, signal?: AbortSignal): Promise<AccountSummary> {
    registerSecret(token);
    let user;
    try {
      user = await this.opts.plexTv.getUser(token, signal ? { signal } : {});
    } catch (err) {
      if (err instanceof PlexAuthError) {
        throw new PlexAuthError('plex.tv refused the token it just issued; try logging in again', {
          status: err.status ?? 401,
        });
      }
      throw err;
    }
    const tokenRef = accountTokenRef(user.uuid);
    await this.opts.vault.set(tokenRef, token);
    for (const other of listAccounts(this.opts.db)) {
      if (other.plexUuid !== user.uuid) await this.forget(other, 'replaced by another login');
    }
    const row = upsertAccount(this.opts.db, {
      plexUuid: user.uuid,
      plexId: user.plexId,
      username: user.username,
      title: user.title,
      email: user.email,
      avatarUrl: user.avatarUrl,
      tokenRef,
    });
    recordAudit(this.opts.db, {
      actor: this.opts.actor,
      action: 'login',
      details: { username: row.username },
    });
    this.log.info('signed in to plex.tv', {
      username: row.username,
      encryptedVault: this.opts.vault.isEncrypted,
    });
    const summary = toAccountSummary(row);
    this.events.emit('account-changed', summary);
    return summary;
  }

  /** Forgets the current account and the tokens that came with it. Returns false when none. */
  async logout(): Promise<boolean> {
    const account = getCurrentAccount(this.opts.db);
    if (!account) return false;
    await this.forget(account, 'logout');
    this.events.emit('account-changed', null);
    return true;
  }

  /** The account token for plex.tv calls; NeedsLoginError when there is none that works. */
  async accountToken(accountId?: number): Promise<{ account: AccountRow; token: string }> {
    const account =
      accountId === undefined ? getCurrentAccount(this.opts.db) : getAccount(this.opts.db, accountId);
    if (!account) throw new NeedsLoginError('RetroVue is not signed in to Plex');
    if (account.needsLogin)
      throw new NeedsLoginError(`the Plex account ${account.username} needs a new login`);
    const token = await this.opts.vault.get(account.tokenRef);
    if (!token) throw new NeedsLoginError(`no stored token for the Plex account ${account.username}`);
    return { account, token };
  }

  /** GET /api/v2/user: refreshes the name and avatar, or marks the account on a 401. */
  validate(accountId?: number, signal?: AbortSignal): Promise<TokenHealth> {
    return this.check(accountId, 'validate', signal);
  }

  /** GET /api/v2/ping: keeps the token alive (plex.tv's refresh), same outcome rules as validate. */
  ping(accountId?: number, signal?: AbortSignal): Promise<TokenHealth> {
    return this.check(accountId, 'ping', signal);
  }

  /** Validates now, then pings every `intervalMs` (default daily). Accounts needing login are skipped. */
  startHealthChecks(intervalMs = 24 * 60 * 60 * 1000): Promise<TokenHealth> {
    this.stopHealthChecks();
    this.healthTimer = setInterval(() => {
      void this.ping().catch((err: unknown) =>
        this.log.warn('token ping failed', { error: describeError(err) }),
      );
    }, intervalMs);
    this.healthTimer.unref();
    return this.validate();
  }

  stopHealthChecks(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
  }

  /**
   * A server answered 401: stop using it until the next login. Reported once per server, then the
   * account token is checked once so a revoked account is caught too.
   */
  async reportServerUnauthorized(serverId: number, reason = 'the server refused the token'): Promise<void> {
    const server = getServer(this.opts.db, serverId);
    if (!server || server.needsLogin) return;
    setServerNeedsLogin(this.opts.db, serverId, true);
    this.log.warn('server refused its token; marked as needing login', { server: server.name, reason });
    this.events.emit('needs-login', { scope: 'server', id: serverId, name: server.name, reason });
    if (server.accountId !== null) await this.validate(server.accountId);
  }

  /** plex.tv answered 401 to a call made with the account token (resources, for instance). */
  reportAccountUnauthorized(accountId: number, reason = 'plex.tv refused the token'): void {
    const account = getAccount(this.opts.db, accountId);
    if (account && !account.needsLogin) this.markNeedsLogin(account, reason);
  }

  private async check(
    accountId: number | undefined,
    kind: 'validate' | 'ping',
    signal?: AbortSignal,
  ): Promise<TokenHealth> {
    const account =
      accountId === undefined ? getCurrentAccount(this.opts.db) : getAccount(this.opts.db, accountId);
    if (!account) return 'no_account';
    if (account.needsLogin) return 'needs_login';
    let token: string | null;
    try {
      token = await this.opts.vault.get(account.tokenRef);
    } catch (err) {
      if (err instanceof VaultEntryUnreadableError) return 'unreadable';
      throw err;
    }
    let health: TokenHealth;
    if (!token) {
      this.markNeedsLogin(account, 'no token in the vault');
      health = 'needs_login';
    } else {
      try {
        const opts = signal ? { signal } : {};
        if (kind === 'validate') {
          const user = await this.opts.plexTv.getUser(token, opts);
          markAccountValidated(this.opts.db, account.id, {
            username: user.username,
            title: user.title,
            email: user.email,
            avatarUrl: user.avatarUrl,
          });
        } else {
          await this.opts.plexTv.ping(token, opts);
          markAccountValidated(this.opts.db, account.id);
        }
        health = 'ok';
      } catch (err) {
        if (err instanceof CancelledError) throw err;
        if (err instanceof PlexAuthError) {
          this.markNeedsLogin(account, 'plex.tv refused the token');
          health = 'needs_login';
        } else {
          // plex.tv down or unreachable: the token may be fine; keep it and try again later.
          this.log.warn(`token ${kind} could not reach plex.tv`, { error: describeError(err) });
          health = 'unreachable';
        }
      }
    }
    this.events.emit('token-health', { accountId: account.id, health, checkedAt: Date.now() });
    return health;
  }

  private markNeedsLogin(account: AccountRow, reason: string): void {
    markAccountNeedsLogin(this.opts.db, account.id);
    this.log.warn('plex.tv account needs a new login', { username: account.username, reason });
    this.events.emit('needs-login', { scope: 'account', id: account.id, name: account.username, reason });
  }

  private async forget(account: AccountRow, why: string): Promise<void> {
    const refs = new Set([account.tokenRef]);
    for (const s of listAccountServers(this.opts.db, account.id)) if (s.tokenRef) refs.add(s.tokenRef);
    for (const ref of refs) await this.opts.vault.delete(ref);
    removeAccount(this.opts.db, account.id);
    recordAudit(this.opts.db, {
      actor: this.opts.actor,
      action: 'logout',
      details: { username: account.username, reason: why },
    });
    this.log.info('signed out of plex.tv', { username: account.username, reason: why });
  }
}
