import { createStore } from 'zustand/vanilla';
import type { RetroVueApi, StatsView, UndoRunView } from '../../src-shared/ipc/contract';
import { errorMessage } from '../lib/errors';

export interface ActivityState {
  days: number;
  stats: StatsView | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  setDays(days: number): Promise<void>;
  load(): Promise<void>;
  /** What undoing a run would set back (dryRun) or did; the runs reload after a real undo. */
  undoRun(runId: number, dryRun: boolean): Promise<UndoRunView>;
}

export function createActivityStore(api: RetroVueApi) {
  return createStore<ActivityState>()((set, get) => ({
    days: 30,
    stats: null,
    status: 'idle',
    error: null,
    async setDays(days) {
      set({ days });
      await get().load();
    },
    async undoRun(runId, dryRun) {
      const report = await api.invoke('runs:undo', { runId, dryRun });
      if (!dryRun) await get().load();
      return report;
    },
    async load() {
      if (!get().stats) set({ status: 'loading' });
      try {
        const stats = await api.invoke('stats:get', { since: Date.now() - get().days * 86_400_000 });
        set({ stats, status: 'ready', error: null });
      } catch (error) {
        set({ status: 'error', error: errorMessage(error) });
      }
    },
  }));
}
