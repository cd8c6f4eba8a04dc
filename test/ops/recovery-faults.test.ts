// Each fault class against the fake Plex's real faults over loopback HTTP, through the code the
// product runs: the composition root's client factory (retries from the configuration, the one
// retry policy of errors/retry.ts) and the sync engine over it. 500s, hangs, connection resets,
// truncated and malformed bodies, a revoked token, a missing item; the circuit breaker over a
// failing server; and errors recorded and resolved in sync_errors.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFileVault, VAULT_FILE } from '../../src-main/core/account/file-vault';
import { createCoreServices, type CoreServices } from '../../src-main/core/core-services';
import { CircuitBreakers, CircuitOpenError } from '../../src-main/core/errors/circuit-breaker';
import { classifyError } from '../../src-main/core/errors/classify';
import type { ServerClient } from '../../src-main/core/plex/server-client';
import {
  listSyncErrors,
  recordSyncError,
  resolveAfterSuccessfulRun,
} from '../../src-main/core/store/repositories/error-repository';
import { SyncEngine } from '../../src-main/core/sync/engine';
import { registerServerByUrl } from '../../src-main/core/sync/server-setup';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { tempDir, tempStore } from '../helpers/temp';
import { addLibrary, addRun, addServer } from './fixtures';

const RETRIES = 3;

let fake: FakePlex;
let core: CoreServices;
let client: ServerClient;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  fake = await startFakePlex({ seed: 11, movies: 5, shows: 1, episodes: 3 });
  const { dir, cleanup } = tempDir('retrovue-faults-');
  cleanups.push(cleanup);
  // The product's defaults except the waits: 3 retries, backoff from 5 ms, 1 s per request.
  core = createCoreServices({
    dataDir: dir,
    vault: createFileVault(join(dir, VAULT_FILE)),
    actor: 'cli',
    env: {
      RETROVUE_RETRY_ATTEMPTS: String(RETRIES),
      RETROVUE_RETRY_DELAY_SECONDS: '0.005',
      RETROVUE_API_TIMEOUT_SECONDS: '1',
      RETROVUE_ARTWORK_CACHE: 'false',
      RETROVUE_PLEX_TV_URL: 'http://127.0.0.1:1',
    },
  });
  client = core.serverClientFor({ baseUrl: fake.pmsUrl, token: fake.token });
});
afterAll(async () => {
  client.close();
  core.close();
  await fake.stop();
  cleanups.splice(0).forEach((c) => c());
});
afterEach(() => {
  fake.control.clearFaults();
  fake.control.restoreToken();
  fake.requestLog.reset();
});

async function attempt(path: string) {
  try {
    return { value: await client.get(path), error: null as unknown };
  } catch (error) {
    return { value: null, error };
  }
}

describe("each fault through the product's client: class and retry decision", () => {
  it('500s are network: retried with backoff until the server answers', async () => {
    fake.control.addFault({ kind: 'error', status: 500, path: '/library/sections', times: 2 });
    const r = await attempt('/library/sections');
    expect(r.error).toBeNull();
    expect(r.value!.data.MediaContainer).toBeTruthy();
    expect(fake.requestLog.count('/library/sections')).toBe(3);
  });

  it('persistent 500s exhaust retry_attempts and fail as network', async () => {
    fake.control.addFault({ kind: 'error', status: 503, path: '/library/sections' });
    const r = await attempt('/library/sections');
    expect(fake.requestLog.count('/library/sections')).toBe(1 + RETRIES);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'network', status: 503, retryable: true });
  });

  it('a hang is a timeout: retried, and the next answer is used', async () => {
    fake.control.addFault({ kind: 'hang', path: '/library/sections', times: 1 });
    const r = await attempt('/library/sections');
    expect(r.error).toBeNull();
    expect(fake.requestLog.count('/library/sections')).toBe(2);
  });

  it('a connection reset mid-answer is network: retried', async () => {
    fake.control.addFault({ kind: 'reset', path: '/library/sections', times: 1 });
    const r = await attempt('/library/sections');
    expect(r.error).toBeNull();
    expect(fake.requestLog.count('/library/sections')).toBe(2);
  });

  it('a truncated body is a transport fault: retried, and the whole answer is used', async () => {
    fake.control.addFault({ kind: 'truncate', path: '/library/sections', times: 1 });
    const r = await attempt('/library/sections');
    expect(r.error).toBeNull();
    expect(r.value!.data.MediaContainer).toBeTruthy();
    expect(fake.requestLog.count('/library/sections')).toBe(2);
  });

  it('a malformed body is retried too; one that stays malformed ends as data after the retries', async () => {
    fake.control.addFault({ kind: 'malformed', path: '/library/sections', times: 1 });
    expect((await attempt('/library/sections')).error).toBeNull();
    expect(fake.requestLog.count('/library/sections')).toBe(2);

    fake.requestLog.reset();
    fake.control.addFault({ kind: 'malformed', path: '/library/sections' });
    const r = await attempt('/library/sections');
    expect(fake.requestLog.count('/library/sections')).toBe(1 + RETRIES);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'data', code: 'PLEX_DATA' });
  });

  it('a revoked token is auth: not retried', async () => {
    fake.control.revokeToken();
    const r = await attempt('/library/sections');
    expect(fake.requestLog.count('/library/sections')).toBe(1);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'auth', status: 401, retryable: false });
    expect(String((r.error as Error).message)).not.toContain(fake.token);
  });

  it('an item that is gone is not_found: not retried', async () => {
    const r = await attempt('/library/metadata/987654321');
    expect(fake.requestLog.count('/library/metadata/:id')).toBe(1);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'not_found', status: 404, retryable: false });
  });
});

