// Feeds the stores from main's event stream. Bursts of run-level events (finished, failed) collapse into
// one reload per store, so a scheduler starting ten libraries does not fire ten list requests each.
import { heldDeletionsText } from '../../src-shared/held-deletions';
import type { ServiceEvent } from '../../src-shared/service-events';
import { failedNotice, finishedNotice } from '../lib/outcomes';
import type { AppStores } from './index';

export const RELOAD_DEBOUNCE_MS = 400;
/** A server failing on every schedule tick is told once in this time, unless someone asked. */
export const FAILURE_NOTICE_QUIET_MS = 10 * 60_000;

export function connectEvents(stores: AppStores): () => void {
  const { api } = stores;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const lastFailureNotice = new Map<number, number>();
  let lastLoginNotice: number | null = null;
  const web = () => stores.session.getState().info?.shell === 'web';
  const notify = stores.ui.getState().notify;
  const later = (key: string, fn: () => void) => {
    if (timers.has(key)) return;
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        fn();
      }, RELOAD_DEBOUNCE_MS),
    );
  };
  const reloadAfterRun = () => {
    later('libraries', () => void stores.libraries.getState().load());
    later('health', () => void stores.session.getState().refreshHealth());
    if (stores.activity.getState().stats) later('activity', () => void stores.activity.getState().load());
    if (stores.errors.getState().status !== 'idle')
      later('errors', () => void stores.errors.getState().load());
    if (stores.schedules.getState().status !== 'idle')
      later('schedules', () => void stores.schedules.getState().load());
  };

  const onService = (event: ServiceEvent) => {
    switch (event.type) {
      case 'progress':
        stores.libraries.getState().pushProgress(event.progress);
        break;
      case 'queued':
      case 'started':
        later('queue', () => void stores.libraries.getState().loadQueue());
        break;
      case 'finished': {
        const libs = stores.libraries.getState();
        libs.clearProgress(event.result.libraryId);
        const notice = event.result.status !== 'failed' ? finishedNotice(event.result) : null;
        const r = event.result;
        // In the browser the page is the only place to tell a background sync that changed
        // something (the desktop app sends a system notification for it).
        const background = web() && r.added + r.updated + r.removed > 0;
        const asked = libs.takeRequested(r.libraryId);
        // Held deletions wait for the person: the page says so once per held set (the desktop app
        // sends a system notification), and a sync asked for says so instead of "synced".
        if (r.heldDeletions && (r.heldDeletions.fresh ? web() || asked : asked))
          notify('error', heldDeletionsText(r.libraryTitle, r.heldDeletions));
        else if (notice && (asked || background)) notify(notice.kind, notice.text);
        reloadAfterRun();
        break;
      }
      case 'failed': {
        const libs = stores.libraries.getState();
        libs.clearProgress(event.libraryId);
        const library = libs.libraries.find((l) => l.id === event.libraryId);
        const serverId = library?.serverId ?? 0;
        const server = stores.servers.getState().servers.find((s) => s.id === serverId);
        const asked = libs.takeRequested(event.libraryId);
        const last = lastFailureNotice.get(serverId);
        // What someone asked for always ends visibly; background failures follow the setting.
        const wanted = stores.settings.getState().config?.failure_notifications ?? true;
        const quiet = last !== undefined && event.at - last <= FAILURE_NOTICE_QUIET_MS;
        if (asked || (wanted && !quiet)) {
          lastFailureNotice.set(serverId, event.at);
          const notice = failedNotice(
            library?.title ?? 'A library',
            server?.name ?? 'the Plex server',
            event.errorClass,
            event.runId === null,
            event.retryAt === null ? null : event.retryAt - event.at,
          );
          notify(notice.kind, notice.text);
        }
        // Its Errors entry and the server's state are new too.
        later('errors', () => void stores.errors.getState().load());
        later('servers', () => void stores.servers.getState().load());
        reloadAfterRun();
        break;
      }
      case 'skipped':
        stores.libraries.getState().clearProgress(event.libraryId);
        reloadAfterRun();
        break;
      case 'needs_login':
        if (web()) {
          // One notice for the refused sign-in: the account and its server report the same token.
          const last = lastLoginNotice;
          if (last === null || event.at - last > FAILURE_NOTICE_QUIET_MS) {
            lastLoginNotice = event.at;
            notify(
              'error',
              'Plex no longer accepts RetroVue’s sign-in. Use “Sign in again” to go on syncing.',
            );
          }
        }
        later(
          'account',
          () =>
            void api.invoke('account:get').then(
              (a) => stores.session.getState().setAccount(a),
              () => undefined,
            ),
        );
        later('health', () => void stores.session.getState().refreshHealth());
        break;
      case 'state':
      case 'paused':
      case 'resumed':
      case 'server_cooldown':
        later('health', () => void stores.session.getState().refreshHealth());
        break;
      case 'operation':
        if (event.status !== 'started') reloadAfterRun();
        break;
    }
  };

  const offs = [
    api.on('service:event', onService),
    api.on('login:state', (pin) => stores.login.getState().setPin(pin)),
    api.on('account:changed', (account) => stores.session.getState().setAccount(account)),
    api.on('health:changed', (health) => {
      stores.session.getState().setHealth(health);
      stores.libraries.getState().setQueue(health.queue);
    }),
    api.on('config:changed', (config) => stores.settings.getState().setConfig(config)),
  ];
  return () => {
    for (const off of offs) off();
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  };
}
