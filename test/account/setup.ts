// A real SQLite file, a real file vault and the account context pointed at a running fake Plex.
import { join } from 'node:path';
import { createAccountContext, type AccountContext } from '../../src-main/core/account/account-context';
import { createFileVault, VAULT_FILE } from '../../src-main/core/account/file-vault';
import type { PinLoginEvent } from '../../src-main/core/account/pin-login';
import type { Store } from '../../src-main/core/store/database';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import type { FakePlex } from '../fake-plex';
import { tempStore } from '../helpers/temp';

export interface AccountSetup extends AccountContext {
  store: Store;
  dir: string;
  vaultFile: string;
  cleanup: () => void;
}

export function accountSetup(fake: FakePlex): AccountSetup {
  const { store, dir, cleanup } = tempStore();
  const vaultFile = join(dir, VAULT_FILE);
  const ctx = createAccountContext({
    db: store.db,
    config: {
      ...DEFAULT_CONFIG,
      plex_tv_url: fake.plexTvUrl,
      plex_auth_app_url: `${fake.plexTvUrl}/auth`,
      api_timeout_seconds: 5,
      // The product's retry count with short waits: plex.tv faults are retried as in the app.
      retry_delay_seconds: 0.01,
    },
    vault: createFileVault(vaultFile),
    actor: 'cli',
  });
  return { ...ctx, store, dir, vaultFile, cleanup };
}

/** Plays the person in the browser: approves each PIN as soon as it is shown. */
export function approveWhenShown(fake: FakePlex): (e: PinLoginEvent) => void {
  return (e) => {
    if (e.state === 'waiting') fake.control.approvePin(e.pin.id);
  };
}
