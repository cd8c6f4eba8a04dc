import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

describe('fake-plex command line', () => {
  it('starts with the given sizes and latency, prints URLs and token, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(__dirname, 'cli.ts'),
        '--port',
        '0',
        '--movies',
        '7',
        '--shows',
        '2',
        '--episodes',
        '5',
        '--latency',
        '30',
        '--gdm',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      for (let i = 0; i < 300 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(out).toContain('7 movies, 2 shows');
      const pmsUrl = /PMS\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const token = /token\s+(\S+)/.exec(out)?.[1];
      expect(pmsUrl && token).toBeTruthy();
      expect(out).toMatch(/GDM\s+udp:\/\/127\.0\.0\.1:\d+/);
      const started = Date.now();
      const res = await fetch(
        `${pmsUrl}/library/sections/1/all?X-Plex-Container-Start=0&X-Plex-Container-Size=0`,
        {
          headers: { 'X-Plex-Token': token!, Accept: 'application/json' },
        },
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(25);
      expect(((await res.json()) as { MediaContainer: { totalSize: number } }).MediaContainer.totalSize).toBe(
        7,
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${pmsUrl}/identity`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
