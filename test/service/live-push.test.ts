// Live push against the fake Plex's notifications socket (real sockets, real time). The runner
// here only records which library was asked for; the engine-backed version of the same path is in
// sync-service-e2e.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src-shared/config-schema';
import type { ServiceEvent } from '../../src-shared/service-events';
import { changedSections, LivePush } from '../../src-main/core/service/live-push';
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

describe('live push', () => {
  it('a change on the server queues an incremental sync of its library within 5 seconds', async () => {
    const { fake, runner, movies } = await setup();
    const rk = fake.control.snapshot().items.find((i) => i.type === 'movie')!.ratingKey;
    const changedAt = Date.now();
    fake.control.change(rk, { title: 'Retitled' });
    const run = await waitFor('a pushed run', () => runner.calls.find((c) => c.trigger === 'push'));
    expect(Date.now() - changedAt).toBeLessThan(5_000);
    expect(run).toMatchObject({ libraryId: movies.id, kind: 'incremental', trigger: 'push' });
  });

  it('debounces a burst (a big Plex scan) into one run per library', async () => {
    const { fake, runner, movies, shows } = await setup({ live_push_debounce_seconds: 0.5 });
    // Runs end at once, so without the debounce every change would become a run of its own.
    runner.autoFinish = true;
    const snapshot = fake.control.snapshot();
    const movieKeys = snapshot.items.filter((i) => i.type === 'movie').map((i) => i.ratingKey);
    for (let i = 0; i < 40; i++) {
      fake.control.change(movieKeys[i % movieKeys.length]!, { summary: `edit ${i}` });
      await new Promise((r) => setTimeout(r, 10));
    }
    fake.control.scan(2);
    await waitFor('both libraries', () => runner.calls.length >= 2 || undefined);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(runner.calls.map((c) => c.libraryId).sort()).toEqual([movies.id, shows.id].sort());
  });

  it('reconnects with backoff after the server drops the socket, and keeps working', async () => {
    const { fake, runner, service } = await setup({ live_push_debounce_seconds: 0.2 });
    await fake.control.pmsDown();
    await waitFor(
      'the drop to be noticed',
      () => service.health().servers[0]!.reachable !== true || undefined,
    );
    await new Promise((r) => setTimeout(r, 300));
    await fake.control.pmsUp();
    await waitFor('a second socket', () => sockets(fake, 101) >= 2);
    const rk = fake.control.snapshot().items.find((i) => i.type === 'movie')!.ratingKey;
    fake.control.change(rk, { title: 'After reconnect' });
    await waitFor('a pushed run', () => runner.calls.find((c) => c.trigger === 'push'));
  });

  it('a refused socket (shared servers get 401) turns live updates off without calling the token bad', async () => {
    const { fake, service, events } = await setup();
    expect(service.health().servers[0]).toMatchObject({ livePush: 'connected', reachable: true });
    fake.control.revokeToken();
    await fake.control.pmsDown();
    await fake.control.pmsUp();
    await waitFor('a refused socket', () => sockets(fake, 401) >= 1);
    await waitFor(
      'the refusal in health',
      () => service.health().servers[0]!.livePush === 'refused' || undefined,
    );
    // Token health is the API's call (the sync marks needs_login on a 401 there), not the socket's.
    expect(service.health().servers[0]).toMatchObject({ tokenOk: true, needsLogin: false });
    expect(events.some((e) => e.type === 'needs_login')).toBe(false);
    // It keeps trying, at the slowest pace, and comes back when the server lets it in again.
    fake.control.restoreToken();
    await waitFor(
      'live push back on',
      () => service.health().servers[0]!.livePush === 'connected' || undefined,
    );
    expect(JSON.stringify(events)).not.toContain(fake.token);
  });
});

describe('live push sockets', () => {
  it('after a clock jump (sleep) every socket is started over at once', async () => {
    const fake = await startFakePlex({ seed: 8, movies: 2, shows: 0, episodes: 0 });
    cleanups.push(() => fake.stop());
    const push = new LivePush({
      servers: () => [{ serverId: 1, name: 'fake' }],
      serverAccess: async () => ({ baseUrl: fake.pmsUrl, token: fake.token }),
      onSectionChanged: () => {},
      debounceMs: () => 100,
    });
    cleanups.push(() => push.stop());
    push.start();
    await waitFor('connected', () => push.status()[0]?.connected);
    push.reconnectAll();
    await waitFor('a second socket', () => sockets(fake, 101) >= 2);
    await waitFor('connected again', () => push.status()[0]?.connected);
    expect(push.status()[0]).toMatchObject({ connected: true, refused: false, reconnects: 1 });
  });
});

describe('notification parsing', () => {
  const timeline = (entries: object[]) =>
    JSON.stringify({ NotificationContainer: { type: 'timeline', TimelineEntry: entries } });

  it('picks the sections of finished, created and deleted video items', () => {
    expect(
      changedSections(
        timeline([
          { identifier: 'com.plexapp.plugins.library', sectionID: '1', itemID: '5', type: 1, state: 5 },
          { identifier: 'com.plexapp.plugins.library', sectionID: 2, itemID: '6', type: 4, state: 9 },
          { identifier: 'com.plexapp.plugins.library', sectionID: '3', type: 1, state: 3 }, // still downloading
          { identifier: 'com.plexapp.plugins.library', sectionID: '4', type: 10, state: 5 }, // a music track
          { identifier: 'com.plexapp.plugins.library', sectionID: '-1', type: 1, state: 5 },
        ]),
      ),
    ).toEqual(['1', '2']);
  });

  it('treats a finished section scan as a change and ignores other messages', () => {
    const activity = (event: string, type: string) =>
      JSON.stringify({
        NotificationContainer: {
          type: 'activity',
          ActivityNotification: [{ event, Activity: { type, Context: { librarySectionID: '2' } } }],
        },
      });
    expect(changedSections(activity('ended', 'library.update.section'))).toEqual(['2']);
    expect(changedSections(activity('updated', 'library.update.section'))).toEqual([]);
    expect(changedSections(activity('ended', 'media.generate.bif'))).toEqual([]);
    expect(changedSections(JSON.stringify({ NotificationContainer: { type: 'playing' } }))).toEqual([]);
    expect(changedSections(JSON.stringify({ unexpected: true }))).toEqual([]);
    expect(changedSections(timeline([{ sectionID: { nested: 1 }, state: 5 }]))).toEqual([]);
    expect(() => changedSections('not json')).toThrow(SyntaxError);
  });
});
