// The one event emitter of the product: event name → payload type, so a listener gets exactly its
// event's payload. The core's event stream (what the shell and the web bridge forward), the sync
// service's run events and the account's events are all one of these.

export type EventListener<Events, E extends keyof Events> = (payload: Events[E]) => void;
export type AnyListener<Events> = <E extends keyof Events>(event: E, payload: Events[E]) => void;

export interface TypedEmitter<Events> {
  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: EventListener<Events, E>): () => void;
  /** Every event, in order: for forwarders. */
  onAny(listener: AnyListener<Events>): () => void;
  emit<E extends keyof Events>(event: E, payload: Events[E]): void;
}

/**
 * A listener that throws must not stop the others or the code that emitted (a closed window must
 * not stop the tray, nor a run): its error goes to `onListenerError` and delivery goes on.
 */
export function createEmitter<Events>(
  onListenerError: (err: unknown) => void = () => {},
): TypedEmitter<Events> {
  const byEvent = new Map<keyof Events, Set<(payload: never) => void>>();
  const any = new Set<AnyListener<Events>>();
  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      onListenerError(err);
    }
  };
  return {
    on(event, listener) {
      let set = byEvent.get(event);
      if (!set) byEvent.set(event, (set = new Set()));
      const l = listener as (payload: never) => void;
      set.add(l);
      return () => void set.delete(l);
    },
    onAny(listener) {
      any.add(listener);
      return () => void any.delete(listener);
    },
    emit(event, payload) {
      for (const l of [...(byEvent.get(event) ?? [])])
        safely(() => (l as EventListener<Events, typeof event>)(payload));
      for (const l of [...any]) safely(() => l(event, payload));
    },
  };
}
