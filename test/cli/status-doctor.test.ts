import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runRetrovueInProcess as runRetrovue } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('retrovue status / doctor', () => {
  it('status --json on a new database creates the schema and prints the empty state', async () => {
    const db = join(dir(), 'x.db');
    const r = await runRetrovue(['status', '--json', '--db', db]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.json()).toEqual({ ok: true, database: db, servers: [], libraries: [], lastRuns: [] });
    const raw = new Database(db, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    raw.close();
  });

  it('status shows servers, libraries and counts per state', async () => {
    const db = join(dir(), 's.db');
    expect((await runRetrovue(['status', '--db', db])).status).toBe(0);
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
    const r = await runRetrovue(['status', '--json', '--db', db]);
    const out = r.json() as { libraries: { title: string; counts: unknown }[] };
    expect(out.libraries[0]).toMatchObject({
      title: 'Films',
      counts: { movie: { normal: 2, remote_only: 1 } },
    });
    const human = await runRetrovue(['status', '--db', db]);
    expect(human.stdout).toContain('Films');
    expect(human.stdout).toContain('normal=2');
  });

  it('doctor reports integrity ok and the schema version', async () => {
    const data = dir();
    const r = await runRetrovue(['doctor', '--json'], { RETROVUE_DATA_DIR: data });
    expect(r.status).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, integrity: 'ok', foreignKeyViolations: 0, dataDir: data });
    expect(existsSync(join(data, 'retrovue.db'))).toBe(true);
  });

  it('user errors are one clear line and a non-zero exit, without a stack trace', async () => {
    const d = dir();
    const future = join(d, 'future.db');
    const raw = new Database(future);
    raw.pragma('user_version = 999');
    raw.close();
    const r = await runRetrovue(['status', '--db', future]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/newer than this app/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const blocked = join(d, 'ro');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'file'), '');
    chmodSync(blocked, 0o500);
    const r2 = await runRetrovue(['status', '--db', join(blocked, 'file', 'x.db')]);
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toMatch(/^retrovue: /);
    expect(r2.stderr).not.toMatch(/\n\s+at /);

    const r3 = await runRetrovue(['no-such-command']);
    expect(r3.status).not.toBe(0);
    expect(r3.stderr).toMatch(/unknown command/);
  });
});
