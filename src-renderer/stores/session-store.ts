// Who is logged in, how the service is doing, and what this app is: the header's data.
import { createStore } from 'zustand/vanilla';
import type { AccountView, AppInfo, RetroVueApi } from '../../src-shared/ipc/contract';
import type { HealthStatus } from '../../src-shared/service-events';
import { errorMessage } from '../lib/errors';

export interface SessionState {
  info: AppInfo | null;
  account: AccountView | null;
  health: HealthStatus | null;
  /** False until the first account/info answer: the app shows a splash until then. */
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  refreshHealth(): Promise<void>;
  setAccount(account: AccountView | null): void;
  setHealth(health: HealthStatus): void;
  logout(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
}

export function createSessionStore(api: RetroVueApi) {
  return createStore<SessionState>()((set) => ({
    info: null,
    account: null,
    health: null,
    loaded: false,
    error: null,
    async load() {
      try {
        const [info, account, health] = await Promise.all([
          api.invoke('app:info'),
          api.invoke('account:get'),
          api.invoke('health:get'),
        ]);
        set({ info, account, health, loaded: true, error: null });
      } catch (error) {
        set({ loaded: true, error: errorMessage(error) });
      }
    },
    async refreshHealth() {
      try {
        set({ health: await api.invoke('health:get') });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    setAccount: (account) => set({ account }),
    setHealth: (health) => set({ health }),
    async logout() {
      await api.invoke('account:logout');
      set({ account: null });
    },
    async pause() {
      set({ health: await api.invoke('sync:pause') });
    },
    async resume() {
      set({ health: await api.invoke('sync:resume') });
    },
  }));
}
