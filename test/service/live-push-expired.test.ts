// Live push when the token has expired: a real Plex answers the notifications socket with 498 (Plex
// docs, "JWT Authentication"), which is a refusal like 401, not a reason to retry at full pace.
// Set-up as in live-push.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src-shared/config-schema';
import type { ServiceEvent } from '../../src-shared/service-events';
import { createSyncService } from '../../src-main/core/service/sync-service';
import {
  setLibrariesSelected,
  upsertLibraries,
} from '../../src-main/core/store/repositories/library-repository';
import { setChosenConnection, upsertServer } from '../../src-main/core/store/repositories/server-repository';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { tempStore } from '../helpers/temp';
import { controlledRunner } from './controlled-runner';
import { pollUntil } from '../helpers/wait';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const waitFor = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 8_000) =>
  pollUntil(what, probe, timeoutMs);

const sockets = (fake: FakePlex, status: number) =>
  fake.requestLog.entries.filter((e) => e.path.endsWith('/notifications') && e.status === status).length;

async function setup(config: Partial<Config> = {}) {
  const fake = await startFakePlex({ seed: 7, movies: 6, shows: 1, episodes: 3 });
  cleanups.push(() => fake.stop());
  const t = tempStore();
  cleanups.push(t.cleanup);
  const server = upsertServer(t.store.db, {
    machineIdentifier: fake.machineIdentifier,
    name: fake.serverName,
    source: 'manual',
  });
  setChosenConnection(t.store.db, server.id, fake.pmsUrl, 1);
  const libs = upsertLibraries(t.store.db, server.id, [
    { key: '1', title: 'Movies', type: 'movie', locations: [] },
    { key: '2', title: 'TV Shows', type: 'show', locations: [] },
  ]);
  setLibrariesSelected(
    t.store.db,
    libs.map((l) => l.id),
    true,
  );
  // Synced before: no first-sync runs at start, so every run here comes from the socket.
  t.store.sqlite.prepare('update libraries set last_sync_at = 1').run();
  const runner = controlledRunner();
  const service = createSyncService({
    store: t.store,
    config: () => ({ ...DEFAULT_CONFIG, live_push: true, ...config }),
    runner: runner.runner,
    serverAccess: async () => ({ baseUrl: fake.pmsUrl, token: fake.token }),
    livePushBackoff: { initialMs: 50, maxMs: 400 },
  });
  const events: ServiceEvent[] = [];
  service.on((e) => events.push(e));
  cleanups.push(() => service.stop({ timeoutMs: 1_000 }));
  await service.start();
  await waitFor('the notifications socket', () => sockets(fake, 101) >= 1);
  const movies = libs.find((l) => l.plexKey === '1')!;
  const shows = libs.find((l) => l.plexKey === '2')!;
  return { fake, service, runner, events, movies, shows, store: t.store };
}

describe('live push with an expired token', () => {
  it('a 498 on the socket turns live updates off, and they come back once the token is good again', async () => {
    const { fake, service } = await setup();
    fake.control.setFaults({ expiredTokens: [fake.token] });
    await fake.control.pmsDown();
    await fake.control.pmsUp();
    await waitFor('a 498 socket', () => sockets(fake, 498) >= 1);
    await waitFor(
      'the refusal in health',
      () => service.health().servers[0]!.livePush === 'refused' || undefined,
    );
    expect(service.health().servers[0]).toMatchObject({ livePush: 'refused' });
    fake.control.clearFaults();
    await waitFor(
      'live push back on',
      () => service.health().servers[0]!.livePush === 'connected' || undefined,
    );
  });
});
