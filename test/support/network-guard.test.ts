// The loopback guard itself (issue 15): it refuses and records every destination off this machine
// before a packet is sent, lets loopback through, reaches child processes and worker threads, and
// fails a test run that tried to leave.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { lookup, promises as dnsPromises } from 'node:dns';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUARD_LOG_ENV, GUARD_PRELOAD, guardedEnv, readGuardLog } from './guard-log';

const ROOT = join(__dirname, '..', '..');
let dir: string;
let log: string;
let suiteLog: string | undefined;

/** Points the guard at a private log for the test: these refusals are the expected ones. */
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'net-guard-'));
  log = join(dir, 'guard.jsonl');
  suiteLog = process.env[GUARD_LOG_ENV];
  process.env[GUARD_LOG_ENV] = log;
});

afterEach(() => {
  process.env[GUARD_LOG_ENV] = suiteLog;
  rmSync(dir, { recursive: true, force: true });
});

function targets(): string[] {
  return readGuardLog(log).map((e) => `${e.kind} ${e.target}`);
}

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; out: string }> {
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('loopback guard', () => {
  it('is installed in this test process and handed to every child through NODE_OPTIONS', () => {
    expect(process.env.NODE_OPTIONS).toContain(`--require=${JSON.stringify(GUARD_PRELOAD)}`);
    expect(suiteLog).toMatch(/network-guard-\d+\.jsonl$/);
  });

  it('refuses a TCP connect to 203.0.113.1 before the socket even exists, and records it', async () => {
    const socket = connect(80, '203.0.113.1');
    // A real connect creates the TCP handle synchronously; a refused one never gets there.
    expect((socket as unknown as { _handle: unknown })._handle ?? null).toBeNull();
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    expect(error.code).toBe('ENETUNREACH');
    expect(error.message).toContain('203.0.113.1:80');
    expect(socket.bytesWritten).toBe(0);
    expect(targets()).toEqual(['tcp connect 203.0.113.1:80']);
    expect(readGuardLog(log)[0]).toMatchObject({ pid: process.pid, reason: 'address outside loopback' });
  });

  it('refuses fetch (undici) to an outside address and to names that need DNS', async () => {
    await expect(fetch('http://198.51.100.20:8443/identity')).rejects.toThrow();
    await expect(fetch('https://plex.tv/api/v2/user')).rejects.toThrow();
    await expect(fetch('https://127-0-0-1.abc.plex.direct:32400/')).rejects.toThrow();
    expect(targets()).toEqual([
      'tcp connect 198.51.100.20:8443',
      'tcp connect plex.tv:443',
      'tcp connect 127-0-0-1.abc.plex.direct:32400',
    ]);
  });

  it('refuses a GDM multicast datagram and DNS lookups and queries', async () => {
    const socket = createSocket('udp4');
    const sendError = await new Promise<Error | null>((resolve) =>
      socket.send('M-SEARCH * HTTP/1.1\r\n\r\n', 32414, '239.0.0.250', resolve),
    );
    socket.close();
    expect(sendError).toMatchObject({ code: 'ENETUNREACH' });
    const lookupError = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('plex.tv', (err) => resolve(err)),
    );
    expect(lookupError).toMatchObject({ code: 'ENOTFOUND' });
    await expect(dnsPromises.lookup('metadata-static.plex.tv')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(dnsPromises.resolve4('localhost')).rejects.toThrow(/DNS query/);
    expect(targets()).toEqual([
      'udp send 239.0.0.250:32414',
      'dns lookup plex.tv',
      'dns lookup metadata-static.plex.tv',
      'dns resolve4 localhost',
    ]);
  });

  it('lets loopback through: 127.0.0.1, localhost, other 127/8 addresses and UDP on 127.0.0.1', async () => {
    const server = createServer((_req, res) => res.end('here'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('here');
      expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe('here');
      // Nothing listens on 127.0.0.2: a real refusal from the kernel, not the guard's.
      const refused = await new Promise<NodeJS.ErrnoException>((resolve) =>
        connect(port, '127.0.0.2').once('error', resolve),
      );
      expect(refused.code).toBe('ECONNREFUSED');
    } finally {
      server.close();
    }
    const receiver = createSocket('udp4');
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const got = new Promise<string>((resolve) => receiver.once('message', (m) => resolve(m.toString())));
    const sender = createSocket('udp4');
    sender.send('hello', receiver.address().port, '127.0.0.1');
    expect(await got).toBe('hello');
    sender.close();
    receiver.close();
    expect(targets()).toEqual([]);
  });

  it('records what a child process and a worker thread try', async () => {
    const script = `require('node:net').connect(443, '203.0.113.9').on('error', (e) => console.log(e.code))`;
    const child = await exitOf(spawn(process.execPath, ['-e', script], { env: guardedEnv(log) }));
    expect(child.out.trim()).toBe('ENETUNREACH');
    const worker = new Worker(`require('node:dns').lookup('plex.tv', () => process.exit(0))`, {
      eval: true,
      env: guardedEnv(log),
    });
    await new Promise((resolve) => worker.once('exit', resolve));
    const entries = readGuardLog(log);
    expect(entries.map((e) => `${e.kind} ${e.target}`)).toEqual([
      'tcp connect 203.0.113.9:443',
      'dns lookup plex.tv',
    ]);
    expect(entries[0]!.pid).not.toBe(process.pid);
  });

  it('fails a test run that tried to leave loopback, naming the destination', async () => {
    const run = await exitOf(
      spawn(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          '--config',
          join(ROOT, 'test', 'support', 'fixtures', 'leaky.vitest.config.ts'),
        ],
        { cwd: ROOT, env: { ...process.env, [GUARD_LOG_ENV]: log, NO_COLOR: '1', CI: '1' } },
      ),
    );
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('leaky.fixture.ts tried to leave loopback 1 time(s)');
    expect(run.out).toContain('tcp connect 203.0.113.1:80 (address outside loopback)');
    expect(targets()).toEqual(['tcp connect 203.0.113.1:80']);
  }, 60_000);
});
