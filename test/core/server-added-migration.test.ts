// The servers.added migration on a database from before it: servers the person evidently chose
// (typed in, or with a selected library) become added; servers discovery only listed stay available.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { MIGRATIONS, tempDir } from '../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

/** The app's migrations up to, not including, the one that adds servers.added. */
function migrationsBeforeAdded(dir: string): string {
  const folder = join(dir, 'migrations');
  mkdirSync(join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith('_server_added'));
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  for (const e of journal.entries)
    copyFileSync(join(MIGRATIONS, `${e.tag}.sql`), join(folder, `${e.tag}.sql`));
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  return folder;
}

describe('servers.added migration', () => {
  it('adds manual servers and servers with a selected library, and leaves discovered ones available', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const path = join(t.dir, 'retrovue.db');
    const old = openStore(path, { migrationsFolder: migrationsBeforeAdded(t.dir) });
    const insertServer = old.sqlite.prepare(
      'insert into servers (machine_identifier, name, sources) values (?, ?, ?) returning id',
    );
    const typedIn = insertServer.get('m1', 'Typed in', 'gdm,manual') as { id: number };
    const synced = insertServer.get('m2', 'Synced', 'plextv') as { id: number };
    const listed = insertServer.get('m3', 'Only listed', 'gdm,plextv') as { id: number };
    const insertLibrary = old.sqlite.prepare(
      "insert into libraries (server_id, plex_key, title, type, selected) values (?, ?, ?, 'movie', ?)",
    );
    insertLibrary.run(synced.id, '1', 'Movies', 1);
    insertLibrary.run(listed.id, '1', 'Movies', 0);
    old.close();

    const store = openStore(path, { migrationsFolder: MIGRATIONS });
    cleanups.push(() => store.close());
    const added = store.sqlite.prepare('select id, added from servers order by id').all();
    expect(added).toEqual([
      { id: typedIn.id, added: 1 },
      { id: synced.id, added: 1 },
      { id: listed.id, added: 0 },
    ]);
  });
});
