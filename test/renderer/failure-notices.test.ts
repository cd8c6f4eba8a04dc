// In-page failure notices (what web mode shows instead of a desktop notification): one per server
// in a while for background runs, none while Settings turns them off, always for a sync someone asked for.
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../src-main/core/api/event-bus';
import { DEFAULT_CONFIG } from '../../src-shared/config-schema';
import { createAppStores } from '../../src-renderer/stores';
import { connectEvents, FAILURE_NOTICE_QUIET_MS } from '../../src-renderer/stores/events';
import { fixedApi } from './fixed-api';

async function setUp(failureNotifications: boolean) {
  const bus = createEventBus();
  const stores = createAppStores(
    fixedApi(bus, {
      'config:get': { ...DEFAULT_CONFIG, failure_notifications: failureNotifications },
      'sync:start': [],
    }),
  );
  await Promise.all([
    stores.libraries.getState().load(),
    stores.servers.getState().load(),
    stores.settings.getState().load(),
    // Web mode (app:info says so): the page is where these notices show.
    stores.session.getState().load(),
  ]);
  const disconnect = connectEvents(stores);
  const fail = (libraryId: number, at: number) =>
    bus.emit('service:event', {
      type: 'failed',
      libraryId,
      runId: null,
      errorClass: 'network',
      message: 'connect ECONNREFUSED',
      retryAt: null,
      at,
    });
  const notices = () => stores.ui.getState().notices.map((n) => n.text);
  return { stores, bus, fail, notices, disconnect };
}

describe('in-page failure notices', () => {
  it('tells one background failure per server in the quiet period', async () => {
    const { fail, notices, disconnect } = await setUp(true);
    // Libraries 1 and 2 are both on the server "NAS".
    fail(1, 1_000);
    fail(2, 2_000);
    expect(notices()).toEqual([
      "Movies: couldn't reach NAS — RetroVue tries again at the next sync. Nothing was changed.",
    ]);
    fail(2, 1_000 + FAILURE_NOTICE_QUIET_MS + 1);
    expect(notices()).toHaveLength(2);
    disconnect();
  });

  it('tells no background failure while Settings turns them off, but still one someone asked for', async () => {
    const { stores, fail, notices, disconnect } = await setUp(false);
    fail(1, 1_000);
    fail(2, 2_000);
    expect(notices()).toEqual([]);
    await stores.libraries.getState().sync([2], 'incremental');
    fail(2, 3_000);
    expect(notices()).toEqual([
      "TV Shows: couldn't reach NAS — RetroVue tries again at the next sync. Nothing was changed.",
    ]);
    disconnect();
  });

  it('tells a refused sign-in once, though the account and its server both report it', async () => {
    const { bus, notices, disconnect } = await setUp(true);
    const refused = (scope: 'account' | 'server', at: number) =>
      bus.emit('service:event', {
        type: 'needs_login',
        scope,
        serverId: scope === 'server' ? 1 : null,
        message: 'token refused',
        at,
      });
    refused('server', 1_000);
    refused('account', 1_050);
    expect(notices()).toEqual([
      'Plex no longer accepts RetroVue’s sign-in. Use “Sign in again” to go on syncing.',
    ]);
    disconnect();
  });
});
