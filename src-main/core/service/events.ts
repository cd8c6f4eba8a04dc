// The service's one typed event stream. The IPC bridge, the CLI and the logs subscribe here, so
// every consumer sees the same events in the same order.
import type { ServiceEvent } from '../../../src-shared/service-events';

export type ServiceEventListener = (event: ServiceEvent) => void;

export interface ServiceEventBus {
  emit(event: ServiceEvent): void;
  /** Adds a listener; returns the function that removes it. */
  on(listener: ServiceEventListener): () => void;
}

/**
 * A listener that throws must not stop the others or the run that emitted the event: its error
 * goes to `onListenerError` (the logger) and delivery continues.
 */
export function createEventBus(onListenerError: (err: unknown) => void = () => {}): ServiceEventBus {
  const listeners = new Set<ServiceEventListener>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
