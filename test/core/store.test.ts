import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { SchemaTooNewError } from '../../src-main/core/errors/errors';
import { appSchemaVersion } from '../../src-main/core/store/migrate';
import { runDoctor } from '../../src-main/core/store/doctor';
import { MIGRATIONS, tempDir } from '../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

/** A new database at `path` holding one setting (k = v) that a migration must not lose. */
function storeWithSetting(path: string): void {
  const s = openStore(path, { migrationsFolder: MIGRATIONS });
  s.sqlite.prepare("insert into settings(key, value) values ('k', 'v')").run();
  s.close();
}

/** A copy of the app's migrations with one more, as a later app version would ship. */
function migrationsPlusOne(d: string, tag: string, sqlText: string) {
  const next = join(d, 'migrations');
  mkdirSync(join(next, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as {
    entries: { idx: number; tag: string; when: number; breakpoints: boolean }[];
  };
  for (const e of journal.entries) copyFileSync(join(MIGRATIONS, `${e.tag}.sql`), join(next, `${e.tag}.sql`));
  journal.entries.push({ idx: journal.entries.length, tag, when: Date.now(), breakpoints: true });
  writeFileSync(join(next, 'meta', '_journal.json'), JSON.stringify(journal));
  writeFileSync(join(next, `${tag}.sql`), sqlText);
  return { next, journal };
}

describe('store', () => {
  it('creates the schema on an empty file with the pragmas the sync relies on', () => {
    const path = join(dir(), 'new.db');
    const store = openStore(path, { migrationsFolder: MIGRATIONS });
    cleanups.push(() => store.close());
    expect(store.migration).toEqual({ from: 0, to: appSchemaVersion(MIGRATIONS), backupPath: null });
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = (
      store.sqlite.prepare("select name from sqlite_master where type='table'").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    for (const t of [
      'servers',
      'libraries',
      'movies',
      'shows',
      'seasons',
      'episodes',
      'media_versions',
      'media_parts',
      'streams',
      'chapters',
      'guids',
      'tags',
      'item_tags',
      'people',
      'cast_roles',
      'artwork',
      'sync_services',
      'scheduled_operations',
      'sync_errors',
      'sync_metrics',
      'sync_runs',
    ]) {
      expect(tables).toContain(t);
    }
    const movieCols = (store.sqlite.pragma('table_info(movies)') as { name: string }[]).map((c) => c.name);
    for (const c of [
      'plex_rating_key',
      'title',
      'state',
      'last_scan_at',
      'last_error_at',
      'error_count',
      'etag',
      'file_size',
      'duration',
      'added_at',
      'updated_at',
    ]) {
      expect(movieCols).toContain(c);
    }
  });

  it('reopening an up-to-date database migrates nothing and takes no backup', () => {
    const path = join(dir(), 'db.db');
    openStore(path, { migrationsFolder: MIGRATIONS }).close();
    const again = openStore(path, { migrationsFolder: MIGRATIONS });
    const v = appSchemaVersion(MIGRATIONS);
    expect(again.migration).toEqual({ from: v, to: v, backupPath: null });
    again.close();
  });

  it('backs up the file before migrating and applies a later migration in one transaction', () => {
    const d = dir();
    const path = join(d, 'db.db');
    storeWithSetting(path);
    const { next, journal } = migrationsPlusOne(d, '9999_next', 'ALTER TABLE settings ADD COLUMN note text;');
    const migrated = openStore(path, { migrationsFolder: next });
    expect(migrated.migration.to).toBe(journal.entries.length);
    expect(migrated.migration.backupPath).not.toBeNull();
    expect(existsSync(migrated.migration.backupPath!)).toBe(true);
    const backup = new Database(migrated.migration.backupPath!, { readonly: true });
    expect(backup.prepare("select value from settings where key='k'").get()).toEqual({ value: 'v' });
    expect(backup.pragma('user_version', { simple: true })).toBe(journal.entries.length - 1);
    backup.close();
    migrated.close();
  });

  it('a read-only open of an older file migrates a private copy and leaves the file as it was', () => {
    const d = dir();
    const path = join(d, 'old.db');
    storeWithSetting(path);
    const { next } = migrationsPlusOne(d, '9999_extra', 'CREATE TABLE `extra` (`x` integer);');
    const before = readFileSync(path);
    const look = openStore(path, { migrationsFolder: next, readonly: true });
    expect(look.sqlite.prepare("select value from settings where key = 'k'").get()).toEqual({ value: 'v' });
    expect(look.sqlite.prepare('select count(*) as n from extra').get()).toEqual({ n: 0 });
    look.close();
    expect(readFileSync(path).equals(before)).toBe(true);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(appSchemaVersion(MIGRATIONS));
    raw.close();
  });

  it('a read-only open of a missing file reads as empty and creates nothing', () => {
    const path = join(dir(), 'none.db');
    const look = openStore(path, { migrationsFolder: MIGRATIONS, readonly: true });
    expect(look.sqlite.prepare('select count(*) as n from servers').get()).toEqual({ n: 0 });
    look.close();
    expect(existsSync(path)).toBe(false);
  });

  it('a failing migration leaves the old schema and data intact', () => {
    const d = dir();
    const path = join(d, 'db.db');
    storeWithSetting(path);
    const { next, journal } = migrationsPlusOne(
      d,
      '9999_bad',
      'ALTER TABLE settings ADD COLUMN note text;\n--> statement-breakpoint\nTHIS IS NOT SQL;',
    );
    expect(() => openStore(path, { migrationsFolder: next })).toThrow();
    const raw = new Database(path);
    expect(raw.pragma('user_version', { simple: true })).toBe(journal.entries.length - 1);
    const cols = (raw.pragma('table_info(settings)') as { name: string }[]).map((c) => c.name);
    expect(cols).not.toContain('note');
    raw.close();
  });

  it('refuses a database newer than the app without touching it', () => {
    const path = join(dir(), 'future.db');
    openStore(path, { migrationsFolder: MIGRATIONS }).close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(path);
    expect(() => openStore(path, { migrationsFolder: MIGRATIONS })).toThrow(SchemaTooNewError);
    expect(() => openStore(path, { migrationsFolder: MIGRATIONS })).toThrow(/newer than this app/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('doctor reports integrity ok and the schema version', () => {
    const path = join(dir(), 'doc.db');
    const store = openStore(path, { migrationsFolder: MIGRATIONS });
    const report = runDoctor(store, MIGRATIONS);
    store.close();
    expect(report).toMatchObject({
      ok: true,
      integrity: 'ok',
      foreignKeyViolations: 0,
      schemaVersion: appSchemaVersion(MIGRATIONS),
      journalMode: 'wal',
    });
  });

  it('foreign keys cascade: deleting a library removes its media', () => {
    const path = join(dir(), 'fk.db');
    const store = openStore(path, { migrationsFolder: MIGRATIONS });
    const q = store.sqlite;
    q.prepare("insert into servers(machine_identifier, name) values ('m1', 'S')").run();
    q.prepare(
      "insert into libraries(server_id, plex_key, title, type) values (1, '1', 'Movies', 'movie')",
    ).run();
    q.prepare("insert into movies(library_id, plex_rating_key, title) values (1, '10', 'A')").run();
    q.prepare('insert into media_versions(movie_id, plex_media_id) values (1, 5)').run();
    q.prepare("insert into media_parts(version_id, plex_part_id, file) values (1, 6, '/a.mkv')").run();
    expect(() => q.prepare('insert into media_versions(plex_media_id) values (7)').run()).toThrow(/CHECK/);
    q.prepare('delete from libraries where id = 1').run();
    expect(q.prepare('select count(*) as n from media_parts').get()).toEqual({ n: 0 });
    store.close();
  });
});
