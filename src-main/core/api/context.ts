// What the API handlers work over, and the error they share. Each domain's handlers take only
// the part of it they use, so the CLI can call the same handlers with what it has.
import type { AppInfo } from '../../../src-shared/ipc/contract';
import type { AccountService } from '../account/account-service';
import type { TokenVault } from '../account/vault';
import type { ConfigStore } from '../config/config-store';
import { RetroVueError } from '../errors/errors';
import type { SyncService } from '../service/sync-service';
import type { Store } from '../store/database';
import type { AuditActor } from '../store/repositories/audit-repository';
import type { LoginSession } from './login-session';
import type { ServerDirectory } from './ports';

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
