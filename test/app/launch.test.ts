// `npm start` without the Electron binary: a clear message and the headless web mode, no stack.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../src-main/app/launch';
import { runRetrovue } from '../helpers/cli';
import { MIGRATIONS, tempDir } from '../helpers/temp';

const ROOT = join(__dirname, '..', '..');

describe('launcher', () => {
  it('tells an installed binary from a missing one', () => {
    const missing = findElectronBinary(() => {
      throw new Error(
        'Electron failed to install correctly, please delete node_modules/electron and try installing again',
      );
    });
    expect(missing).toEqual({
      ok: false,
      reason: expect.stringContaining('Electron failed to install correctly'),
    });
    expect(findElectronBinary(() => '/nonexistent/electron')).toEqual({
      ok: false,
      reason: '/nonexistent/electron does not exist',
    });
    expect(findElectronBinary(() => process.execPath)).toEqual({ ok: true, path: process.execPath });
  });

  it('falls back to the headless web mode, printing what is missing and the URL', async () => {
    const { dir, cleanup } = tempDir('retrovue-launch-');
    try {
      const rendererDir = join(dir, 'renderer');
      mkdirSync(rendererDir, { recursive: true });
      writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>RetroVue</title>');
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src-main', 'app', 'launch.ts')], {
        cwd: ROOT,
        env: {
          ...process.env,
          ELECTRON_OVERRIDE_DIST_PATH: join(dir, 'no-electron-here'),
          RETROVUE_DATA_DIR: join(dir, 'data'),
          RETROVUE_RENDERER_DIR: rendererDir,
          RETROVUE_MIGRATIONS_DIR: MIGRATIONS,
          RETROVUE_HEALTH_PORT: '0',
          RETROVUE_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 40_000;
      while (
        !/http:\/\/127\.0\.0\.1:\d+\/\?access=\S+/.test(stdout) &&
        Date.now() < deadline &&
        child.exitCode === null
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?access=\S+/.exec(stdout)?.[0];
      expect(stderr).toContain(
        'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?) — starting headless web mode',
      );
      expect(url, `stdout: ${stdout}\nstderr: ${stderr}`).toBeTruthy();
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('RetroVue');
      expect((await fetch(url!.replace(/\?access=.*/, ''))).status).toBe(403);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      cleanup();
    }
  }, 60_000);

  it('`retrovue serve --json` prints the URL, serves until SIGTERM and stops cleanly', async () => {
    const { dir, cleanup } = tempDir('retrovue-serve-cli-');
    try {
      const rendererDir = join(dir, 'renderer');
      mkdirSync(rendererDir, { recursive: true });
      writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>RetroVue</title>');
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(ROOT, 'src-main', 'cli', 'main.ts'),
          '--json',
          '--data-dir',
          join(dir, 'data'),
          'serve',
          '--port',
          '0',
        ],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            RETROVUE_RENDERER_DIR: rendererDir,
            RETROVUE_MIGRATIONS_DIR: MIGRATIONS,
            RETROVUE_HEALTH_PORT: '0',
            RETROVUE_LOG_LEVEL: 'error',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 40_000;
      while (!stdout.includes('}') && Date.now() < deadline && child.exitCode === null)
        await new Promise((r) => setTimeout(r, 100));
      const printed = JSON.parse(stdout) as { ok: boolean; url: string; port: number };
      expect(printed.ok).toBe(true);
      expect(printed.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${printed.port}/\\?access=`));
      expect((await fetch(printed.url)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      cleanup();
    }
  }, 60_000);

  it('`retrovue serve` rejects a bad port with one line', () => {
    const r = runRetrovue(['serve', '--port', '99999']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--port 99999');
  });
});
