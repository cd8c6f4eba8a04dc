// The core API over a real SQLite file and the fake Plex: login, servers, libraries, a real sync,
// the item browser, errors, stats, schedules, config; and no token in any answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, RequestOf } from '../../src-shared/ipc/contract';
import type { ServiceEvent } from '../../src-shared/service-events';
import type { CoreNotification } from '../../src-main/core/app-core';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture | null = null;
afterEach(async () => {
  await fx?.close();
  fx = null;
});

async function addServerAndSync(f: CoreFixture) {
  const server = await f.value('servers:addManual', { url: f.fake.pmsUrl, token: f.fake.token });
  const libraries = await f.value('libraries:refresh', { serverId: server.id });
  await f.value('libraries:select', { libraryIds: libraries.map((l) => l.id), selected: true });
  const finished = libraries.map((l) =>
    f.waitForEvent(
      'service:event',
      (e) =>
        (e.type === 'finished' || e.type === 'failed') &&
        ('result' in e ? e.result.libraryId : e.libraryId) === l.id,
      60_000,
    ),
  );
  const queued = await f.value('sync:start', {});
  expect(queued.map((q) => q.libraryId).sort()).toEqual(libraries.map((l) => l.id).sort());
  const outcomes = (await Promise.all(finished)) as ServiceEvent[];
  return { server, libraries, outcomes };
}

