// A 17K-item sync must not cost 17K store updates: progress is coalesced per library and flushed
// on a timer, whatever rate it arrives at.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventBus } from '../../src-main/core/api/event-bus';
import { createAppStores } from '../../src-renderer/stores';
import { connectEvents } from '../../src-renderer/stores/events';
import { PROGRESS_FLUSH_MS } from '../../src-renderer/stores/libraries-store';
import { ApiCallError, type Channel, type RetroVueApi } from '../../src-shared/ipc/contract';
import type { SyncProgress } from '../../src-shared/sync-types';

// Only the event side matters here: any request fails loudly.
function eventOnlyApi(bus: ReturnType<typeof createEventBus>): RetroVueApi {
  return {
    invoke: ((channel: Channel) =>
      Promise.reject(
        new ApiCallError({ code: 'UNEXPECTED', message: `unexpected ${channel}` }),
      )) as RetroVueApi['invoke'],
    on: (event, listener) => bus.on(event, listener),
  };
}

const progress = (libraryId: number, done: number, total = 17_000): SyncProgress => ({
  runId: libraryId * 10,
  serverId: 1,
  libraryId,
  libraryTitle: `Library ${libraryId}`,
  phase: 'episodes',
  done,
  total,
  itemsPerSecond: 400,
  etaSeconds: (total - done) / 400,
  currentTitle: `Episode ${done}`,
});

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('progress coalescing', () => {
  it('turns 17,000 progress events for two libraries into one store update per flush', () => {
    const bus = createEventBus();
    const stores = createAppStores(eventOnlyApi(bus));
    const disconnect = connectEvents(stores);
    let updates = 0;
    stores.libraries.subscribe(() => updates++);

    for (let i = 1; i <= 17_000; i++) {
      bus.emit('service:event', { type: 'progress', progress: progress(1, i), at: i });
      if (i % 2 === 0)
        bus.emit('service:event', { type: 'progress', progress: progress(2, i / 2, 8500), at: i });
      if (i % 1000 === 0) vi.advanceTimersByTime(PROGRESS_FLUSH_MS / 5);
    }
    vi.advanceTimersByTime(PROGRESS_FLUSH_MS);

    const state = stores.libraries.getState();
    expect(state.progress[1]?.done).toBe(17_000);
    expect(state.progress[2]?.done).toBe(8500);
    // 17 bursts 1/5 of a flush apart = ~4 flushes, plus the final one.
    expect(updates).toBeGreaterThan(0);
    expect(updates).toBeLessThanOrEqual(6);
    disconnect();
  });

  it("drops a library's progress when its run finishes, even with a flush pending", () => {
    const bus = createEventBus();
    const stores = createAppStores(eventOnlyApi(bus));
    const disconnect = connectEvents(stores);
    bus.emit('service:event', { type: 'progress', progress: progress(3, 10), at: 1 });
    vi.advanceTimersByTime(PROGRESS_FLUSH_MS);
    expect(stores.libraries.getState().progress[3]?.done).toBe(10);

    bus.emit('service:event', { type: 'progress', progress: progress(3, 20), at: 2 });
    bus.emit('service:event', {
      type: 'failed',
      libraryId: 3,
      runId: 30,
      errorClass: 'network',
      message: 'connection refused',
      retryAt: null,
      at: Date.now(),
    });
    vi.advanceTimersByTime(PROGRESS_FLUSH_MS);
    expect(stores.libraries.getState().progress[3]).toBeUndefined();
    disconnect();
  });
});
