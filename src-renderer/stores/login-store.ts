// The PIN login: plex.tv hands out a code, the user approves it in a browser, main polls and reports.
import { createStore } from 'zustand/vanilla';
import type { PinView, RetroVueApi } from '../../src-shared/ipc/contract';
import { errorMessage } from '../lib/errors';

export interface LoginState {
  pin: PinView | null;
  busy: boolean;
  error: string | null;
  start(): Promise<void>;
  cancel(): Promise<void>;
  poll(): Promise<void>;
  setPin(pin: PinView): void;
  reset(): void;
}

export function createLoginStore(api: RetroVueApi) {
  return createStore<LoginState>()((set) => ({
    pin: null,
    busy: false,
    error: null,
    async start() {
      set({ busy: true, error: null });
      try {
        set({ pin: await api.invoke('login:start'), busy: false });
      } catch (error) {
        set({ busy: false, error: errorMessage(error) });
      }
    },
    async cancel() {
      try {
        set({ pin: await api.invoke('login:cancel') });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    async poll() {
      try {
        const pin = await api.invoke('login:status');
        if (pin) set({ pin });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },
    setPin: (pin) => set({ pin }),
    reset: () => set({ pin: null, busy: false, error: null }),
  }));
}
