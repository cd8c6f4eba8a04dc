// The core's event stream (EventMap): what the Electron shell and the websocket bridge forward to
// the renderer, and what the tray and notifications listen to. One typed emitter (src-shared).
import type { EventMap } from '../../../src-shared/ipc/contract';
import { createEmitter, type TypedEmitter } from '../../../src-shared/typed-emitter';
import { getLogger } from '../logging/logger';

export type EventBus = TypedEmitter<EventMap>;

const log = getLogger('events');

export function createEventBus(): EventBus {
  return createEmitter<EventMap>((err) => log.error('event listener failed', { error: err }));
}