describe('faults during a real sync with the product client', () => {
  async function syncSetup() {
    const t = tempStore();
    cleanups.push(t.cleanup);
    const { server } = await registerServerByUrl(t.store, client);
    const engine = new SyncEngine({
      store: t.store,
      config: core.config(),
      clientFor: () => client,
    });
    const movies = () =>
      (
        t.store.sqlite.prepare(`select count(*) as n from movies where state != 'removed'`).get() as {
          n: number;
        }
      ).n;
    return { ...t, engine, serverId: server.id, movies };
  }

  it('one truncated listing page and one malformed detail answer are retried: the library syncs whole', async () => {
    const s = await syncSetup();
    fake.control.addFault({ kind: 'truncate', path: '/library/sections/*/all', times: 1 });
    fake.control.addFault({ kind: 'malformed', path: '/library/metadata/*', times: 1 });
    const results = await s.engine.syncServer(s.serverId, { trigger: 'manual' });
    expect(results.map((r) => r.status)).toEqual(results.map(() => 'succeeded'));
    expect(results.reduce((n, r) => n + r.errors, 0)).toBe(0);
    expect(s.movies()).toBe(fake.control.snapshot().items.filter((i) => i.type === 'movie').length);
  });

  it('a listing that stays truncated fails the library after the retries and removes nothing', async () => {
    const s = await syncSetup();
    await s.engine.syncServer(s.serverId, { trigger: 'manual' });
    const before = s.movies();
    expect(before).toBeGreaterThan(0);
    fake.control.addFault({ kind: 'truncate', path: '/library/sections/*/all' });
    const results = await s.engine.syncServer(s.serverId, { kind: 'deep', trigger: 'manual' });
    expect(results.every((r) => r.status === 'failed')).toBe(true);
    expect(s.movies()).toBe(before);
  });
});

describe('circuit breaker over a failing server', () => {
  it('opens after max_consecutive_errors failed runs, refuses work while cooling down, closes on a good trial', async () => {
    let now = 1_000_000;
    const breakers = new CircuitBreakers({
      maxConsecutiveErrors: 3,
      cooldownMs: 15 * 60_000,
      now: () => now,
    });
    const serverId = 1;
    fake.control.setFaults({ errorRate: 1, errorStatus: 500 });
    const runOnce = async () => {
      breakers.assertAllows(serverId);
      try {
        await client.get('/library/sections');
        breakers.recordSuccess(serverId);
        return 'ok';
      } catch (err) {
        breakers.recordFailure(serverId, err);
        return 'failed';
      }
    };
    expect(await runOnce()).toBe('failed');
    expect(await runOnce()).toBe('failed');
    expect(breakers.status(serverId).state).toBe('closed');
    expect(await runOnce()).toBe('failed');
    expect(breakers.status(serverId)).toMatchObject({
      state: 'open',
      consecutiveErrors: 3,
      lastErrorClass: 'network',
    });
    const before = fake.requestLog.count('/library/sections');
    await expect(runOnce()).rejects.toBeInstanceOf(CircuitOpenError);
    // While open, nothing is sent to the server.
    expect(fake.requestLog.count('/library/sections')).toBe(before);

    fake.control.clearFaults();
    now += 15 * 60_000;
    expect(breakers.status(serverId).state).toBe('half_open');
    expect(await runOnce()).toBe('ok');
    expect(breakers.status(serverId)).toMatchObject({ state: 'closed', consecutiveErrors: 0 });
  });
});

describe('errors from faults recorded and resolved', () => {
  it('a failed run records the class and request without the token; a later good run resolves it', async () => {
    const t = tempStore();
    cleanups.push(t.cleanup);
    const serverId = addServer(t.store, 'Fake');
    const libraryId = addLibrary(t.store, serverId, 'movie', '1', 'Movies');
    fake.control.addFault({ kind: 'error', status: 500, path: '/library/sections' });
    const run1 = addRun(t.store, { serverId, libraryId, status: 'failed', startedAt: Date.now() });
    const url = `${fake.pmsUrl}/library/sections?X-Plex-Token=${fake.token}`;
    const record = async () => {
      fake.requestLog.reset();
      const r = await attempt('/library/sections');
      recordSyncError(t.store.db, {
        error: r.error,
        runId: run1,
        serverId,
        libraryId,
        request: { method: 'GET', url },
        retryCount: fake.requestLog.count('/library/sections') - 1,
      });
    };
    await record();
    // The next scheduled run fails the same way: same row, more retries.
    await record();
    const [row] = listSyncErrors(t.store.db);
    expect(row).toMatchObject({ errorClass: 'network', retryCount: RETRIES + 1 + RETRIES, resolvedAt: null });
    expect(JSON.stringify(row)).not.toContain(fake.token);
    expect(JSON.parse(row!.contextJson)).toMatchObject({
      status: 500,
      request: { url: `${fake.pmsUrl}/library/sections?X-Plex-Token=[redacted]` },
    });

    fake.control.clearFaults();
    const ok = await attempt('/library/sections');
    expect(ok.error).toBeNull();
    const run2 = addRun(t.store, { serverId, libraryId, status: 'succeeded', startedAt: Date.now() });
    expect(resolveAfterSuccessfulRun(t.store.db, { serverId, libraryId, runId: run2 })).toBe(1);
    expect(listSyncErrors(t.store.db, { unresolvedOnly: true })).toEqual([]);
  });
});
