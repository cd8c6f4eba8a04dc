// `retrovue daemon` and `retrovue health` as a person runs them: a real child process over a data
// folder set up through the CLI (`servers add`), the fake Plex behind it, SIGTERM to stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthStatus, ServiceEvent } from '../../src-shared/service-events';
import { startFakePlex } from '../fake-plex';
import { RETROVUE_COMMAND, runRetrovueAsync as runRetrovue } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { pollUntil } from '../helpers/wait';

const ROOT = join(__dirname, '..', '..');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Daemon {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

function startDaemon(dataDir: string, args: string[] = []): Daemon {
  const child = spawn(
    RETROVUE_COMMAND[0],
    [...RETROVUE_COMMAND.slice(1), '--data-dir', dataDir, '--json', 'daemon', '--health-port', '0', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  // tsx runs the CLI in a node child of its own: a leftover daemon is killed by the pid it reported.
  cleanups.push(() => {
    const pid = lines.find((l) => l.event === 'ready')?.pid;
    if (typeof pid === 'number') {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, lines, exited, stderr: () => stderr };
}

const waitFor = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000) =>
  pollUntil(what, probe, timeoutMs, 50);

const events = (d: Daemon) => d.lines.filter((l) => typeof l.type === 'string') as unknown as ServiceEvent[];

describe('retrovue daemon', () => {
  it(
    'syncs headless, serves /health on loopback, picks up pushed changes and stops cleanly on SIGTERM',
    { timeout: 90_000 },
    async () => {
      const fake = await startFakePlex({ seed: 5, movies: 12, shows: 2, episodes: 6 });
      cleanups.push(() => fake.stop());
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const added = await runRetrovue([
        '--data-dir',
        dir,
        'servers',
        'add',
        fake.pmsUrl,
        '--token',
        fake.token,
      ]);
      expect(added.status, added.stderr).toBe(0);
      const refreshed = await runRetrovue(['--data-dir', dir, 'libraries', '--refresh']);
      expect(refreshed.status, refreshed.stderr).toBe(0);
      const db = new Database(join(dir, 'retrovue.db'));
      db.prepare('update libraries set selected = 1').run();
      db.close();

      // Nothing running yet: health answers from the database and says so.
      const before = await runRetrovue(['--data-dir', dir, '--json', 'health']);
      expect(before.json()).toMatchObject({ source: 'database', service: 'stopped' });

      const daemon = startDaemon(dir);
      const ready = await waitFor('ready', () => daemon.lines.find((l) => l.event === 'ready'));
      const healthUrl = String(ready.healthUrl);
      expect(healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
      // Both libraries get their first sync at start.
      await waitFor(
        'the first syncs',
        () => events(daemon).filter((e) => e.type === 'finished').length >= 2 || undefined,
      );
      const first = events(daemon).filter((e) => e.type === 'finished');
      expect(first.map((e) => (e as { result: { status: string; trigger: string } }).result)).toMatchObject([
        { status: 'succeeded', trigger: 'startup' },
        { status: 'succeeded', trigger: 'startup' },
      ]);

      const res = await fetch(healthUrl);
      expect(res.status).toBe(200);
      // Without the token published in the database, the endpoint says only ok/state.
      expect(await res.json()).toEqual({ ok: true, service: 'running', checkedAt: expect.any(Number) });
      const published = new Database(join(dir, 'retrovue.db'), { readonly: true });
      const { healthToken: token } = JSON.parse(
        (published.prepare('select config_json as c from sync_services').get() as { c: string }).c,
      ) as { healthToken: string };
      published.close();
      const full = await fetch(healthUrl, { headers: { authorization: `Bearer ${token}` } });
      const health = (await full.json()) as HealthStatus;
      expect(health).toMatchObject({ ok: true, service: 'running', databaseOk: true });
      expect(health.libraries.every((l) => l.lastSuccessAt !== null && l.nextRunAt !== null)).toBe(true);
      const viaCli = await runRetrovue(['--data-dir', dir, '--json', 'health']);
      expect(viaCli.status).toBe(0);
      expect(viaCli.json()).toMatchObject({ source: 'daemon', service: 'running', ok: true });

      await waitFor('the socket', () =>
        fake.requestLog.entries.some((e) => e.path.endsWith('/notifications') && e.status === 101),
      );
      const rk = fake.control.snapshot().items.find((i) => i.type === 'movie')!.ratingKey;
      fake.control.change(rk, { title: 'Pushed Through The Daemon' });
      await waitFor(
        'the pushed run',
        () =>
          events(daemon).find(
            (e) => e.type === 'finished' && e.result.trigger === 'push' && e.result.status === 'succeeded',
          ),
        10_000,
      );

      const sentAt = Date.now();
      daemon.child.kill('SIGTERM');
      const exit = await daemon.exited;
      expect(exit, daemon.stderr()).toEqual({ code: 0, signal: null });
      expect(Date.now() - sentAt).toBeLessThan(15_000);
      expect(daemon.lines.at(-1)).toMatchObject({ ok: true, event: 'exit', unfinished: [] });
      const after = new Database(join(dir, 'retrovue.db'), { readonly: true });
      expect(after.prepare('select status from sync_services').get()).toEqual({ status: 'stopped' });
      const titles = after.prepare('select title from movies where plex_rating_key = ?').get(rk);
      after.close();
      expect(titles).toEqual({ title: 'Pushed Through The Daemon' });
      const stopped = await runRetrovue(['--data-dir', dir, '--json', 'health']);
      expect(stopped.json()).toMatchObject({ source: 'database', service: 'stopped' });
      expect(daemon.stderr()).not.toContain(fake.token);
    },
  );

  it(
    'a daemon killed mid-run (SIGKILL): the next one takes over and resumes the run from its checkpoint',
    { timeout: 90_000 },
    async () => {
      const fake = await startFakePlex({ seed: 9, movies: 300, shows: 0, episodes: 0, latencyMs: 20 });
      cleanups.push(() => fake.stop());
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      await writeFile(
        join(dir, 'config.json'),
        JSON.stringify({
          batch_size: 20,
          detail_batch_size: 10,
          detail_concurrency: 2,
          artwork_cache: false,
        }),
      );
      expect(
        (await runRetrovue(['--data-dir', dir, 'servers', 'add', fake.pmsUrl, '--token', fake.token])).status,
      ).toBe(0);
      expect((await runRetrovue(['--data-dir', dir, 'libraries', '--refresh'])).status).toBe(0);
      const db = new Database(join(dir, 'retrovue.db'));
      db.prepare("update libraries set selected = 1 where type = 'movie'").run();
      db.close();

      const first = startDaemon(dir);
      const ready = await waitFor('ready', () => first.lines.find((l) => l.event === 'ready'));
      await waitFor('pages committed', () =>
        events(first).some(
          (e) => e.type === 'progress' && e.progress.phase === 'movies' && e.progress.done >= 60,
        ),
      );
      // The daemon process itself (tsx's wrapper cannot pass a SIGKILL on).
      process.kill(ready.pid as number, 'SIGKILL');
      await first.exited;
      const mid = new Database(join(dir, 'retrovue.db'), { readonly: true });
      const killedRun = mid.prepare('select id, status from sync_runs order by id desc limit 1').get() as {
        id: number;
        status: string;
      };
      const storedBefore = (mid.prepare('select count(*) as n from movies').get() as { n: number }).n;
      mid.close();
      expect(killedRun.status).toBe('running');
      expect(storedBefore).toBeGreaterThan(0);
      expect(storedBefore).toBeLessThan(300);

      // No waiting for the dead process's heartbeat to go stale: its pid is gone.
      const second = startDaemon(dir);
      const resumed = await waitFor('the resumed run', () =>
        events(second).find((e) => e.type === 'finished' && e.result.trigger === 'resume'),
      );
      expect(resumed.type === 'finished' && resumed.result).toMatchObject({
        status: 'succeeded',
        resumedFromRunId: killedRun.id,
      });
      const after = new Database(join(dir, 'retrovue.db'), { readonly: true });
      expect(after.prepare('select count(*) as n from movies').get()).toEqual({ n: 300 });
      expect(after.prepare('select status from sync_runs where id = ?').get(killedRun.id)).toEqual({
        status: 'interrupted',
      });
      after.close();
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    },
  );

  it('refuses to start a second service on the same database', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = startDaemon(dir);
    await waitFor('ready', () => first.lines.find((l) => l.event === 'ready'));
    const second = await runRetrovue(['--data-dir', dir, 'daemon', '--health-port', '0']);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/another sync service is already running on this database \(pid \d+/);
    first.child.kill('SIGINT');
    expect(await first.exited).toEqual({ code: 0, signal: null });
  });

  it('health exits 1 and says why when a server needs a new login', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    expect((await runRetrovue(['--data-dir', dir, 'maintenance'])).status).toBe(0);
    const db = new Database(join(dir, 'retrovue.db'));
    db.prepare(
      "insert into servers(machine_identifier, name, needs_login, chosen_uri) values ('m', 'Den Server', 1, 'http://127.0.0.1:1')",
    ).run();
    db.prepare(
      "insert into libraries(server_id, plex_key, title, type, selected, last_good_sync_at) values (1, '1', 'Films', 'movie', 1, 5)",
    ).run();
    db.close();
    const human = await runRetrovue(['--data-dir', dir, 'health']);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/^service: +not running/m);
    expect(human.stdout).toMatch(/Den Server .*NEEDS LOGIN/);
    expect(human.stdout).toMatch(/Films/);
    expect(human.stdout.trim().split('\n').at(-1)).toBe('PROBLEMS FOUND');
    const json = await runRetrovue(['--data-dir', dir, '--json', 'health']);
    expect(json.status).toBe(1);
    expect(json.json()).toMatchObject({
      ok: false,
      source: 'database',
      servers: [{ name: 'Den Server', tokenOk: false }],
    });
  });

  it('bad flags get one clear line and a non-zero exit', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const r = await runRetrovue(['--data-dir', dir, 'daemon', '--health-port', 'abc']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('retrovue: --health-port "abc": expected a port 0-65535 (0: any free port)');
  });
});
