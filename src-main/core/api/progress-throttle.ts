// The forwarder's guard against flooding a renderer: progress of one run goes out at most once per
// interval (the latest snapshot wins, the last one is always delivered); every other event passes
// straight through, in order.
import type { EventMap, EventName } from '../../../src-shared/ipc/contract';
import type { EventBus } from './event-bus';

export const PROGRESS_INTERVAL_MS = 100;

export type EventSink = <E extends EventName>(event: E, payload: EventMap[E]) => void;

interface Slot {
  lastSentAt: number;
  pending: { event: EventName; payload: unknown } | null;
  timer: NodeJS.Timeout | null;
}

function progressKey(event: EventName, payload: unknown): string | null {
  if (event === 'sync:progress') return `p:${(payload as EventMap['sync:progress']).runId}`;
  if (event === 'service:event') {
    const e = payload as EventMap['service:event'];
    if (e.type === 'progress') return `s:${e.progress.runId}`;
  }
  return null;
}

/** Subscribes `sink` to every event of `bus`, throttling progress per run; returns the unsubscribe. */
export function forwardEvents(
  bus: EventBus,
  sink: EventSink,
  options: { intervalMs?: number; now?: () => number } = {},
): () => void {
  const interval = options.intervalMs ?? PROGRESS_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const slots = new Map<string, Slot>();
  const send = (event: EventName, payload: unknown): void =>
    (sink as (e: EventName, p: unknown) => void)(event, payload);

  const flush = (key: string): void => {
    const slot = slots.get(key);
    if (!slot) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (!slot.pending) return;
    const { event, payload } = slot.pending;
    slot.pending = null;
    slot.lastSentAt = now();
    send(event, payload);
  };

  const off = bus.onAny((event, payload) => {
    const key = progressKey(event, payload);
    if (key === null) {
      // A run's final events must not overtake its last progress snapshot.
      if (event === 'service:event') for (const k of [...slots.keys()]) flush(k);
      send(event, payload);
      return;
    }
    const slot = slots.get(key) ?? { lastSentAt: -Infinity, pending: null, timer: null };
    slots.set(key, slot);
    const wait = slot.lastSentAt + interval - now();
    if (wait <= 0 && !slot.timer) {
      slot.lastSentAt = now();
      send(event, payload);
      return;
    }
    slot.pending = { event, payload };
    slot.timer ??= setTimeout(() => flush(key), Math.max(0, wait));
  });

  return () => {
    off();
    for (const slot of slots.values()) if (slot.timer) clearTimeout(slot.timer);
    slots.clear();
  };
}
