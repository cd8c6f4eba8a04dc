import { createStore } from 'zustand/vanilla';
import type { ErrorView, RetroVueApi } from '../../src-shared/ipc/contract';
import type { ErrorClass } from '../../src-shared/domain';
import { errorMessage } from '../lib/errors';

export const ERROR_PAGE_SIZE = 50;

export interface ErrorFilters {
  errorClass?: ErrorClass;
  serverId?: number;
  libraryId?: number;
  /** Window length in days; undefined = all time. */
  days?: number;
  includeResolved: boolean;
}

export interface ErrorsState {
  filters: ErrorFilters;
  rows: ErrorView[];
  total: number;
  offset: number;
  selectedId: number | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  setFilters(patch: Partial<ErrorFilters>): Promise<void>;
  load(offset?: number): Promise<void>;
  open(id: number | null): void;
  resolve(ids: number[]): Promise<number>;
  retry(id: number): Promise<void>;
}

export function createErrorsStore(api: RetroVueApi) {
  return createStore<ErrorsState>()((set, get) => ({
    filters: { includeResolved: false },
    rows: [],
    total: 0,
    offset: 0,
    selectedId: null,
    status: 'idle',
    error: null,
    async setFilters(patch) {
      set((s) => ({ filters: { ...s.filters, ...patch } }));
      await get().load(0);
    },
    async load(offset = get().offset) {
      const { filters } = get();
      if (!get().rows.length) set({ status: 'loading' });
      try {
        const page = await api.invoke('errors:list', {
          errorClass: filters.errorClass,
          serverId: filters.serverId,
          libraryId: filters.libraryId,
          since: filters.days ? Date.now() - filters.days * 86_400_000 : undefined,
          includeResolved: filters.includeResolved,
          limit: ERROR_PAGE_SIZE,
          offset,
        });
        set({ rows: page.rows, total: page.total, offset, status: 'ready', error: null });
      } catch (error) {
        set({ status: 'error', error: errorMessage(error) });
      }
    },
    open: (selectedId) => set({ selectedId }),
    async resolve(ids) {
      const { resolved } = await api.invoke('errors:resolve', { ids });
      await get().load();
      return resolved;
    },
    async retry(id) {
      await api.invoke('errors:retry', { id });
    },
  }));
}
