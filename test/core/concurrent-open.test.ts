// Two processes opening a new database at once: one migrates, the other finds it migrated — never
// "table accounts already exists" (issue 14). Real child processes, real files.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { appSchemaVersion } from '../../src-main/core/store/migrate';
import { MIGRATIONS, tempDir } from '../helpers/temp';

const CHILD = join(__dirname, 'open-store-child.ts');

interface Opener {
  child: ChildProcessWithoutNullStreams;
  next(): Promise<string>;
}

function startOpener(): Opener {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Interface = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  return {
    child,
    next: () =>
      new Promise((resolve) => {
        const line = queue.shift();
        if (line !== undefined) resolve(line);
        else waiting.push(resolve);
      }),
  };
}

let tmp: { dir: string; cleanup: () => void };
let openers: Opener[] = [];
beforeAll(async () => {
  tmp = tempDir();
  openers = [startOpener(), startOpener()];
  for (const o of openers) expect(await o.next()).toBe('ready');
});
afterAll(() => {
  for (const o of openers) o.child.kill();
  tmp.cleanup();
});

describe('two processes opening a new database at once', () => {
  it('both succeed, every time, and the schema is applied once', { timeout: 120_000 }, async () => {
    const rounds = 25;
    const answers: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const path = join(tmp.dir, `new-${round}.db`);
      // Both are told at the same moment; each opens as soon as it reads the line.
      const replies = openers.map((o) => o.next());
      for (const o of openers) o.child.stdin.write(`${path}\n`);
      answers.push(...(await Promise.all(replies)));
      const store = openStore(path, { migrationsFolder: MIGRATIONS, readonly: true });
      try {
        expect(store.sqlite.pragma('user_version', { simple: true })).toBe(appSchemaVersion(MIGRATIONS));
      } finally {
        store.close();
      }
    }
    expect(answers.filter((a) => a !== 'ok')).toEqual([]);
    expect(answers).toHaveLength(2 * rounds);
  });
});
