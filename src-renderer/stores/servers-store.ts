import { createStore } from 'zustand/vanilla';
import type { RetroVueApi, ServerView } from '../../src-shared/ipc/contract';
import { errorMessage } from '../lib/errors';

export interface ServersState {
  servers: ServerView[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Discovery runs apart from `status`: it is slow and the list stays usable meanwhile. */
  discovering: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Asks plex.tv and the LAN again, measuring each connection. */
  discover(): Promise<void>;
  addManual(url: string, token: string): Promise<ServerView>;
  remove(serverId: number): Promise<void>;
}

export function createServersStore(api: RetroVueApi) {
  return createStore<ServersState>()((set, get) => ({
    servers: [],
    status: 'idle',
    discovering: false,
    error: null,
    async load() {
      set({ status: get().servers.length ? 'ready' : 'loading' });
      try {
        set({ servers: await api.invoke('servers:list'), status: 'ready', error: null });
      } catch (error) {
        set({ status: 'error', error: errorMessage(error) });
      }
    },
    async discover() {
      set({ discovering: true, error: null });
      try {
        set({ servers: await api.invoke('servers:refresh'), status: 'ready', discovering: false });
      } catch (error) {
        set({ discovering: false, error: errorMessage(error) });
      }
    },
    async addManual(url, token) {
      const server = await api.invoke('servers:addManual', { url, token });
      set((s) => ({ servers: [...s.servers.filter((x) => x.id !== server.id), server] }));
      return server;
    },
    async remove(serverId) {
      await api.invoke('servers:remove', { serverId });
      set((s) => ({ servers: s.servers.filter((x) => x.id !== serverId) }));
    },
  }));
}
