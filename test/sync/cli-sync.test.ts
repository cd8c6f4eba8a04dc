import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/core/store/database';
import { startFakePlex, type FakePlex } from '../fake-plex/index';
import { MIGRATIONS, tempDir } from '../helpers/temp';
import { count, expectConverged } from './helpers';

const MAIN = join(__dirname, '..', '..', 'src-main', 'cli', 'main.ts');

function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let fake: FakePlex;
let tmp: { dir: string; cleanup: () => void };
beforeAll(async () => {
  fake = await startFakePlex({ seed: 3, movies: 25, shows: 3, episodes: 20 });
  tmp = tempDir();
});
afterAll(async () => {
  await fake.stop();
  tmp.cleanup();
});

/** `retrovue sync` against the fake with the token on the command line, plus any extra flags. */
const syncArgs = (db: string, ...extra: string[]): string[] => [
  '--db',
  db,
  '--data-dir',
  tmp.dir,
  'sync',
  '--server-url',
  fake.pmsUrl,
  '--token',
  fake.token,
  ...extra,
];

describe('retrovue sync', () => {
  it(
    'syncs from a URL and prints one JSON summary; a second run is all unchanged',
    { timeout: 60_000 },
    async () => {
      const db = join(tmp.dir, 'cli.db');
      const base = [
        '--data-dir',
        tmp.dir,
        '--db',
        db,
        '--json',
        'sync',
        '--server-url',
        fake.pmsUrl,
        '--path-map',
        '/data/movies=/nowhere',
      ];
      const first = await cli(base, { PLEX_TOKEN: fake.token });
      expect(first.code, first.stderr).toBe(0);
      const summary = JSON.parse(first.stdout) as {
        ok: boolean;
        libraries: Array<{ status: string; added: number }>;
        totals: { added: number; apiCalls: number; errors: number };
        durationMs: number;
      };
      expect(summary.ok).toBe(true);
      expect(summary.totals.added).toBe(fake.control.snapshot().items.length);
      expect(summary.totals.errors).toBe(0);
      expect(summary.totals.apiCalls).toBeGreaterThan(3);
      expect(first.stdout).not.toContain(fake.token);

      const store = openStore(db, { migrationsFolder: MIGRATIONS });
      try {
        expect(expectConverged(store, fake)).toEqual([]);
        // The path map applied: mapped movie files are missing here, so unavailable.
        expect(count(store, `select count(*) as n from movies where state = 'unavailable'`)).toBeGreaterThan(
          0,
        );
      } finally {
        store.close();
      }

      const second = await cli(base, { PLEX_TOKEN: fake.token });
      expect(second.code, second.stderr).toBe(0);
      const again = JSON.parse(second.stdout) as {
        libraries: Array<{ status: string }>;
        totals: { added: number };
      };
      expect(again.libraries.map((l) => l.status)).toEqual(['skipped', 'skipped']);
      expect(again.totals.added).toBe(0);
    },
  );

  it('selects libraries and reports bad input in one line', { timeout: 60_000 }, async () => {
    const db = join(tmp.dir, 'cli2.db');
    const one = await cli(syncArgs(db, '--library', '1'));
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/total: \d+ added/);
    expect(one.stdout.match(/succeeded/g)?.length).toBe(1);
    const bad = await cli(syncArgs(db, '--library', '99'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^retrovue: no movie or show library 99/);
    const denied = await cli([
      '--db',
      db,
      '--data-dir',
      tmp.dir,
      'sync',
      '--server-url',
      fake.pmsUrl,
      '--token',
      'not-the-token',
    ]);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/401/);
    expect(denied.stderr.trim().split('\n')).toHaveLength(1);
    // Unreachable: retried (the process must stay alive through the backoff), then one line and exit 1.
    const down = await cli(
      [
        '--db',
        db,
        '--data-dir',
        tmp.dir,
        'sync',
        '--server-url',
        'http://127.0.0.1:1',
        '--token',
        fake.token,
      ],
      {
        RETROVUE_RETRY_ATTEMPTS: '2',
        RETROVUE_RETRY_DELAY_SECONDS: '0.1',
      },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^retrovue: cannot reach server \(ECONNREFUSED\)/);
  });

  it(
    'a 404 on every detail request removes nothing and fails the run (`sync --deep`, and a new database)',
    { timeout: 90_000 },
    async () => {
      type Summary = { ok: boolean; totals: { removed: number; added: number } };
      const db = join(tmp.dir, 'cli404.db');
      const first = await cli(['--json', ...syncArgs(db)]);
      expect(first.code, first.stderr).toBe(0);
      const rule = fake.control.addFault({ kind: 'error', status: 404, path: '/library/metadata/*' });
      try {
        const deep = await cli(['--json', ...syncArgs(db, '--deep')], { RETROVUE_RETRY_ATTEMPTS: '0' });
        expect(deep.code, deep.stderr).toBe(1);
        const summary = JSON.parse(deep.stdout) as Summary;
        expect(summary.ok).toBe(false);
        expect(summary.totals.removed).toBe(0);
        const store = openStore(db, { migrationsFolder: MIGRATIONS });
        try {
          expect(count(store, `select count(*) as n from movies where state = 'file_not_found'`)).toBe(0);
          expect(count(store, `select count(*) as n from episodes where state = 'file_not_found'`)).toBe(0);
        } finally {
          store.close();
        }
        const fresh = await cli(['--json', ...syncArgs(join(tmp.dir, 'cli404-new.db'))], {
          RETROVUE_RETRY_ATTEMPTS: '0',
        });
        expect(fresh.code, fresh.stderr).toBe(1);
        expect((JSON.parse(fresh.stdout) as Summary).ok).toBe(false);
      } finally {
        fake.control.removeFault(rule);
      }
      const again = await cli(['--json', ...syncArgs(db)]);
      expect(again.code, again.stderr).toBe(0);
      const store = openStore(db, { migrationsFolder: MIGRATIONS });
      try {
        expect(expectConverged(store, fake)).toEqual([]);
      } finally {
        store.close();
      }
    },
  );

  it('one library failing ends every run before the CLI exits', { timeout: 60_000 }, async () => {
    const db = join(tmp.dir, 'cli-sibling.db');
    const rules = [
      fake.control.addFault({ kind: 'latency', latencyMs: 20, path: '/library/metadata/*' }),
      fake.control.addFault({ kind: 'error', status: 401, path: '/library/sections/2/*' }),
    ];
    try {
      const r = await cli(syncArgs(db));
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      for (const id of rules) fake.control.removeFault(id);
    }
    const store = openStore(db, { migrationsFolder: MIGRATIONS });
    try {
      expect(
        count(
          store,
          `select count(*) as n from sync_runs where status not in ('succeeded', 'failed', 'cancelled', 'interrupted', 'skipped')`,
        ),
      ).toBe(0);
      expect(count(store, `select count(*) as n from sync_runs where status = 'failed'`)).toBe(1);
    } finally {
      store.close();
    }
  });

  it(
    '--full lists unchanged-looking libraries; --confirm-deletions applies held deletions',
    { timeout: 90_000 },
    async () => {
      const own = await startFakePlex({ seed: 5, movies: 20, shows: 1, episodes: 3 });
      try {
        const db = join(tmp.dir, 'cli-full.db');
        const args = (...extra: string[]) => [
          '--json',
          '--db',
          db,
          '--data-dir',
          tmp.dir,
          'sync',
          '--server-url',
          own.pmsUrl,
          '--token',
          own.token,
          ...extra,
        ];
        type Summary = {
          ok: boolean;
          libraries: Array<{
            libraryTitle: string;
            status: string;
            skippedUnchanged: boolean;
            removed: number;
            errorMessage: string | null;
          }>;
        };
        const movies = (out: string) =>
          (JSON.parse(out) as Summary).libraries.find((l) => l.libraryTitle === 'Movies')!;
        expect((await cli(args())).code).toBe(0);
        // An edit whose section stamps stay put (a real Plex does this for some edits).
        const movie = own.control.snapshot().items.find((i) => i.type === 'movie')!;
        const section = own.control.library.section(movie.sectionId)!;
        const stamps = { updatedAt: section.updatedAt, contentChangedAt: section.contentChangedAt };
        own.control.change(movie.ratingKey, { title: 'Quiet Edit' });
        Object.assign(section, stamps);
        expect(movies((await cli(args())).stdout)).toMatchObject({ skippedUnchanged: true });
        const full = await cli(args('--full'));
        expect(full.code, full.stderr).toBe(0);
        expect(movies(full.stdout)).toMatchObject({ skippedUnchanged: false, status: 'succeeded' });
        const store = openStore(db, { migrationsFolder: MIGRATIONS });
        try {
          expect(
            store.sqlite.prepare(`select title from movies where plex_rating_key = ?`).get(movie.ratingKey),
          ).toEqual({ title: 'Quiet Edit' });
        } finally {
          store.close();
        }

        const keys = own.control
          .snapshot()
          .items.filter((i) => i.type === 'movie')
          .map((i) => i.ratingKey);
        for (const k of keys.slice(0, 10)) own.control.delete(k);
        // Held, and the text summary says so in one line.
        const held = await cli(args().slice(1));
        expect(held.code, held.stderr).toBe(0);
        expect(held.stdout).toMatch(
          /\nMovies: this listing would remove 10 of 20 items — held; confirm with `retrovue sync --confirm-deletions`/,
        );
        const confirmed = await cli(args('--confirm-deletions'));
        expect(confirmed.code, confirmed.stderr).toBe(0);
        expect(movies(confirmed.stdout)).toMatchObject({ removed: 10, errorMessage: null });
      } finally {
        await own.stop();
      }
    },
  );
});
