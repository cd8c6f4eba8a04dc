// Libraries, their live progress and the sync queue. Progress arrives throttled from main (≤ 10/s per
// run) and is coalesced again here, so a 17K-item sync re-renders the dashboard a few times a second.
import { createStore } from 'zustand/vanilla';
import type { LibraryStatusView, LibraryView, RetroVueApi } from '../../src-shared/ipc/contract';
import type { QueueEntry } from '../../src-shared/service-events';
import type { SyncProgress } from '../../src-shared/sync-types';
import { errorMessage } from '../lib/errors';

export const PROGRESS_FLUSH_MS = 250;

export interface LibrariesState {
  libraries: LibraryView[];
  /** Each library's last run and last successful check. */
  statuses: LibraryStatusView[];
  /** Libraries someone asked to sync here and whose outcome is not told yet. */
  requested: number[];
  progress: Record<number, SyncProgress>;
  queue: QueueEntry[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  load(): Promise<void>;
  refreshFromServer(serverId: number): Promise<LibraryView[]>;
  loadQueue(): Promise<void>;
  select(libraryIds: number[], selected: boolean): Promise<void>;
  sync(libraryIds: number[], kind: 'incremental' | 'deep'): Promise<void>;
  cancel(libraryId: number): Promise<void>;
  /** Held mass deletions of a library: remove exactly the held items, or keep them. Returns how many. */
  confirmDeletions(libraryId: number, heldAt: number): Promise<number>;
  keepItems(libraryId: number, heldAt: number): Promise<number>;
  /** Buffered: many calls between flushes cost one store update. */
  pushProgress(progress: SyncProgress): void;
  clearProgress(libraryId: number): void;
  setQueue(queue: QueueEntry[]): void;
  /** True once: the outcome of a sync asked for here is about to be told. */
  takeRequested(libraryId: number): boolean;
}

export function createLibrariesStore(api: RetroVueApi) {
  let buffer = new Map<number, SyncProgress>();
  let flushTimer: ReturnType<typeof setTimeout> | null = null;

  return createStore<LibrariesState>()((set, get) => {
    const flush = () => {
      flushTimer = null;
      const batch = buffer;
      buffer = new Map();
      set((s) => {
        const progress = { ...s.progress };
        for (const [libraryId, p] of batch) progress[libraryId] = p;
        return { progress };
      });
    };

    return {
      libraries: [],
      statuses: [],
      requested: [],
      progress: {},
      queue: [],
      status: 'idle',
      error: null,
      async load() {
        if (!get().libraries.length) set({ status: 'loading' });
        try {
          const [libraries, queue, statuses] = await Promise.all([
            api.invoke('libraries:list', {}),
            api.invoke('sync:queue'),
            api.invoke('status:libraries'),
          ]);
          set((s) => {
            // A library's own progress field seeds the live map after a reload mid-sync.
            const progress = { ...s.progress };
            for (const library of libraries)
              if (library.progress && !progress[library.id]) progress[library.id] = library.progress;
            return { libraries, queue, statuses, progress, status: 'ready', error: null };
          });
        } catch (error) {
          set({ status: 'error', error: errorMessage(error) });
        }
      },
      async refreshFromServer(serverId) {
        const fresh = await api.invoke('libraries:refresh', { serverId });
        set((s) => ({ libraries: [...s.libraries.filter((l) => l.serverId !== serverId), ...fresh] }));
        return fresh;
      },
      async loadQueue() {
        try {
          set({ queue: await api.invoke('sync:queue') });
        } catch (error) {
          set({ error: errorMessage(error) });
        }
      },
      async select(libraryIds, selected) {
        const updated = await api.invoke('libraries:select', { libraryIds, selected });
        const byId = new Map(updated.map((l) => [l.id, l]));
        set((s) => ({ libraries: s.libraries.map((l) => byId.get(l.id) ?? l) }));
      },
      async sync(libraryIds, kind) {
        const queue = await api.invoke('sync:start', { libraryIds, kind });
        set((s) => ({ queue, requested: [...new Set([...s.requested, ...libraryIds])] }));
      },
      async cancel(libraryId) {
        set({ queue: await api.invoke('sync:cancel', { libraryId }) });
      },
      async confirmDeletions(libraryId, heldAt) {
        const { removed } = await api.invoke('deletions:confirm', { libraryId, heldAt });
        await get().load();
        return removed;
      },
      async keepItems(libraryId, heldAt) {
        const { kept } = await api.invoke('deletions:keep', { libraryId, heldAt });
        await get().load();
        return kept;
      },
      pushProgress(progress) {
        buffer.set(progress.libraryId, progress);
        if (!flushTimer) flushTimer = setTimeout(flush, PROGRESS_FLUSH_MS);
      },
      clearProgress(libraryId) {
        buffer.delete(libraryId);
        set((s) => {
          const { [libraryId]: _gone, ...rest } = s.progress;
          return { progress: rest };
        });
      },
      setQueue: (queue) => set({ queue }),
      takeRequested(libraryId) {
        if (!get().requested.includes(libraryId)) return false;
        set((s) => ({ requested: s.requested.filter((id) => id !== libraryId) }));
        return true;
      },
    };
  });
}
