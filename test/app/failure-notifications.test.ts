// Failure notifications from the real core: one per server in a while (a server that is down fails
// every library on it), another server still told, and none while Settings turns them off.
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreNotification } from '../../src-main/core/app-core';
import type { ServiceEvent } from '../../src-shared/service-events';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture | null = null;
afterEach(async () => {
  await fx?.close();
  fx = null;
});

/** Runs `start` and waits until each library has a failed event after it. */
async function failedAfter(f: CoreFixture, libraryIds: number[], start: () => Promise<unknown>) {
  const from = f.events.length;
  await start();
  const failedIds = () =>
    new Set(
      f.events
        .slice(from)
        .map((e) => e.payload as ServiceEvent)
        .filter((e) => e.type === 'failed')
        .map((e) => (e as { libraryId: number }).libraryId),
    );
  for (let i = 0; i < 600 && !libraryIds.every((id) => failedIds().has(id)); i++)
    await new Promise((r) => setTimeout(r, 100));
  expect([...failedIds()].sort()).toEqual([...libraryIds].sort());
}
const failAll = (f: CoreFixture, libraryIds: number[]) =>
  failedAfter(f, libraryIds, () => f.value('sync:start', { libraryIds }));

describe('failure notifications', () => {
  it('tells one failure per server, follows the setting, and still tells another server', async () => {
    const notifications: CoreNotification[] = [];
    fx = await startCore({
      fake: { sharedServer: true },
      core: { notify: (n) => notifications.push(n) },
      env: { RETROVUE_RETRY_ATTEMPTS: '0' },
    });
    const f = fx;
    const own = await f.value('servers:addManual', { url: f.fake.pmsUrl, token: f.fake.token });
    const friend = await f.value('servers:addManual', {
      url: f.fake.sharedServer!.pmsUrl,
      token: f.fake.sharedServer!.token,
    });
    const ownLibraries = (await f.value('libraries:refresh', { serverId: own.id })).map((l) => l.id);
    const friendLibraries = (await f.value('libraries:refresh', { serverId: friend.id })).map((l) => l.id);
    expect(ownLibraries).toHaveLength(2);
    // Both servers answer every library listing with a server error.
    f.fake.control.addFault({ kind: 'error', status: 500, path: '/library/sections/*', server: 'any' });

    // Off in Settings: the first syncs that selecting starts fail and are recorded, nothing is notified.
    await f.value('config:update', { failure_notifications: false });
    const all = [...ownLibraries, ...friendLibraries];
    await failedAfter(f, all, () => f.value('libraries:select', { libraryIds: all, selected: true }));
    expect((await f.value('errors:list', {})).total).toBeGreaterThan(0);
    expect(notifications.filter((n) => n.kind === 'sync_failed')).toEqual([]);

    // On again: both libraries of the server fail, one notification says so.
    await f.value('config:update', { failure_notifications: true });
    await failAll(f, ownLibraries);
    const ownTitles = notifications.filter((n) => n.kind === 'sync_failed').map((n) => n.title);
    expect(ownTitles).toHaveLength(1);
    expect(ownTitles[0]).toMatch(/^Sync of (Movies|TV Shows) failed$/);

    // The same server failing again within the quiet period stays quiet; another server is told.
    await failAll(f, ownLibraries);
    await failAll(f, friendLibraries);
    expect(notifications.filter((n) => n.kind === 'sync_failed')).toHaveLength(2);
  }, 120_000);
});
