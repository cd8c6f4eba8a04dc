// Every CLI command logs to <data-dir>/logs as JSON lines at the configured level, while stdout
// carries only the command's output; no token reaches the file, not even one given with --token.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakePlex } from '../fake-plex';
import { runRetrovueAsync as runRetrovue } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface LogLine {
  ts: string;
  level: string;
  scope?: string;
  msg: string;
  [field: string]: unknown;
}

function readLog(dataDir: string): { text: string; lines: LogLine[] } {
  const logs = join(dataDir, 'logs');
  expect(readdirSync(logs)).toEqual(['retrovue.log']);
  const text = readFileSync(join(logs, 'retrovue.log'), 'utf8');
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);
  return { text, lines };
}

describe('CLI log file', () => {
  it(
    '`retrovue sync` writes JSON lines to <data-dir>/logs, keeps stdout clean, and never writes the token',
    { timeout: 90_000 },
    async () => {
      const fake = await startFakePlex({ seed: 3, movies: 6, shows: 1, episodes: 4 });
      cleanups.push(() => fake.stop());
      const { dir, cleanup } = tempDir('retrovue-cli-log-');
      cleanups.push(cleanup);

      const ok = await runRetrovue([
        '--data-dir',
        dir,
        '--json',
        'sync',
        '--server-url',
        fake.pmsUrl,
        '--token',
        fake.token,
      ]);
      expect(ok.status, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true });
      let log = readLog(dir);
      expect(
        log.lines.every(
          (l) => typeof l.ts === 'string' && typeof l.level === 'string' && typeof l.msg === 'string',
        ),
      ).toBe(true);
      const started = log.lines.find((l) => l.msg === 'command started');
      expect(started).toMatchObject({
        level: 'info',
        scope: 'cli',
        command: 'sync',
        options: { serverUrl: fake.pmsUrl, token: '[redacted]' },
      });
      expect(log.lines.find((l) => l.msg === 'command finished')).toMatchObject({
        command: 'sync',
        exitCode: 0,
      });
      expect(log.text).not.toContain(fake.token);

      // A refused token: the failure is logged with its reason, the token still is not.
      const wrongToken = 'wrong-token-5f3a9c2e71';
      const refused = await runRetrovue([
        '--data-dir',
        dir,
        '--json',
        'sync',
        '--server-url',
        fake.pmsUrl,
        '--token',
        wrongToken,
      ]);
      expect(refused.status).not.toBe(0);
      expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false });
      log = readLog(dir);
      const failed = log.lines.filter((l) => l.msg === 'command failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ level: 'error', code: 'PLEX_AUTH' });
      expect(log.text).not.toContain(wrongToken);
      expect(log.text).not.toContain(fake.token);
      // The console got the one line a person reads, not the log line.
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  it('follows the configured level: warn keeps the info lines out', async () => {
    const { dir, cleanup } = tempDir('retrovue-cli-log-level-');
    cleanups.push(cleanup);
    const r = await runRetrovue(['--data-dir', dir, '--json', 'status'], { RETROVUE_LOG_LEVEL: 'warn' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    const quiet = await runRetrovue(
      ['--data-dir', dir, 'status', '--db', join(dir, 'missing', 'dir', 'x.db')],
      { RETROVUE_LOG_LEVEL: 'info' },
    );
    expect(quiet.status).toBe(0);
    // Only the second run (info) wrote lines.
    expect(readLog(dir).lines.map((l) => l.msg)).toEqual(['command started', 'command finished']);
  });
});
