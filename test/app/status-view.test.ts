// What the status surfaces read: a sync that fails before a run exists still leaves an Errors
// entry, a check that found nothing new counts as a successful check, against the fake Plex.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../src-shared/service-events';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture;

const serviceEvent = (match: (e: ServiceEvent) => boolean) => fx.waitForEvent('service:event', match, 20_000);

async function idle(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await fx.value('sync:queue')).length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the queue did not empty');
}

describe('status view over the real core', () => {
  beforeAll(async () => {
    fx = await startCore({ server: true, env: { RETROVUE_RETRY_ATTEMPTS: '0' } });
    const libraries = await fx.value('libraries:list', {});
    await fx.value('libraries:select', { libraryIds: libraries.map((l) => l.id), selected: true });
    await serviceEvent((e) => e.type === 'finished' && e.result.libraryTitle === 'TV Shows');
    await idle();
  }, 60_000);
  afterAll(async () => fx?.close());

  it('counts a sync that found nothing new as a successful check', async () => {
    const [movies] = await fx.value('libraries:list', {});
    const before = (await fx.value('status:libraries')).find((s) => s.libraryId === movies!.id)!;
    expect(before.lastRun?.status).toBe('succeeded');
    fx.events.length = 0;
    await fx.value('sync:start', { libraryIds: [movies!.id] });
    await serviceEvent((e) => e.type === 'finished' && e.result.libraryId === movies!.id);
    const after = (await fx.value('status:libraries')).find((s) => s.libraryId === movies!.id)!;
    expect(after.lastRun).toMatchObject({ status: 'skipped', changed: 0 });
    expect(after.lastCheckedAt).toBeGreaterThan(before.lastCheckedAt!);
    const stats = await fx.value('stats:get', { since: 0 });
    expect(stats.totals.skipped).toBe(1);
    expect(stats.totals.succeeded).toBe(stats.totals.runs);
    expect(stats.totals.itemsChanged).toBe(stats.totals.itemsProcessed);
  });

  it('records an Errors entry when the server is down before a run exists, and resolves it later', async () => {
    const [movies] = await fx.value('libraries:list', {});
    fx.events.length = 0;
    await fx.fake.control.pmsDown();
    try {
      await fx.value('sync:start', { libraryIds: [movies!.id] });
      const failed = await serviceEvent((e) => e.type === 'failed' && e.libraryId === movies!.id);
      expect(failed).toMatchObject({ runId: null, errorClass: 'network' });
      const errors = await fx.value('errors:list', { libraryId: movies!.id });
      expect(errors.rows).toHaveLength(1);
      expect(errors.rows[0]).toMatchObject({ errorClass: 'network', code: 'SERVER_UNREACHABLE' });
      expect(errors.rows[0]!.message).toMatch(/ECONNREFUSED/);
      expect((await fx.value('status:libraries')).find((s) => s.libraryId === movies!.id)?.openErrors).toBe(
        1,
      );

      // Asked again while still down: the same entry, one more retry, not a second row.
      fx.events.length = 0;
      await fx.value('sync:start', { libraryIds: [movies!.id] });
      await serviceEvent((e) => e.type === 'failed' && e.libraryId === movies!.id);
      const again = await fx.value('errors:list', { libraryId: movies!.id });
      expect(again.rows).toHaveLength(1);
      expect(again.rows[0]!.retryCount).toBe(1);
    } finally {
      await fx.fake.control.pmsUp();
    }
    // A check that finds nothing new proves the server is back, and resolves it.
    fx.events.length = 0;
    await fx.value('sync:start', { libraryIds: [movies!.id] });
    const back = await serviceEvent((e) => e.type === 'finished' && e.result.libraryId === movies!.id);
    expect(back.type === 'finished' && back.result.status).toBe('skipped');
    expect((await fx.value('errors:list', { libraryId: movies!.id })).rows).toHaveLength(0);
  });
});
