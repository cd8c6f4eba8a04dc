// What a person does through the app (desktop or web) lands in audit_log once, with the actor:
// settings, manual syncs, error resolve/retry, servers added and removed, login and logout.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PlexNetworkError } from '../../src-main/core/errors/errors';
import { openStore, type Store } from '../../src-main/core/store/database';
import { listAudit, type AuditAction } from '../../src-main/core/store/repositories/audit-repository';
import { recordSyncError } from '../../src-main/core/store/repositories/error-repository';
import { MIGRATIONS } from '../helpers/temp';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture | null = null;
let reader: Store | null = null;
afterEach(async () => {
  reader?.close();
  reader = null;
  await fx?.close();
  fx = null;
});

describe('audit trail of the core API', () => {
  it('records each action a person takes, once, naming who did it', async () => {
    fx = await startCore();
    const f = fx;
    reader = openStore(join(f.dataDir, 'retrovue.db'), { migrationsFolder: MIGRATIONS });
    const db = reader.db;
    const rows = (action: AuditAction) => listAudit(db, { action }).reverse();

    const server = await f.value('servers:addManual', { url: f.fake.pmsUrl, token: f.fake.token });
    expect(rows('server_added')).toEqual([
      expect.objectContaining({
        actor: 'web',
        details: { name: server.name, url: expect.stringContaining('127.0.0.1') },
      }),
    ]);

    await f.value('config:update', { concurrent_scans: 3, live_push: false });
    expect(rows('config_changed')).toEqual([
      expect.objectContaining({
        actor: 'web',
        details: { keys: ['concurrent_scans', 'live_push'], changed: ['concurrent_scans', 'live_push'] },
      }),
    ]);
    // A refused update changes nothing and records nothing.
    expect((await f.call('config:update', { concurrent_scans: 99 })).ok).toBe(false);
    expect(rows('config_changed')).toHaveLength(1);

    const libraries = await f.value('libraries:refresh', { serverId: server.id });
    const movies = libraries.find((l) => l.type === 'movie')!;
    await f.value('libraries:select', { libraryIds: [movies.id], selected: true });
    await f.value('sync:start', { libraryIds: [movies.id], kind: 'deep' });
    expect(rows('manual_sync')).toEqual([
      expect.objectContaining({ actor: 'web', details: { libraryIds: [movies.id], kind: 'deep' } }),
    ]);
    await f.waitForEvent(
      'service:event',
      (e) => e.type === 'finished' && e.result.libraryId === movies.id,
      60_000,
    );

    const first = recordSyncError(db, {
      error: new PlexNetworkError('connect ECONNREFUSED'),
      serverId: server.id,
      libraryId: movies.id,
    })!;
    const second = recordSyncError(db, {
      error: new PlexNetworkError('server error 502', { status: 502 }),
      serverId: server.id,
      libraryId: movies.id,
    })!;
    expect(await f.value('errors:resolve', { ids: [first.id] })).toEqual({ resolved: 1 });
    expect(rows('errors_resolved')).toEqual([
      expect.objectContaining({ actor: 'web', details: { ids: [first.id], resolved: 1 } }),
    ]);
    await f.value('errors:retry', { id: second.id });
    expect(rows('error_retried')).toEqual([
      expect.objectContaining({ actor: 'web', details: { errorId: second.id, libraryId: movies.id } }),
    ]);
    // A retry of an error that does not exist is refused and not recorded.
    expect((await f.call('errors:retry', { id: 999_999 })).ok).toBe(false);
    expect(rows('error_retried')).toHaveLength(1);

    await f.value('servers:remove', { serverId: server.id });
    expect(rows('server_removed')).toEqual([
      expect.objectContaining({ actor: 'web', details: expect.objectContaining({ name: server.name }) }),
    ]);

    // Login and logout through the API are recorded by the account service: once each.
    const pin = await f.value('login:start');
    f.fake.control.approvePin(pin.code!, f.fake.token);
    const linked = await f.waitForEvent('login:state', (v) => v.status === 'linked');
    await f.value('account:logout');
    expect(rows('login')).toEqual([
      expect.objectContaining({ actor: 'web', details: { username: linked.account!.username } }),
    ]);
    expect(rows('logout')).toEqual([
      expect.objectContaining({
        actor: 'web',
        details: expect.objectContaining({ username: linked.account!.username }),
      }),
    ]);

    // No token anywhere in the trail.
    expect(JSON.stringify(listAudit(db, { limit: 1000 }))).not.toContain(f.fake.token);
  }, 90_000);
});
