import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { locateMigrations } from '../../src-main/core/paths';
import { openStore } from '../../src-main/core/store/database';
import { runRetrovue } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
/** A database made the way a writing command makes one. */
function createDatabase(path: string): void {
  openStore(path, { migrationsFolder: locateMigrations() }).close();
}

function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('retrovue status / doctor', () => {
  it('status --json on a new database prints the empty state and creates nothing', () => {
    const db = join(dir(), 'x.db');
    const r = runRetrovue(['status', '--json', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.json()).toEqual({ ok: true, database: db, servers: [], libraries: [], lastRuns: [] });
    expect(existsSync(db)).toBe(false);
  });

  it("read-only commands refuse another program's SQLite file and leave it byte for byte as it was", () => {
    const foreign = join(dir(), 'photos.db');
    const raw = new Database(foreign);
    raw.exec("create table albums(id integer primary key, name text); insert into albums(name) values ('x')");
    raw.close();
    const before = readFileSync(foreign);
    for (const args of [
      ['status'],
      ['doctor'],
      ['stats'],
      ['health'],
      ['sync', '--server-url', 'http://127.0.0.1:1', '--token', 't'],
    ]) {
      const r = runRetrovue([...args, '--db', foreign]);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/is not a RetroVue database/);
    }
    expect(readFileSync(foreign).equals(before)).toBe(true);
    expect(existsSync(`${foreign}-wal`)).toBe(false);
  });

  it('user-fixable database problems get one line naming the file and the fix', () => {
    const d = dir();
    const junk = join(d, 'junk.db');
    writeFileSync(
      junk,
      'this is not sqlite at all, just some text that is long enough to be read as a header'.repeat(20),
    );
    const r = runRetrovue(['status', '--db', junk]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(junk);
    expect(r.stderr).toMatch(/not a SQLite database/);
  });

  it('the database a writing command creates, and its folder, are readable by their owner only', () => {
    const folder = join(dir(), 'fresh', 'data');
    const r = runRetrovue(['maintenance'], { RETROVUE_DATA_DIR: folder });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(join(folder, 'retrovue.db')).mode & 0o777).toBe(0o600);
  });

  it('status shows servers, libraries and counts per state', () => {
    const db = join(dir(), 's.db');
    createDatabase(db);
    const raw = new Database(db);
    raw.prepare("insert into servers(machine_identifier, name) values ('abc', 'Den')").run();
    raw
      .prepare("insert into libraries(server_id, plex_key, title, type) values (1, '1', 'Films', 'movie')")
      .run();
    const ins = raw.prepare(
      'insert into movies(library_id, plex_rating_key, title, state) values (1, ?, ?, ?)',
    );
    ins.run('1', 'A', 'normal');
    ins.run('2', 'B', 'normal');
    ins.run('3', 'C', 'remote_only');
    raw.close();
    const r = runRetrovue(['status', '--json', '--db', db]);
    const out = r.json() as { libraries: { title: string; counts: unknown }[] };
    expect(out.libraries[0]).toMatchObject({
      title: 'Films',
      counts: { movie: { normal: 2, remote_only: 1 } },
    });
    const human = runRetrovue(['status', '--db', db]);
    expect(human.stdout).toContain('Films');
    expect(human.stdout).toContain('normal=2');
  });

  it('doctor reports integrity ok and the schema version', () => {
    const data = dir();
    const r = runRetrovue(['doctor', '--json'], { RETROVUE_DATA_DIR: data });
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({
      ok: true,
      exists: false,
      integrity: 'ok',
      foreignKeyViolations: 0,
      dataDir: data,
      problems: [],
    });
    expect(existsSync(join(data, 'retrovue.db'))).toBe(false);
    createDatabase(join(data, 'retrovue.db'));
    const again = runRetrovue(['doctor', '--json'], { RETROVUE_DATA_DIR: data });
    expect(again.json()).toMatchObject({ ok: true, exists: true, journalMode: 'wal' });
    expect((again.json() as { freeBytes: number }).freeBytes).toBeGreaterThan(0);
  });

  it('user errors are one clear line and a non-zero exit, without a stack trace', () => {
    const d = dir();
    const future = join(d, 'future.db');
    const raw = new Database(future);
    raw.pragma('user_version = 999');
    raw.close();
    const r = runRetrovue(['status', '--db', future]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/newer than this app/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const blocked = join(d, 'ro');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'file'), '');
    chmodSync(blocked, 0o500);
    const r2 = runRetrovue(['maintenance', '--db', join(blocked, 'file', 'x.db')]);
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toMatch(/^retrovue: /);
    expect(r2.stderr).not.toMatch(/\n\s+at /);

    const r3 = runRetrovue(['no-such-command']);
    expect(r3.status).not.toBe(0);
    expect(r3.stderr).toMatch(/unknown command/);
  });
});
