import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src-main/core/store/database';

export const MIGRATIONS = join(__dirname, '..', '..', 'drizzle');

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'retrovue-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real SQLite file in a temp folder with the schema applied. */
export function tempStore(): { store: Store; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const store = openStore(join(dir, 'test.db'), { migrationsFolder: MIGRATIONS });
  return {
    store,
    dir,
    cleanup: () => {
      store.close();
      cleanup();
    },
  };
}
