// Every media state transition, in one table. The item writer (item-writer.ts), the engine and
// the path re-check ask here; nothing else decides a state, and the store stores what they decide.
import type { MediaState } from '../../../src-shared/domain';
import type { FileCheck } from './path-mapping';

export type StateEvent =
  /**
   * Its payload was stored; `files` says where its files are (`none` for shows/seasons); `trashed`: Plex
   * lists it with every file gone (its trash), which wins over what the files look like here.
   */
  | { type: 'synced'; files: FileCheck | 'none'; trashed?: boolean }
  /** Its payload could not be processed. */
  | { type: 'invalid' }
  /** A complete listing of its library no longer has it. */
  | { type: 'gone' }
  /**
   * A run of an older version marked it scanning and ended without finishing it (runs no longer mark
   * rows: a row changes only when its page commits, library-run.ts).
   */
  | { type: 'scan_abandoned' };

export interface StateSnapshot {
  state: MediaState;
  stateBeforeScan: MediaState | null;
}

const FROM_FILES: Record<FileCheck | 'none', MediaState> = {
  found: 'normal',
  none: 'normal',
  missing: 'unavailable',
  unmapped: 'remote_only',
  invalid: 'unavailable',
};

/** The state after `event` for an item currently in `current` (null: a new item). */
export function transition(current: StateSnapshot | null, event: StateEvent): StateSnapshot {
  switch (event.type) {
    case 'synced':
      return { state: event.trashed ? 'trashed' : FROM_FILES[event.files], stateBeforeScan: null };
    case 'invalid':
      return { state: 'error', stateBeforeScan: null };
    case 'gone':
      return { state: 'file_not_found', stateBeforeScan: null };
    case 'scan_abandoned':
      if (!current || current.state !== 'scanning')
        return current ?? { state: 'normal', stateBeforeScan: null };
      return { state: current.stateBeforeScan ?? 'normal', stateBeforeScan: null };
  }
}

/** States an unchanged item can stay in without being fetched again. */
export const SETTLED_STATES: ReadonlySet<MediaState> = new Set([
  'normal',
  'remote_only',
  'unavailable',
  'trashed',
]);

/** True when a listed item with an unchanged etag needs no work. */
export function isSettled(state: MediaState): boolean {
  return SETTLED_STATES.has(state);
}