describe('core API', () => {
  it("shows an item's history and undoes a run through the API", async () => {
    fx = await startCore();
    const f = fx;
    const { libraries } = await addServerAndSync(f);
    const movieLib = libraries.find((l) => l.type === 'movie')!;
    const movie = (await f.value('items:search', { kind: 'movie', limit: 1 })).rows[0]!;
    const rk = f.fake.control
      .snapshot()
      .items.find((i) => i.type === 'movie' && i.title === movie.title)!.ratingKey;
    f.fake.control.change(rk, { title: 'Renamed Upstream' });
    const done = f.waitForEvent(
      'service:event',
      (e) => e.type === 'finished' && e.result.libraryId === movieLib.id && e.result.updated > 0,
      60_000,
    );
    await f.value('sync:start', { libraryIds: [movieLib.id] });
    const finished = (await done) as Extract<ServiceEvent, { type: 'finished' }>;
    const history = await f.value('items:history', { kind: 'movie', id: movie.id });
    expect(history).toContainEqual(
      expect.objectContaining({ field: 'title', oldValue: movie.title, newValue: 'Renamed Upstream' }),
    );
    const dry = await f.value('runs:undo', { runId: finished.result.runId, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, titles: ['Renamed Upstream'] });
    const undone = await f.value('runs:undo', { runId: finished.result.runId });
    expect(undone.restored).toBeGreaterThan(0);
    expect((await f.value('items:get', { kind: 'movie', id: movie.id })).title).toBe(movie.title);
    expect(await f.call('runs:undo', { runId: 99_999 })).toMatchObject({ ok: false });
  });

  it('signs in with a PIN, then finds the account’s servers, without ever returning the token', async () => {
    fx = await startCore();
    const f = fx;
    expect(await f.value('account:get')).toBeNull();
    expect(await f.value('login:status')).toBeNull();
    const pin = await f.value('login:start');
    expect(pin.status).toBe('waiting');
    expect(pin.code).toMatch(/\S+/);
    expect(pin.authUrl).toContain(encodeURIComponent(pin.code!));
    f.fake.control.approvePin(pin.code!, f.fake.token);
    const linked = await f.waitForEvent('login:state', (v) => v.status === 'linked');
    expect(linked.account?.username).toBeTruthy();
    const account = await f.value('account:get');
    expect(account).toMatchObject({ username: linked.account!.username, needsLogin: false });
    await f.waitForEvent('account:changed', (a) => a !== null);

    // Discovery after login stores the account's server with its libraries.
    let servers = await f.value('servers:list');
    for (
      let i = 0;
      i < 100 && (servers.length === 0 || (await f.value('libraries:list')).length === 0);
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      servers = await f.value('servers:list');
    }
    expect(servers.map((s) => s.machineIdentifier)).toContain(f.fake.machineIdentifier);
    const libraries = await f.value('libraries:list');
    expect(libraries.map((l) => l.title).sort()).toEqual(['Movies', 'TV Shows']);

    const token = f.fake.token;
    const requests: { [C in Channel]?: RequestOf<C> } = {
      'app:info': undefined,
      'health:get': undefined,
      'account:get': undefined,
      'login:status': undefined,
      'servers:list': undefined,
      'libraries:list': undefined,
      'sync:queue': undefined,
      'schedules:list': undefined,
      'errors:list': {},
      'stats:get': { since: 0 },
      'items:search': { kind: 'movie' },
      'config:get': undefined,
      'paths:check': { libraryId: libraries[0]!.id },
    };
    for (const [channel, request] of Object.entries(requests) as [Channel, never][]) {
      const result = await f.call(channel, request);
      expect(result.ok, channel).toBe(true);
      expect(JSON.stringify(result), channel).not.toContain(token);
    }
    for (const e of f.events) expect(JSON.stringify(e.payload), e.event).not.toContain(token);

    await f.value('account:logout');
    expect(await f.value('account:get')).toBeNull();
    expect((await f.value('servers:list')).every((s) => s.needsLogin || s.sources.includes('manual'))).toBe(
      true,
    );
  });

  it('lists discovered servers as available; only a server the person chose counts for health', async () => {
    // The account also has an offline server (plex.tv lists it; nothing answers on its address).
    fx = await startCore({ fake: { offlineServer: true } });
    const f = fx;
    const pin = await f.value('login:start');
    f.fake.control.approvePin(pin.code!, f.fake.token);
    await f.waitForEvent('login:state', (v) => v.status === 'linked');
    let servers = await f.value('servers:list');
    for (let i = 0; i < 100 && servers.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      servers = await f.value('servers:list');
    }
    expect(servers.map((s) => [s.name, s.added]).sort()).toEqual([
      [f.fake.serverName, false],
      ['Old NAS', false],
    ]);
    let health = await f.value('health:get');
    expect(health.servers.find((s) => s.name === 'Old NAS')).toMatchObject({
      reachable: false,
      added: false,
    });
    expect(health.ok).toBe(true);

    // Selecting a library chooses its server, and only that one.
    let libraries = await f.value('libraries:list');
    for (let i = 0; i < 100 && libraries.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      libraries = await f.value('libraries:list');
    }
    const movies = libraries.find((l) => l.title === 'Movies')!;
    await f.value('libraries:select', { libraryIds: [movies.id], selected: true });
    servers = await f.value('servers:list');
    expect(servers.map((s) => [s.name, s.added]).sort()).toEqual([
      [f.fake.serverName, true],
      ['Old NAS', false],
    ]);
    // A chosen server still counts: its refused token makes health bad.
    f.fake.control.revokeToken();
    await f.call('libraries:refresh', { serverId: movies.serverId });
    health = await f.value('health:get');
    expect(health.servers.find((s) => s.serverId === movies.serverId)).toMatchObject({
      added: true,
      needsLogin: true,
    });
    expect(health.ok).toBe(false);
  });

  it('cancels a login in progress', async () => {
    fx = await startCore();
    const pin = await fx.value('login:start');
    expect(pin.status).toBe('waiting');
    const cancelled = await fx.value('login:cancel');
    expect(cancelled.status).toBe('cancelled');
    expect((await fx.value('login:status'))?.status).toBe('cancelled');
    expect(() => fx!.fake.control.approvePin(pin.code!, fx!.fake.token)).not.toThrow();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await fx.value('account:get')).toBeNull();
  });

  it('adds a server by URL and token, syncs its libraries and browses the items', async () => {
    const notifications: CoreNotification[] = [];
    fx = await startCore({ core: { notify: (n) => notifications.push(n) } });
    const f = fx;
    const { server, libraries, outcomes } = await addServerAndSync(f);
    // A sync that changed something is worth a notification.
    expect(
      notifications
        .filter((n) => n.kind === 'sync_finished')
        .map((n) => n.title)
        .sort(),
    ).toEqual(['Movies synced', 'TV Shows synced']);
    expect(server).toMatchObject({
      name: f.fake.serverName,
      machineIdentifier: f.fake.machineIdentifier,
      sources: ['manual'],
    });
    expect(outcomes.every((o) => o.type === 'finished')).toBe(true);
    expect(JSON.stringify(await f.value('servers:list'))).not.toContain(f.fake.token);

    const snapshot = f.fake.control.snapshot();
    const count = (type: string) => snapshot.items.filter((i) => i.type === type).length;
    const movies = await f.value('items:search', { kind: 'movie', limit: 500 });
    expect(movies.total).toBe(count('movie'));
    expect((await f.value('items:search', { kind: 'episode', limit: 5 })).total).toBe(count('episode'));
    const page2 = await f.value('items:search', { kind: 'movie', limit: 5, offset: 5 });
    expect(page2.rows.map((r) => r.id)).toEqual(movies.rows.slice(5, 10).map((r) => r.id));

    const first = movies.rows[0]!;
    const found = await f.value('items:search', { kind: 'movie', query: first.title.slice(0, 4) });
    expect(found.rows.map((r) => r.id)).toContain(first.id);
    expect((await f.value('items:search', { kind: 'movie', query: '%_%' })).total).toBe(0);

    const detail = await f.value('items:get', { kind: 'movie', id: first.id });
    expect(detail.title).toBe(first.title);
    expect(detail.files.length).toBeGreaterThan(0);
    expect(detail.files[0]!.streams.length).toBeGreaterThan(0);
    const missing = await f.call('items:get', { kind: 'movie', id: 999_999 });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const listed = await f.value('libraries:list', { serverId: server.id });
    expect(listed.every((l) => l.selected && l.lastSyncStatus === 'succeeded')).toBe(true);
    const movieLib = listed.find((l) => l.type === 'movie')!;
    expect(Object.values(movieLib.counts.movie ?? {}).reduce((a, b) => a + (b ?? 0), 0)).toBe(count('movie'));

    const check = await f.value('paths:check', { libraryId: movieLib.id });
    expect(check.sample?.plexPath).toBeTruthy();
    expect(check.sample?.exists).toBe(false);
    expect(check.message).toMatch(/path replacement/);
    const showLib = listed.find((l) => l.type === 'show')!;
    const showCheck = await f.value('paths:check', { libraryId: showLib.id });
    expect(showCheck.sample?.plexPath).toBeTruthy();

    // Each kind's detail agrees with its search row (a show's detail has no counts subtitle).
    for (const kind of ['show', 'season', 'episode'] as const) {
      const row = (await f.value('items:search', { kind, limit: 1 })).rows[0]!;
      const itemDetail = await f.value('items:get', { kind, id: row.id });
      expect(itemDetail).toMatchObject({
        kind,
        id: row.id,
        title: row.title,
        year: row.year,
        state: row.state,
      });
      expect(itemDetail.subtitle).toBe(kind === 'show' ? null : row.subtitle);
    }

    const stats = await f.value('stats:get', { since: 0 });
    expect(stats.totals.runs).toBeGreaterThanOrEqual(libraries.length);
    expect(stats.runs.map((r) => r.libraryTitle)).toEqual(expect.arrayContaining(['Movies', 'TV Shows']));
    expect(stats.totals.apiCalls).toBeGreaterThan(0);
    expect(stats.performance.length).toBeGreaterThan(0);
    expect(stats.performance.every((p) => p.durationMs >= 0 && p.itemsProcessed >= 0)).toBe(true);

    const schedules = await f.value('schedules:list');
    expect(schedules.length).toBeGreaterThan(0);
    const updated = await f.value('schedules:update', { id: schedules[0]!.id, enabled: false });
    expect(updated.enabled).toBe(false);
    expect((await f.call('schedules:update', { id: schedules[0]!.id, cron: 'not a cron' })).ok).toBe(false);
    expect((await f.value('schedules:describe', { cron: '0 3 * * *' })).valid).toBe(true);

    const health = await f.value('health:get');
    expect(health.service).toBe('running');
    expect(health.libraries.map((l) => l.title).sort()).toEqual(['Movies', 'TV Shows']);

    // Progress reached the event stream, and never one event per item.
    const progress = f.events.filter(
      (e) => e.event === 'service:event' && (e.payload as ServiceEvent).type === 'progress',
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThan(count('movie') + count('episode'));

    // Nothing changed on the server: the next sync tells nobody.
    const before = notifications.length;
    const t0 = Date.now();
    const again = f.waitForEvent(
      'service:event',
      (e) => e.type === 'finished' && e.at >= t0 && e.result.libraryId === movieLib.id,
      30_000,
    );
    await f.value('sync:start', { libraryIds: [movieLib.id] });
    const second = await again;
    expect(
      second.type === 'finished' && second.result.added + second.result.updated + second.result.removed,
    ).toBe(0);
    expect(notifications).toHaveLength(before);
  });

  it('reports bad requests and failures as typed errors and keeps working', async () => {
    fx = await startCore();
    const f = fx;
    expect(await f.call('servers:addManual', { url: f.fake.pmsUrl, token: 'wrong-token-xyz' })).toMatchObject(
      { ok: false, error: { code: 'PLEX_AUTH' } },
    );
    expect(await f.call('servers:addManual', { url: 'http://127.0.0.1:1', token: 'abcdef' })).toMatchObject({
      ok: false,
      error: { code: 'PLEX_NETWORK' },
    });
    expect(await f.call('servers:addManual', { url: 'not a url', token: 'abcdef' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await f.call('libraries:refresh', { serverId: 42 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await f.call('libraries:select', { libraryIds: [42], selected: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await f.call('sync:start', {})).toMatchObject({ ok: false, error: { code: 'NOTHING_SELECTED' } });
    expect(await f.call('errors:retry', { id: 5 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await f.call('servers:remove', { serverId: 5 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await f.call('config:update', { concurrent_scans: 99 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await f.value('errors:list', {})).toEqual({ rows: [], total: 0 });

    // Still fully usable afterwards.
    const server = await f.value('servers:addManual', { url: f.fake.pmsUrl, token: f.fake.token });
    expect(server.chosenUri).toBe(f.fake.pmsUrl);
    const config = await f.value('config:update', { concurrent_scans: 3 });
    expect(config.concurrent_scans).toBe(3);
    expect((await f.waitForEvent('config:changed')).concurrent_scans).toBe(3);
    expect((await f.value('config:get')).concurrent_scans).toBe(3);
    const paused = await f.value('sync:pause');
    expect(paused.service).toBe('paused');
    expect((await f.value('sync:resume')).service).toBe('running');
    await f.value('servers:remove', { serverId: server.id });
    expect(await f.value('servers:list')).toEqual([]);
  });

  it('records sync failures as errors that can be listed, retried and resolved', async () => {
    fx = await startCore({ env: { RETROVUE_RETRY_ATTEMPTS: '0', RETROVUE_RETRY_DELAY_SECONDS: '0' } });
    const f = fx;
    const server = await f.value('servers:addManual', { url: f.fake.pmsUrl, token: f.fake.token });
    const libraries = await f.value('libraries:refresh', { serverId: server.id });
    const movies = libraries.find((l) => l.type === 'movie')!;
    await f.value('libraries:select', { libraryIds: [movies.id], selected: true });
    f.fake.control.addFault({ kind: 'error', path: '/library/metadata/*', status: 500 });
    const done = f.waitForEvent('service:event', (e) => e.type === 'finished' || e.type === 'failed', 60_000);
    await f.value('sync:start', { libraryIds: [movies.id] });
    await done;
    const errors = await f.value('errors:list', { libraryId: movies.id });
    expect(errors.total).toBeGreaterThan(0);
    expect(errors.rows[0]).toMatchObject({
      libraryId: movies.id,
      libraryTitle: 'Movies',
      serverName: f.fake.serverName,
    });
    f.fake.control.clearFaults();
    const retried = await f.value('errors:retry', { id: errors.rows[0]!.id });
    expect(retried.map((q) => q.libraryId)).toContain(movies.id);
    const { resolved } = await f.value('errors:resolve', { ids: errors.rows.map((e) => e.id) });
    expect(resolved).toBeGreaterThan(0);
    expect((await f.value('errors:list', { libraryId: movies.id })).total).toBe(0);
    expect(
      (await f.value('errors:list', { libraryId: movies.id, includeResolved: true })).total,
    ).toBeGreaterThanOrEqual(resolved);
  });

  it('a refused token marks the server as needing login and says so once', async () => {
    const notifications: CoreNotification[] = [];
    fx = await startCore({
      core: { notify: (n) => notifications.push(n) },
      env: { RETROVUE_RETRY_ATTEMPTS: '0' },
    });
    const f = fx;
    const server = await f.value('servers:addManual', { url: f.fake.pmsUrl, token: f.fake.token });
    const libraries = await f.value('libraries:refresh', { serverId: server.id });
    await f.value('libraries:select', { libraryIds: libraries.map((l) => l.id), selected: true });
    f.fake.control.revokeToken();
    const failed = f.waitForEvent('service:event', (e) => e.type === 'failed', 30_000);
    await f.value('sync:start', {});
    await failed;
    await f.waitForEvent('service:event', (e) => e.type === 'needs_login', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await f.value('servers:list'))[0]?.needsLogin).toBe(true);
    expect(notifications.filter((n) => n.kind === 'needs_login')).toHaveLength(1);
    expect((await f.value('health:get')).servers[0]?.needsLogin).toBe(true);
  });
});
