// Where Plex tokens live. The database only ever holds a vault reference (`token_ref`); the token
// itself is behind this interface: an encrypted file in the desktop app (Electron's safeStorage is
// passed in as a cipher: encrypted-vault.ts), a user-only (0600) file for the CLI and headless mode
// (file-vault.ts).
export { VaultEntryUnreadableError, VaultUnavailableError } from './vault-errors';

export interface TokenVault {
  get(ref: string): Promise<string | null>;
  set(ref: string, token: string): Promise<void>;
  delete(ref: string): Promise<void>;
  /** True when tokens are encrypted at rest (not merely protected by file permissions). */
  readonly isEncrypted: boolean;
}

export const accountTokenRef = (plexUuid: string): string => `account:${plexUuid}`;
export const serverTokenRef = (machineIdentifier: string): string => `server:${machineIdentifier}`;
