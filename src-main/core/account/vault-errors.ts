import { RetroVueError } from '../errors/errors';

/** The vault cannot keep a token the way it was asked to (no encryption and no consent). */
export class VaultUnavailableError extends RetroVueError {
  constructor(message: string) {
    super(message, { code: 'VAULT_UNAVAILABLE', userFacing: true });
  }
}

/**
 * A stored token exists but this process cannot read it: the desktop app encrypted it with the
 * OS keychain, which the command line has no access to. Not a revoked token: nothing is marked.
 */
export class VaultEntryUnreadableError extends RetroVueError {
  constructor(message: string) {
    super(message, { code: 'VAULT_UNREADABLE', errorClass: 'auth', userFacing: true });
  }
}
