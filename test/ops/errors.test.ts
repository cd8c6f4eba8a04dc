import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyError, toRetroVueError } from '../../src-main/core/errors/classify';
import { CircuitBreakers, CircuitOpenError } from '../../src-main/core/errors/circuit-breaker';
import {
  CancelledError,
  ItemDataError,
  PlexAuthError,
  PlexDataError,
  PlexNetworkError,
  PlexNotFoundError,
  PlexTimeoutError,
  StoreError,
} from '../../src-main/core/errors/errors';
import { withRetry, type RetryAttemptInfo } from '../../src-main/core/errors/retry';
import { tempDir } from '../helpers/temp';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function caught(p: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('classifyError on real failures', () => {
  it('connection refused from fetch is network, retryable', async () => {
    const { url, server } = await listen(() => undefined);
    await new Promise<void>((r) => server.close(() => r()));
    const err = await caught(fetch(`${url}/library/sections`));
    const c = classifyError(err);
    expect(c).toMatchObject({ errorClass: 'network', code: 'ECONNREFUSED', retryable: true });
  });

  it('a connection reset mid-body is network', async () => {
    const { url } = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"MediaContainer":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const err = await caught(fetch(url).then((r) => r.text()));
    expect(classifyError(err)).toMatchObject({ errorClass: 'network', retryable: true });
  });

  it('AbortSignal.timeout on a hanging server is timeout; a caller abort is a cancellation', async () => {
    const { url } = await listen(() => undefined);
    const timedOut = await caught(fetch(url, { signal: AbortSignal.timeout(50) }));
    expect(classifyError(timedOut)).toMatchObject({
      errorClass: 'timeout',
      retryable: true,
      cancelled: false,
    });
    const controller = new AbortController();
    const pending = fetch(url, { signal: controller.signal });
    controller.abort();
    const aborted = await caught(pending);
    expect(classifyError(aborted)).toMatchObject({ errorClass: null, cancelled: true, retryable: false });
  });

  it('malformed JSON and a failed schema are data; never retryable', async () => {
    const syntax = await caught(() => JSON.parse('{"MediaContainer": {'));
    expect(classifyError(syntax)).toMatchObject({
      errorClass: 'data',
      code: 'MALFORMED_JSON',
      retryable: false,
    });
    const zod = await caught(() => z.object({ ratingKey: z.string() }).parse({ ratingKey: 5 }));
    expect(classifyError(zod)).toMatchObject({ errorClass: 'data', code: 'INVALID_PAYLOAD' });
    expect(classifyError(new ItemDataError('12', 'no title'))).toMatchObject({
      errorClass: 'data',
      retryable: false,
    });
  });

  it('file system errors are file_system, SQLite errors are database (busy is retryable)', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const fsErr = await caught(() => readFileSync(join(t.dir, 'missing.mkv')));
    expect(classifyError(fsErr)).toMatchObject({
      errorClass: 'file_system',
      code: 'ENOENT',
      retryable: false,
    });

    const path = join(t.dir, 'busy.db');
    const a = new Database(path);
    const b = new Database(path, { timeout: 0 });
    cleanups.push(() => {
      a.close();
      b.close();
    });
    a.exec('create table t (x integer unique)');
    a.exec('begin immediate');
    const busy = await caught(() => b.exec('begin immediate'));
    a.exec('rollback');
    expect(classifyError(busy)).toMatchObject({
      errorClass: 'database',
      code: 'SQLITE_BUSY',
      retryable: true,
    });
    a.exec('insert into t values (1)');
    const constraint = await caught(() => a.exec('insert into t values (1)'));
    expect(classifyError(constraint)).toMatchObject({ errorClass: 'database', retryable: false });
    expect(classifyError(new StoreError('write failed', busy))).toMatchObject({
      errorClass: 'database',
      retryable: true,
    });
  });

  it('typed Plex errors keep their class, status and Retry-After', () => {
    expect(classifyError(new PlexNetworkError('boom', { status: 503 }))).toMatchObject({
      errorClass: 'network',
      status: 503,
      retryable: true,
    });
    expect(
      classifyError(new PlexNetworkError('slow down', { status: 429, retryAfterMs: 2000 })),
    ).toMatchObject({ retryAfterMs: 2000, retryable: true });
    expect(classifyError(new PlexAuthError('no', { status: 401 }))).toMatchObject({
      errorClass: 'auth',
      retryable: false,
    });
    expect(classifyError(new PlexNotFoundError('gone', { status: 404 }))).toMatchObject({
      errorClass: 'not_found',
      retryable: false,
    });
    expect(classifyError(new CancelledError())).toMatchObject({ cancelled: true });
  });

  it('toRetroVueError gives raw errors a typed, token-free form', async () => {
    const syntax = await caught(() => JSON.parse('{'));
    expect(toRetroVueError(syntax)).toBeInstanceOf(PlexDataError);
    const timeout = Object.assign(new Error('socket hang up ?X-Plex-Token=abcdef123456'), {
      code: 'ETIMEDOUT',
    });
    const typed = toRetroVueError(timeout);
    expect(typed).toBeInstanceOf(PlexTimeoutError);
    expect(typed.message).not.toContain('abcdef123456');
  });
});

