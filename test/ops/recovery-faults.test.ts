// Each error class and its recovery against the fake Plex's real faults over loopback HTTP:
// 500s, hangs, connection resets, malformed JSON, a revoked token, a missing item; the circuit
// breaker over a failing server; and errors recorded and resolved in sync_errors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreakers, CircuitOpenError } from '../../src-main/core/errors/circuit-breaker';
import { classifyError } from '../../src-main/core/errors/classify';
import { planRecovery } from '../../src-main/core/errors/recovery';
import { withRetry, type RetryAttemptInfo } from '../../src-main/core/errors/retry';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient, type ServerClient } from '../../src-main/core/plex/server-client';
import {
  listSyncErrors,
  recordSyncError,
  resolveAfterSuccessfulRun,
} from '../../src-main/core/store/repositories/error-repository';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { tempStore } from '../helpers/temp';
import { addLibrary, addRun, addServer } from './fixtures';

let fake: FakePlex;
let client: ServerClient;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  fake = await startFakePlex({ seed: 11, movies: 5, shows: 1, episodes: 3 });
  // The client's own retries off: here withRetry does the retrying.
  client = createServerClient({
    baseUrl: fake.pmsUrl,
    token: fake.token,
    identity: makeIdentity('retrovue-ops-tests'),
    timeoutMs: 400,
    retry: { attempts: 0, delayMs: 0 },
  });
});
afterAll(async () => {
  client.close();
  await fake.stop();
});
afterEach(() => {
  fake.control.clearFaults();
  fake.control.restoreToken();
  fake.requestLog.reset();
  cleanups.splice(0).forEach((c) => c());
});

const policy = { retries: 3, baseDelayMs: 5, maxDelayMs: 100 };

async function attempt(path: string) {
  const retries: RetryAttemptInfo[] = [];
  try {
    const value = await withRetry(() => client.get(path), { ...policy, onRetry: (i) => retries.push(i) });
    return { value, error: null as unknown, retries };
  } catch (error) {
    return { value: null, error, retries };
  }
}

describe('each fault: class, retry decision, recovery action', () => {
  it('500s are network: retried with backoff until the server answers', async () => {
    fake.control.addFault({ kind: 'error', status: 500, path: '/library/sections', times: 2 });
    const r = await attempt('/library/sections');
    expect(r.error).toBeNull();
    expect(r.value!.data.MediaContainer).toBeTruthy();
    expect(r.retries.map((i) => [i.classification.errorClass, i.classification.status])).toEqual([
      ['network', 500],
      ['network', 500],
    ]);
    expect(fake.requestLog.count('/library/sections')).toBe(3);
  });

  it('persistent 500s exhaust the retries and stop the run', async () => {
    fake.control.addFault({ kind: 'error', status: 503, path: '/library/sections' });
    const r = await attempt('/library/sections');
    expect(fake.requestLog.count('/library/sections')).toBe(1 + policy.retries);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'network', status: 503, retryable: true });
    expect(planRecovery(r.error).action).toBe('stop_run');
  });

  it('a hang is a timeout: retried, and the next answer is used', async () => {
    fake.control.addFault({ kind: 'hang', path: '/library/sections', times: 1 });
    const r = await attempt('/library/sections');
    expect(r.error).toBeNull();
    expect(r.retries.map((i) => i.classification.errorClass)).toEqual(['timeout']);
  });

  it('a connection reset mid-answer is network: retried', async () => {
    fake.control.addFault({ kind: 'reset', path: '/library/sections', times: 1 });
    const r = await attempt('/library/sections');
    expect(r.error).toBeNull();
    expect(r.retries).toHaveLength(1);
    expect(r.retries[0]!.classification.errorClass).toBe('network');
  });

  it('malformed JSON is data: not retried, the item is skipped', async () => {
    fake.control.addFault({ kind: 'malformed', path: '/library/sections' });
    const r = await attempt('/library/sections');
    expect(fake.requestLog.count('/library/sections')).toBe(1);
    expect(r.retries).toEqual([]);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'data', retryable: false });
    expect(planRecovery(r.error).action).toBe('skip_item');
  });

  it('a revoked token is auth: not retried, re-login', async () => {
    fake.control.revokeToken();
    const r = await attempt('/library/sections');
    expect(fake.requestLog.count('/library/sections')).toBe(1);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'auth', status: 401 });
    expect(planRecovery(r.error).action).toBe('relogin');
    expect(String((r.error as Error).message)).not.toContain(fake.token);
  });

  it('an item that is gone is not_found: not retried, skipped', async () => {
    const r = await attempt('/library/metadata/987654321');
    expect(fake.requestLog.count('/library/metadata/:id')).toBe(1);
    expect(classifyError(r.error)).toMatchObject({ errorClass: 'not_found', status: 404 });
    expect(planRecovery(r.error).action).toBe('skip_item');
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
        await withRetry(() => client.get('/library/sections'), { ...policy, retries: 1 });
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
    const r = await attempt('/library/sections');
    const url = `${fake.pmsUrl}/library/sections?X-Plex-Token=${fake.token}`;
    recordSyncError(t.store.db, {
      error: r.error,
      runId: run1,
      serverId,
      libraryId,
      request: { method: 'GET', url },
      retryCount: r.retries.length,
    });
    // The next scheduled run fails the same way: same row, more retries.
    const again = await attempt('/library/sections');
    recordSyncError(t.store.db, {
      error: again.error,
      runId: run1,
      serverId,
      libraryId,
      request: { method: 'GET', url },
      retryCount: again.retries.length,
    });
    const [row] = listSyncErrors(t.store.db);
    expect(row).toMatchObject({ errorClass: 'network', retryCount: 3 + 1 + 3, resolvedAt: null });
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
