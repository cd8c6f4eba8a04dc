// Conditions a person can fix get one line naming the file or port and the fix, not "internal error".
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src-main/core/api/event-bus';
import type { ApiHandlers } from '../../src-shared/ipc/contract';
import { startWebServer } from '../../src-main/web/web-server';
import { runRetrovue } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('user-fixable problems', () => {
  it('config.json that is a folder: `config set` names it and the fix, exit 1', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    mkdirSync(join(t.dir, 'config.json'));
    const r = runRetrovue(['--data-dir', t.dir, 'config', 'set', 'concurrent_scans', '2']);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(
      `retrovue: cannot write settings: ${join(t.dir, 'config.json')} is a folder, not a file; move it away and try again`,
    );
  });

  it('a web-mode port already in use names the port and the flag to change it', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const port = (blocker.address() as { port: number }).port;
    const t = tempDir();
    cleanups.push(t.cleanup);
    await expect(
      startWebServer({
        handlers: {} as ApiHandlers,
        events: createEventBus(),
        rendererDir: t.dir,
        port,
      }),
    ).rejects.toThrow(
      `port ${port} on 127.0.0.1 is already in use (another RetroVue or program): pick another with --port N`,
    );
  });
});
