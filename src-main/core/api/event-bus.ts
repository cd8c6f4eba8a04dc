// The typed event stream of the core (EventMap): what the Electron shell and the websocket bridge
// forward to the renderer, and what the tray and notifications listen to.
import type { EventMap, EventName } from '../../../src-shared/ipc/contract';
import { getLogger } from '../logging/logger';

export type EventListener<E extends EventName> = (payload: EventMap[E]) => void;
export type AnyEventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export interface EventBus {
  on<E extends EventName>(event: E, listener: EventListener<E>): () => void;
  /** Every event, in order: for the forwarders. */
  onAny(listener: AnyEventListener): () => void;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
}

const log = getLogger('events');

export function createEventBus(): EventBus {
  const byEvent = new Map<EventName, Set<(payload: unknown) => void>>();
  const any = new Set<AnyEventListener>();
  // A listener that throws must not stop the others (a closed window must not stop the tray).
  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      log.error('event listener failed', { error: err });
    }
  };
  return {
    on(event, listener) {
      const set = byEvent.get(event) ?? new Set();
      byEvent.set(event, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    onAny(listener) {
      any.add(listener);
      return () => any.delete(listener);
    },
    emit(event, payload) {
      for (const l of [...(byEvent.get(event) ?? [])]) safely(() => l(payload));
      for (const l of [...any]) safely(() => l(event, payload));
    },
  };
}
