import { createStore } from 'zustand/vanilla';
import type { RetroVueApi, ScheduleExtrasView, ScheduleView } from '../../src-shared/ipc/contract';
import { errorMessage } from '../lib/errors';

export interface CronCheck {
  valid: boolean;
  description: string;
  nextRuns: number[];
}

export interface SchedulesState {
  schedules: ScheduleView[];
  extras: Record<number, ScheduleExtrasView>;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load(): Promise<void>;
  update(id: number, patch: { cron?: string; enabled?: boolean }): Promise<ScheduleView>;
  describe(cron: string): Promise<CronCheck>;
}

export function createSchedulesStore(api: RetroVueApi) {
  return createStore<SchedulesState>()((set, get) => ({
    schedules: [],
    extras: {},
    status: 'idle',
    error: null,
    async load() {
      if (!get().schedules.length) set({ status: 'loading' });
      try {
        const [schedules, extras] = await Promise.all([
          api.invoke('schedules:list'),
          api.invoke('schedules:extras'),
        ]);
        set({
          schedules,
          extras: Object.fromEntries(extras.map((e) => [e.id, e])),
          status: 'ready',
          error: null,
        });
      } catch (error) {
        set({ status: 'error', error: errorMessage(error) });
      }
    },
    async update(id, patch) {
      const updated = await api.invoke('schedules:update', { id, ...patch });
      set((s) => ({ schedules: s.schedules.map((x) => (x.id === id ? updated : x)) }));
      return updated;
    },
    describe: (cron) => api.invoke('schedules:describe', { cron }),
  }));
}
