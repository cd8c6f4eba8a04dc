import { createStore } from 'zustand/vanilla';
import type { ItemDetailView, ItemRow, RetroVueApi } from '../../src-shared/ipc/contract';
import type { ItemKind, MediaState } from '../../src-shared/domain';
import { errorMessage } from '../lib/errors';

export const ITEM_PAGE_SIZE = 50;

export interface ItemFilters {
  kind: ItemKind;
  libraryId?: number;
  state?: MediaState;
  query: string;
}

export interface ItemsState {
  filters: ItemFilters;
  rows: ItemRow[];
  total: number;
  offset: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  detail: ItemDetailView | null;
  detailError: string | null;
  setFilters(patch: Partial<ItemFilters>): Promise<void>;
  search(offset?: number): Promise<void>;
  open(row: { kind: ItemKind; id: number } | null): Promise<void>;
}

export function createItemsStore(api: RetroVueApi) {
  // Only the newest search may write results: typing fires several.
  let generation = 0;
  return createStore<ItemsState>()((set, get) => ({
    filters: { kind: 'movie', query: '' },
    rows: [],
    total: 0,
    offset: 0,
    status: 'idle',
    error: null,
    detail: null,
    detailError: null,
    async setFilters(patch) {
      // A detail of another kind would sit beside a list it is not part of.
      const kindChanged = patch.kind !== undefined && patch.kind !== get().filters.kind;
      set((s) => ({
        filters: { ...s.filters, ...patch },
        ...(kindChanged ? { detail: null, detailError: null } : {}),
      }));
      await get().search(0);
    },
    async search(offset = get().offset) {
      const mine = ++generation;
      const { filters } = get();
      set({ status: 'loading' });
      try {
        const page = await api.invoke('items:search', {
          kind: filters.kind,
          libraryId: filters.libraryId,
          state: filters.state,
          query: filters.query.trim() || undefined,
          limit: ITEM_PAGE_SIZE,
          offset,
        });
        if (mine === generation)
          set({ rows: page.rows, total: page.total, offset, status: 'ready', error: null });
      } catch (error) {
        if (mine === generation) set({ status: 'error', error: errorMessage(error) });
      }
    },
    async open(row) {
      if (!row) {
        set({ detail: null, detailError: null });
        return;
      }
      try {
        set({ detail: await api.invoke('items:get', { kind: row.kind, id: row.id }), detailError: null });
      } catch (error) {
        set({ detail: null, detailError: errorMessage(error) });
      }
    },
  }));
}
