// The in-page notice for how a sync ended: every sync asked for here ends with one, and a failure
// says what happened in words and what comes next.
import type { ErrorClass } from '../../src-shared/domain';
import type { LibrarySyncResult } from '../../src-shared/sync-types';
import { seconds } from './format';

export interface OutcomeNotice {
  kind: 'info' | 'error';
  text: string;
}

export function finishedNotice(result: LibrarySyncResult): OutcomeNotice | null {
  const changed = result.added + result.updated + result.removed;
  switch (result.status) {
    case 'succeeded':
    case 'skipped':
      return {
        kind: 'info',
        text:
          result.skippedUnchanged || changed === 0
            ? `${result.libraryTitle}: up to date — checked just now`
            : `${result.libraryTitle}: synced — ${changed} ${changed === 1 ? 'item' : 'items'} changed`,
      };
    case 'cancelled':
    case 'interrupted':
      return { kind: 'info', text: `${result.libraryTitle}: sync stopped; it picks up where it left off` };
    default:
      return null;
  }
}

export function failedNotice(
  libraryTitle: string,
  serverName: string,
  errorClass: ErrorClass | null,
  beforeRun: boolean,
  /** In how long the service tries again by itself; null: at the next sync. */
  retryInMs: number | null = null,
): OutcomeNotice {
  const next =
    retryInMs === null
      ? 'RetroVue tries again at the next sync'
      : `retrying in ${seconds(Math.ceil(retryInMs / 1000))}`;
  if (errorClass === 'auth')
    return {
      kind: 'error',
      text: `${libraryTitle}: sign-in needed — ${serverName} refused RetroVue's sign-in. Use “Sign in again” on the card.`,
    };
  if (beforeRun && (errorClass === 'network' || errorClass === 'timeout'))
    return {
      kind: 'error',
      text: `${libraryTitle}: couldn't reach ${serverName} — ${next}. Nothing was changed.`,
    };
  if (errorClass === 'network' || errorClass === 'timeout')
    return {
      kind: 'error',
      text: `${libraryTitle}: lost the connection to ${serverName} during the sync — ${next}. What is stored is kept.`,
    };
  return {
    kind: 'error',
    text: `${libraryTitle}: the sync failed. What is stored is kept — see Errors for why.`,
  };
}
