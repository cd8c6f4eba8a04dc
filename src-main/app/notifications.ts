// Native notifications for what the person should know without opening the window: a finished
// sync that changed something, a failure, a login that is needed. The core decides which failures
// are worth telling (the setting, one per server in a while); this only shows them.
import { Notification } from 'electron';
import type { CoreNotification } from '../core/app-core';

export function createNotifier(onClick: () => void): (n: CoreNotification) => void {
  return (n) => {
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
