import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlexAuthError } from '../../src-main/core/errors/errors';
import {
  configureLogging,
  getLogger,
  logFilePath,
  setLogLevel,
  type LogLine,
} from '../../src-main/core/logging/logger';
import { redact, redactValue, registerSecret } from '../../src-main/core/logging/redact';
import { tempDir } from '../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((c) => c());
  vi.restoreAllMocks();
});

function lines(path: string): LogLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
}

describe('redaction', () => {
  const token = 'Zx9-plex-token-Q7';

  it('masks tokens in URLs, headers, JSON bodies and error messages', () => {
    expect(redact(`GET http://127.0.0.2:32400/library/sections?X-Plex-Token=${token}&type=1`)).toBe(
      'GET http://127.0.0.2:32400/library/sections?X-Plex-Token=[redacted]&type=1',
    );
    expect(redact(`/photo/:/transcode?url=%2Fthumb&X-Plex-Token=${token}`)).not.toContain(token);
    expect(redact(`X-Plex-Token: ${token}`)).toBe('X-Plex-Token: [redacted]');
    expect(redact(`{"authToken":"${token}","id":5}`)).toBe('{"authToken":"[redacted]","id":5}');
    expect(redact(`Authorization=${token}`)).not.toContain(token);
    expect(redact(`Authorization: Bearer ${token}`)).toBe('Authorization: Bearer [redacted]');
    expect(redact(`{"authorization":"Basic ${token}"}`)).toBe('{"authorization":"Basic [redacted]"}');
    expect(redact('the Token expired; retrying')).toBe('the Token expired; retrying');
    const err = new PlexAuthError(`401 for http://h/library?X-Plex-Token=${token}`, {
      url: `http://h/?X-Plex-Token=${token}`,
    });
    expect(err.message).not.toContain(token);
    expect(err.url).not.toContain(token);
  });

  it('masks a registered secret anywhere, and secret-named fields in objects', () => {
    registerSecret(token);
    expect(redact(`something odd happened with ${token} inside`)).toBe(
      'something odd happened with [redacted] inside',
    );
    expect(
      redactValue({
        headers: { 'X-Plex-Token': token, Accept: 'application/json' },
        nested: [{ accessToken: 'abc' }, `url?token=${token}`],
        error: new Error(`bad ${token}`),
      }),
    ).toEqual({
      headers: { 'X-Plex-Token': '[redacted]', Accept: 'application/json' },
      nested: [{ accessToken: '[redacted]' }, 'url?token=[redacted]'],
      error: { name: 'Error', message: 'bad [redacted]' },
    });
  });
});

describe('logger', () => {
  it('writes JSON lines with scope and fields, a readable console line, and never a token', () => {
    const t = tempDir('retrovue-log-');
    cleanups.push(t.cleanup);
    const secret = 'sec-ret-TOKEN-998877';
    registerSecret(secret);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    configureLogging({ dir: t.dir, level: 'info', maxFileMb: 1, maxFiles: 3, consoleLevel: 'warn' });
    const log = getLogger('sync');
    log.info('page fetched', {
      libraryId: 3,
      url: `http://pms/library/sections/3/all?X-Plex-Token=${secret}`,
    });
    log.debug('too detailed for info');
    log.warn(`request failed with token ${secret}`, { headers: { 'X-Plex-Token': secret }, status: 500 });
    log.child('details').error('item failed', { error: new Error(`boom ${secret}`) });

    const file = logFilePath()!;
    expect(file).toBe(join(t.dir, 'retrovue.log'));
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(secret);
    const [info, warn, error] = lines(file);
    expect(lines(file)).toHaveLength(3);
    expect(info).toMatchObject({ level: 'info', scope: 'sync', msg: 'page fetched', libraryId: 3 });
    expect(info!.url).toBe('http://pms/library/sections/3/all?X-Plex-Token=[redacted]');
    expect(new Date(info!.ts).getTime()).toBeGreaterThan(0);
    expect(warn).toMatchObject({
      level: 'warn',
      msg: 'request failed with token [redacted]',
      headers: { 'X-Plex-Token': '[redacted]' },
      status: 500,
    });
    expect(error).toMatchObject({
      scope: 'sync.details',
      error: { name: 'Error', message: 'boom [redacted]' },
    });

    const consoleOut = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(consoleOut).toMatch(
      /warn \(sync\) request failed with token \[redacted\] headers=\{"X-Plex-Token":"\[redacted\]"\} status=500/,
    );
    expect(consoleOut).not.toContain('page fetched');
    expect(consoleOut).not.toContain(secret);

    setLogLevel('debug');
    log.debug('now visible');
    expect(lines(file).at(-1)).toMatchObject({ level: 'debug', msg: 'now visible' });
  });

  it('rotates by size and keeps the configured number of files', () => {
    const t = tempDir('retrovue-log-');
    cleanups.push(t.cleanup);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    configureLogging({
      dir: t.dir,
      level: 'info',
      maxFileMb: 2 / 1024,
      maxFiles: 3,
      consoleLevel: false,
      fileName: 'rot.log',
    });
    const log = getLogger('bulk');
    for (let i = 0; i < 60; i++) log.info(`line ${i} ${'x'.repeat(200)}`);
    const files = readdirSync(t.dir).sort();
    expect(files).toEqual(['rot.1.log', 'rot.2.log', 'rot.log']);
    // Newest lines in the live file, older ones shifted down, the oldest gone.
    const live = lines(join(t.dir, 'rot.log'));
    const prev = lines(join(t.dir, 'rot.1.log'));
    const older = lines(join(t.dir, 'rot.2.log'));
    const n = (l: LogLine) => Number(/line (\d+)/.exec(l.msg)![1]);
    expect(live.at(-1)!.msg).toMatch(/^line 59 /);
    expect(n(prev.at(-1)!)).toBe(n(live[0]!) - 1);
    expect(n(older.at(-1)!)).toBe(n(prev[0]!) - 1);
    expect(n(older[0]!)).toBeGreaterThan(0);
  });

  it('a log folder that cannot be used turns the file off, and a file lost later costs one line, not a stack', () => {
    const t = tempDir('retrovue-log-');
    cleanups.push(t.cleanup);
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    writeFileSync(join(t.dir, 'not-a-folder'), '');
    expect(
      configureLogging({
        dir: join(t.dir, 'not-a-folder', 'logs'),
        level: 'info',
        maxFileMb: 1,
        maxFiles: 2,
        consoleLevel: false,
      }),
    ).toBe(false);
    expect(logFilePath()).toBeNull();
    getLogger('x').info('goes nowhere');
    expect(stderr).toEqual([]);

    // The folder was fine at start and is replaced by a file while running.
    const dir = join(t.dir, 'logs-later');
    expect(
      configureLogging({
        dir,
        level: 'info',
        maxFileMb: 1,
        maxFiles: 2,
        consoleLevel: false,
        fileName: 'later.log',
      }),
    ).toBe(true);
    rmSync(dir, { recursive: true });
    writeFileSync(dir, '');
    getLogger('x').info('cannot be written');
    expect(stderr.join('')).toMatch(/^electron-log\.transports\.file: Can't write to .*later\.log .*\n$/);
    expect(stderr.join('')).not.toMatch(/\n\s+at /);
  });
});
