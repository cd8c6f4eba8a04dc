import { createStore } from 'zustand/vanilla';
import type { Config } from '../../src-shared/config-schema';
import type { PathRecheckView, RetroVueApi } from '../../src-shared/ipc/contract';
import { errorMessage } from '../lib/errors';

export interface SettingsState {
  config: Config | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load(): Promise<void>;
  /** Saves; a change of path mappings re-checks every stored file and says what changed. */
  update(patch: Partial<Config>): Promise<{ config: Config; recheck: PathRecheckView | null }>;
  setConfig(config: Config): void;
  openPath(which: 'logs' | 'data'): Promise<void>;
}

export function createSettingsStore(api: RetroVueApi) {
  return createStore<SettingsState>()((set, get) => ({
    config: null,
    status: 'idle',
    error: null,
    async load() {
      if (!get().config) set({ status: 'loading' });
      try {
        set({ config: await api.invoke('config:get'), status: 'ready', error: null });
      } catch (error) {
        set({ status: 'error', error: errorMessage(error) });
      }
    },
    async update(patch) {
      const config = await api.invoke('config:update', patch);
      set({ config });
      const recheck = 'path_replacements' in patch ? await api.invoke('paths:recheck') : null;
      return { config, recheck };
    },
    setConfig: (config) => set({ config }),
    openPath: (which) => api.invoke('app:openPath', { which }),
  }));
}