describe('withRetry', () => {
  const fast = { baseDelayMs: 5, maxDelayMs: 1000 };

  it('retries transient failures with growing, jittered backoff and returns the success', async () => {
    const seen: RetryAttemptInfo[] = [];
    const stamps: number[] = [];
    const value = await withRetry(
      async (attempt) => {
        stamps.push(performance.now());
        if (attempt < 4) throw new PlexNetworkError('503', { status: 503 });
        return 'ok';
      },
      { ...fast, baseDelayMs: 20, retries: 3, onRetry: (i) => seen.push(i) },
    );
    expect(value).toBe('ok');
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    // Exponential: waits of at least 20, 40 and 80 ms (jitter multiplies by 1 to 2).
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(78);
  });

  it('gives up after retry_attempts and throws the last error unchanged', async () => {
    let calls = 0;
    const err = await caught(
      withRetry(
        async () => {
          calls++;
          throw new PlexTimeoutError(`timed out ${calls}`);
        },
        { ...fast, retries: 2 },
      ),
    );
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(PlexTimeoutError);
    expect((err as Error).message).toBe('timed out 3');
  });

  it.each([
    ['auth', new PlexAuthError('revoked', { status: 401 })],
    ['not_found', new PlexNotFoundError('gone', { status: 404 })],
    ['data', new PlexDataError('malformed JSON')],
    ['bug', new TypeError('x is undefined')],
  ])('never retries %s', async (_name, error) => {
    let calls = 0;
    const err = await caught(
      withRetry(
        async () => {
          calls++;
          throw error;
        },
        { ...fast, retries: 5 },
      ),
    );
    expect(calls).toBe(1);
    expect(err).toBe(error);
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    let calls = 0;
    const infos: RetryAttemptInfo[] = [];
    const started = performance.now();
    await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new PlexNetworkError('rate limited', { status: 429, retryAfterMs: 300 });
        return 1;
      },
      { ...fast, retries: 2, onRetry: (i) => infos.push(i) },
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    expect(infos[0]!.waitMs).toBe(300);
  });

  it('an abort during the backoff ends it with CancelledError', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    let calls = 0;
    const err = await caught(
      withRetry(
        async () => {
          calls++;
          throw new PlexNetworkError('down', { status: 500 });
        },
        { baseDelayMs: 5000, maxDelayMs: 10_000, retries: 3, signal: controller.signal },
      ),
    );
    expect(err).toBeInstanceOf(CancelledError);
    expect(calls).toBe(1);
  });
});

