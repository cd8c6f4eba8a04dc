// Desktop notifications with the stand-in electron module: failures can be switched off and one
// that repeats is told once in a while.
import { describe, expect, it, vi } from 'vitest';
import * as fake from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const { createNotifier, FAILURE_QUIET_MS } = await import('../../src-main/app/notifications');

describe('notifications', () => {
  it('tells a repeated failure of the same library once per quiet period', () => {
    fake.Notification.shown.length = 0;
    let now = 1_000_000;
    const notify = createNotifier(() => undefined, { now: () => now });
    const failed = { kind: 'sync_failed' as const, title: 'Sync of Movies failed', body: 'no connection' };
    notify(failed);
    notify(failed);
    notify({ ...failed, title: 'Sync of TV Shows failed' });
    expect(fake.Notification.shown.map((n) => n.title)).toEqual([
      'Sync of Movies failed',
      'Sync of TV Shows failed',
    ]);
    now += FAILURE_QUIET_MS + 1;
    notify(failed);
    expect(fake.Notification.shown).toHaveLength(3);
    // Finished syncs are not rate-limited.
    notify({ kind: 'sync_finished', title: 'Movies synced', body: '1 added' });
    notify({ kind: 'sync_finished', title: 'Movies synced', body: '1 added' });
    expect(fake.Notification.shown).toHaveLength(5);
  });

  it('shows no failure when the setting is off, and reads it on every failure', () => {
    fake.Notification.shown.length = 0;
    let enabled = false;
    const notify = createNotifier(() => undefined, { failuresEnabled: () => enabled });
    notify({ kind: 'sync_failed', title: 'Sync of Movies failed', body: 'x' });
    expect(fake.Notification.shown).toHaveLength(0);
    enabled = true;
    notify({ kind: 'sync_failed', title: 'Sync of Movies failed', body: 'x' });
    expect(fake.Notification.shown).toHaveLength(1);
  });
});
