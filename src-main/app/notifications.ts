// Native notifications for what the person should know without opening the window: a finished
// sync that changed something, a failure, a login that is needed. Failures can be turned off in
// Settings, and one that keeps happening is told once in a while, not on every schedule tick.
import { Notification } from 'electron';
import type { CoreNotification } from '../core/app-core';

/** A failure with the same title (the same library) is not shown again within this time. */
export const FAILURE_QUIET_MS = 10 * 60_000;

export interface NotifierOptions {
  /** Read on every failure: the failure_notifications setting. */
  failuresEnabled?: () => boolean;
  now?: () => number;
}

export function createNotifier(
  onClick: () => void,
  options: NotifierOptions = {},
): (n: CoreNotification) => void {
  const now = options.now ?? Date.now;
  const lastFailure = new Map<string, number>();
  return (n) => {
    if (n.kind === 'sync_failed') {
      if (options.failuresEnabled && !options.failuresEnabled()) return;
      const at = now();
      const last = lastFailure.get(n.title);
      if (last !== undefined && at - last < FAILURE_QUIET_MS) return;
      lastFailure.set(n.title, at);
    }
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: n.title,
      body: n.body,
      silent: n.kind === 'sync_finished',
    });
    notification.on('click', onClick);
    notification.show();
  };
}
