// The event forwarder's guard: progress at most once per 100 ms per run, the last snapshot always
// delivered, other events immediately and in order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventName } from '../../src-shared/ipc/contract';
import type { SyncProgress } from '../../src-shared/sync-types';
import { createEventBus } from '../../src-main/core/api/event-bus';
import { forwardEvents } from '../../src-main/core/api/progress-throttle';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';

const progress = (runId: number, done: number): SyncProgress => ({
  runId,
  serverId: 1,
  libraryId: runId,
  libraryTitle: `Library ${runId}`,
  phase: 'movies',
  done,
  total: 1000,
  itemsPerSecond: 10,
  etaSeconds: 1,
  currentTitle: null,
});

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('progress throttle', () => {
  it('sends a run’s progress at most every 100 ms and always its latest snapshot', () => {
    const bus = createEventBus();
    const sent: { event: EventName; payload: unknown }[] = [];
    const stop = forwardEvents(bus, (event, payload) => sent.push({ event, payload }));
    // 1000 items in one second, one event per item from an unthrottled source.
    for (let i = 1; i <= 1000; i++) {
      bus.emit('sync:progress', progress(1, i));
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    const dones = sent.map((s) => (s.payload as SyncProgress).done);
    expect(dones.length).toBeGreaterThanOrEqual(9);
    expect(dones.length).toBeLessThanOrEqual(11);
    expect(dones.at(-1)).toBe(1000);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    stop();
  });

  it('throttles runs independently and lets other events through at once, after the pending progress', () => {
    const bus = createEventBus();
    const sent: string[] = [];
    const stop = forwardEvents(bus, (event, payload) =>
      sent.push(
        event === 'sync:progress'
          ? `p${(payload as SyncProgress).runId}:${(payload as SyncProgress).done}`
          : event,
      ),
    );
    bus.emit('sync:progress', progress(1, 1));
    bus.emit('sync:progress', progress(2, 1));
    bus.emit('sync:progress', progress(1, 2));
    bus.emit('config:changed', DEFAULT_CONFIG);
    expect(sent).toEqual(['p1:1', 'p2:1', 'config:changed']);
    bus.emit('service:event', { type: 'paused', at: 1 });
    // A service event flushes the progress held back, so "finished" never overtakes it.
    expect(sent).toEqual(['p1:1', 'p2:1', 'config:changed', 'p1:2', 'service:event']);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(5);
    stop();
    bus.emit('config:changed', DEFAULT_CONFIG);
    expect(sent).toHaveLength(5);
  });
});
