// The desktop app's vault: the vault file with every entry encrypted by the OS (Electron's
// safeStorage, passed in as a cipher), or — only when the person allows it — kept plain in the
// 0600 file where the OS offers no encryption.
import { createFileVault, type VaultCodec } from './file-vault';
import type { TokenVault } from './vault';
import { VaultEntryUnreadableError, VaultUnavailableError } from './vault-errors';

/** The part of Electron's safeStorage the vault needs; tests pass a cipher of their own. */
export interface StringCipher {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface EncryptedVaultOptions {
  /**
   * The person agreed to keep tokens unencrypted (in a 0600 file) because the OS offers no
   * encryption (e.g. Linux without a keyring). Without it, storing a token then fails with
   * VaultUnavailableError so the shell can ask first.
   */
  allowPlaintextFallback?: boolean;
}

/**
 * A vault file whose entries are encrypted with `cipher` (safeStorage in the desktop app). The file
 * is 0600 as well, so a plaintext fallback entry is still readable only by the user.
 */
export function createEncryptedVault(
  cipher: StringCipher,
  file: string,
  options: EncryptedVaultOptions = {},
): TokenVault {
  const available = (): boolean => {
    try {
      return cipher.isEncryptionAvailable();
    } catch {
      return false;
    }
  };
  const codec: VaultCodec = {
    get scheme() {
      return available() ? 'cipher' : 'plain';
    },
    encode(token) {
      if (available()) return { scheme: 'cipher', data: cipher.encryptString(token).toString('base64') };
      if (options.allowPlaintextFallback) return { scheme: 'plain', data: token };
      throw new VaultUnavailableError(
        'this system offers no encryption for stored secrets (no OS keyring); ' +
          'RetroVue will only store the Plex token unencrypted (readable by your user only) if you allow it',
      );
    },
    decode(entry) {
      if (entry.scheme === 'plain') return entry.data;
      if (!available()) {
        throw new VaultEntryUnreadableError(
          'the stored Plex token is encrypted but the system encryption is not available now; sign in again',
        );
      }
      return cipher.decryptString(Buffer.from(entry.data, 'base64'));
    },
  };
  const inner = createFileVault(file, codec);
  return {
    get: (ref) => inner.get(ref),
    set: (ref, token) => inner.set(ref, token),
    delete: (ref) => inner.delete(ref),
    get isEncrypted() {
      return available();
    },
  };
}