describe('circuit breaker', () => {
  function breakers() {
    let now = 1_000_000;
    const b = new CircuitBreakers({ maxConsecutiveErrors: 3, cooldownMs: 15 * 60_000, now: () => now });
    return { b, advance: (ms: number) => (now += ms), now: () => now };
  }
  const down = () => new PlexNetworkError('server error 500', { status: 500 });

  it('opens after max consecutive server errors and cools down for the configured time', () => {
    const { b, advance, now } = breakers();
    const changes: string[] = [];
    b.onChange((s) => changes.push(s.state));
    expect(b.recordFailure(1, down())).toBe(true);
    expect(b.recordFailure(1, new PlexTimeoutError('slow'))).toBe(true);
    expect(b.allows(1)).toBe(true);
    b.recordFailure(1, down());
    expect(b.status(1)).toMatchObject({ state: 'open', consecutiveErrors: 3, retryAt: now() + 15 * 60_000 });
    expect(b.allows(1)).toBe(false);
    expect(() => b.assertAllows(1)).toThrow(CircuitOpenError);
    expect(() => b.assertAllows(1)).toThrow(/cooling down after 3 consecutive errors/);
    // The refusal is not retried and does not count as another failure.
    const refusal = (() => {
      try {
        b.assertAllows(1);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(classifyError(refusal)).toMatchObject({
      errorClass: 'network',
      code: 'CIRCUIT_OPEN',
      retryable: false,
    });
    expect(b.recordFailure(1, refusal)).toBe(false);
    expect(b.status(1).consecutiveErrors).toBe(3);
    // Other servers are not affected.
    expect(b.allows(2)).toBe(true);
    advance(15 * 60_000 - 1);
    expect(b.allows(1)).toBe(false);
    advance(1);
    expect(b.status(1).state).toBe('half_open');
    expect(changes).toEqual(['closed', 'closed', 'open']);
  });

  it('half open lets one trial through: failure reopens, success closes', () => {
    const { b, advance } = breakers();
    for (let i = 0; i < 3; i++) b.recordFailure(1, down());
    advance(15 * 60_000);
    expect(b.allows(1)).toBe(true);
    expect(b.allows(1)).toBe(false);
    b.recordFailure(1, down());
    expect(b.status(1).state).toBe('open');
    advance(15 * 60_000);
    expect(b.allows(1)).toBe(true);
    b.recordSuccess(1);
    expect(b.status(1)).toMatchObject({ state: 'closed', consecutiveErrors: 0 });
    expect(b.allows(1)).toBe(true);
  });

  it('a trial that ends without a verdict on the server lets the next caller try', () => {
    const { b, advance } = breakers();
    for (let i = 0; i < 3; i++) b.recordFailure(1, down());
    advance(15 * 60_000);
    expect(b.allows(1)).toBe(true);
    // A bad payload says nothing about the server being down: no verdict, the trial is still held...
    expect(b.recordFailure(1, new PlexDataError('bad item'))).toBe(false);
    expect(b.allows(1)).toBe(false);
    // ...until the caller gives it back.
    b.releaseTrial(1);
    expect(b.status(1).state).toBe('half_open');
    expect(b.allows(1)).toBe(true);
    expect(b.allows(1)).toBe(false);
  });

  it('a success resets the count; item-level failures do not count', () => {
    const { b } = breakers();
    b.recordFailure(1, down());
    b.recordFailure(1, down());
    b.recordSuccess(1);
    b.recordFailure(1, down());
    b.recordFailure(1, down());
    expect(b.status(1).state).toBe('closed');
    expect(b.recordFailure(1, new PlexDataError('bad item'))).toBe(false);
    expect(b.recordFailure(1, new PlexNotFoundError('gone'))).toBe(false);
    expect(b.recordFailure(1, new PlexAuthError('revoked'))).toBe(false);
    expect(b.recordFailure(1, new CancelledError())).toBe(false);
    expect(b.status(1)).toMatchObject({ state: 'closed', consecutiveErrors: 2 });
    expect(b.snapshot().map((s) => s.serverId)).toEqual([1]);
  });

  it('new thresholds from a config change apply at once', () => {
    const { b } = breakers();
    b.recordFailure(1, down());
    b.configure({ maxConsecutiveErrors: 2, cooldownMs: 1000 });
    b.recordFailure(1, down());
    expect(b.status(1).state).toBe('open');
  });
});
