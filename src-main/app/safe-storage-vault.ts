// The desktop app's token vault: entries encrypted with Electron's safeStorage (OS keychain,
// DPAPI, libsecret). Where the OS offers no encryption, the person is asked before a token is
// stored unencrypted (in a file only they can read); saying no keeps it out of the disk.
import { dialog, safeStorage, type BrowserWindow } from 'electron';
import { createEncryptedVault } from '../core/account/encrypted-vault';
import { VaultUnavailableError, type TokenVault } from '../core/account/vault';

export interface SafeStorageVaultOptions {
  file: string;
  /** The window the question is attached to, if one is open. */
  window: () => BrowserWindow | null;
}

export const PLAINTEXT_CONSENT_BUTTONS = ['Store it unencrypted', 'Cancel'] as const;

export function createSafeStorageVault(opts: SafeStorageVaultOptions): TokenVault {
  const vault = createEncryptedVault(safeStorage, opts.file, { allowPlaintextFallback: true });
  let consented = false;

  const askConsent = async (): Promise<boolean> => {
    const options = {
      type: 'warning' as const,
      title: 'No secure storage available',
      message: 'This system offers no encrypted storage for the Plex sign-in token (no keyring).',
      detail:
        'RetroVue can keep the token in a file only your user account can read, without encryption. ' +
        'Anyone with access to your user account could read it. Cancel to stay signed out.',
      buttons: [...PLAINTEXT_CONSENT_BUTTONS],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
    };
    const win = opts.window();
    const { response } =
      win && !win.isDestroyed()
        ? await dialog.showMessageBox(win, options)
        : await dialog.showMessageBox(options);
    return response === 0;
  };

  return {
    get isEncrypted() {
      return vault.isEncrypted;
    },
    get: (ref) => vault.get(ref),
    delete: (ref) => vault.delete(ref),
    async set(ref, token) {
      if (!safeStorage.isEncryptionAvailable() && !consented) {
        consented = await askConsent();
        if (!consented)
          throw new VaultUnavailableError(
            'the token was not stored: encrypted storage is not available and storing it unencrypted was declined',
          );
      }
      await vault.set(ref, token);
    },
  };
}
