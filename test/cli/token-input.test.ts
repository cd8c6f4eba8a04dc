// The Plex token on a command line is visible to every local user in `ps`: the CLI takes it from a
// file, standard input or PLEX_TOKEN too, and one name serves every command.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readToken } from '../../src-main/cli/token-input';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { tempDir } from '../helpers/temp';

const MAIN = join(__dirname, '..', '..', 'src-main', 'cli', 'main.ts');

function cli(
  args: string[],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PLEX_TOKEN: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

let fake: FakePlex;
let tmp: { dir: string; cleanup: () => void };
beforeAll(async () => {
  fake = await startFakePlex({ seed: 8, movies: 6, shows: 1, episodes: 4 });
  tmp = tempDir();
});
afterAll(async () => {
  await fake.stop();
  tmp.cleanup();
});

describe('reading the Plex token', () => {
  it('takes the first line of a token file, PLEX_TOKEN otherwise, and refuses two sources at once', () => {
    const file = join(tmp.dir, 'token.txt');
    writeFileSync(file, 'from-the-file\nignored\n', { mode: 0o600 });
    expect(readToken({ tokenFile: file }, {})).toBe('from-the-file');
    expect(readToken({}, { PLEX_TOKEN: 'from-env' })).toBe('from-env');
    expect(readToken({}, {})).toBeUndefined();
    expect(() => readToken({ token: 'a', tokenFile: file }, {})).toThrow(/one way/);
    writeFileSync(file, '\n');
    expect(() => readToken({ tokenFile: file }, {})).toThrow(`no Plex token in ${file}`);
    expect(() => readToken({ tokenFile: join(tmp.dir, 'missing') }, {})).toThrow(
      /cannot read the token file/,
    );
  });

  it('retrovue sync works with --token-file and with --token-stdin, never needing the token in argv', async () => {
    const file = join(tmp.dir, 'plex-token');
    writeFileSync(file, `${fake.token}\n`, { mode: 0o600 });
    const viaFile = await cli([
      '--db',
      join(tmp.dir, 'a.db'),
      '--data-dir',
      tmp.dir,
      '--json',
      'sync',
      '--server-url',
      fake.pmsUrl,
      '--token-file',
      file,
    ]);
    expect(viaFile.code, viaFile.stderr).toBe(0);
    expect((JSON.parse(viaFile.stdout) as { ok: boolean }).ok).toBe(true);
    const viaStdin = await cli(
      [
        '--db',
        join(tmp.dir, 'b.db'),
        '--data-dir',
        tmp.dir,
        '--json',
        'sync',
        '--server-url',
        fake.pmsUrl,
        '--token-stdin',
      ],
      `${fake.token}\n`,
    );
    expect(viaStdin.code, viaStdin.stderr).toBe(0);
    expect((JSON.parse(viaStdin.stdout) as { ok: boolean }).ok).toBe(true);
    const none = await cli(['--db', join(tmp.dir, 'c.db'), 'sync', '--server-url', fake.pmsUrl]);
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(
      'retrovue: a Plex token is required with --server-url: --token-file, --token-stdin, PLEX_TOKEN or --token',
    );
  });
});
