// The real CLI in a child process against the fake Plex running in this process (so the child runs
// asynchronously: the fake must keep answering while we wait).
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../src-main/cli/context';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { RETROVUE_COMMAND } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function retrovue(
  args: string[],
  env: NodeJS.ProcessEnv,
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(RETROVUE_COMMAND[0], [...RETROVUE_COMMAND.slice(1), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let fake: FakePlex;
const data = tempDir();
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  fake = await startFakePlex({ movies: 5, shows: 2, episodes: 6, gdm: true, offlineServer: false });
  env = {
    RETROVUE_DATA_DIR: data.dir,
    RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
    RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
    RETROVUE_GDM_ADDRESS: '127.0.0.1',
    RETROVUE_GDM_PORT: String(fake.gdmPort),
  };
});
afterAll(async () => {
  await fake.stop();
  data.cleanup();
});

describe('retrovue login / servers / libraries / logout', () => {
  it('login prints the URL and code, waits for approval, stores the token and finds the server', async () => {
    let approved = false;
    const run = await retrovue(['login'], env, (out) => {
      const code = /[#&?]code=([a-z0-9]+)/i.exec(out)?.[1];
      if (code && !approved) {
        approved = true;
        fake.control.approvePin(code);
      }
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${fake.plexTvUrl}/auth#?`);
    expect(run.stdout).toContain('signed in as retro_tester');
    expect(run.stdout).toContain(fake.serverName);
    expect(run.stdout).toContain(fake.pmsUrl);
    const vault = join(data.dir, 'tokens.json');
    if (process.platform !== 'win32') expect(statSync(vault).mode & 0o777).toBe(0o600);
    const token = fake.control.pins().find((p) => p.authToken)!.authToken!;
    expect(readFileSync(vault, 'utf8')).toContain(token);
    expect(readFileSync(join(data.dir, 'retrovue.db')).includes(token)).toBe(false);
    expect(run.stdout).not.toContain(token);
  });

  it('the stored login is enough to sync: `retrovue sync` takes server, connection and token from the data folder', async () => {
    const run = await retrovue(['sync', '--json'], env);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      ok: boolean;
      server: { url: string };
      libraries: { status: string }[];
      totals: { added: number };
    };
    expect(summary.ok).toBe(true);
    expect(summary.server.url.replace(/\/$/, '')).toBe(fake.pmsUrl);
    expect(summary.libraries.map((l) => l.status)).toEqual(['succeeded', 'succeeded']);
    const snapshot = fake.control.snapshot();
    expect(summary.totals.added).toBe(snapshot.items.length);
    const c = cliContext({ dataDir: data.dir, json: false });
    const core = c.services();
    const store = core.store;
    try {
      const count = (table: string) =>
        (store.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      expect(count('movies')).toBe(snapshot.items.filter((i) => i.type === 'movie').length);
      expect(count('episodes')).toBe(snapshot.items.filter((i) => i.type === 'episode').length);
    } finally {
      core.close();
    }
    expect(readFileSync(join(data.dir, 'retrovue.db')).includes(fake.token)).toBe(false);
  });

  it('sync with a stored login whose token was revoked marks the server and says to log in again', async () => {
    const other = tempDir();
    try {
      const otherEnv = { ...env, RETROVUE_DATA_DIR: other.dir };
      let approved = false;
      const login = await retrovue(['login', '--no-gdm'], otherEnv, (out) => {
        const code = /[#&?]code=([a-z0-9]+)/i.exec(out)?.[1];
        if (code && !approved) {
          approved = true;
          fake.control.approvePin(code);
        }
      });
      expect(login.code).toBe(0);
      const vault = JSON.parse(readFileSync(join(other.dir, 'tokens.json'), 'utf8')) as {
        entries: Record<string, { scheme: string; data: string }>;
      };
      const tokens = Object.values(vault.entries).map((e) => e.data);
      expect(tokens.length).toBeGreaterThan(0);
      for (const t of tokens) fake.control.revokeToken(t);
      const run = await retrovue(['sync'], otherEnv);
      expect(run.code).not.toBe(0);
      expect(run.stderr.trim().split('\n').pop()).toMatch(/retrovue servers signin \d+/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const again = await retrovue(['servers', '--json'], otherEnv);
      expect(again.stdout).toMatch(/"needsLogin": true/);
    } finally {
      other.cleanup();
    }
  });

  it('servers --refresh --json lists connections, latency and the chosen one', async () => {
    const run = await retrovue(['servers', '--refresh', '--json'], env);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as {
      servers: {
        name: string;
        sources: string[];
        chosenUri: string;
        chosenLatencyMs: number;
        connections: { uri: string; ok: boolean | null }[];
      }[];
    };
    expect(out.servers).toHaveLength(1);
    const [server] = out.servers;
    expect(server).toMatchObject({ name: fake.serverName, chosenUri: fake.pmsUrl });
    expect(server!.sources).toEqual(expect.arrayContaining(['gdm', 'plextv']));
    expect(server!.chosenLatencyMs).toBeGreaterThanOrEqual(0);
    expect(server!.connections.some((c) => c.ok === false)).toBe(true);
    expect(JSON.stringify(out)).not.toMatch(/token"\s*:\s*"[^"]/i);
  });

  it('libraries --refresh reads the sections with the stored token and connection', async () => {
    const run = await retrovue(['libraries', '--refresh'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/movie/);
    expect(run.stdout).toMatch(/show/);
    const json = await retrovue(['libraries', '--json', '--server', '1'], env);
    expect((JSON.parse(json.stdout) as { libraries: unknown[] }).libraries).toHaveLength(2);
    const bad = await retrovue(['libraries', '--server', '99'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('retrovue: no server with id 99: see `retrovue servers`');
  });

  it('login can be cancelled with Ctrl-C, leaving the stored account alone', async () => {
    let sent = false;
    const run = await retrovue(['login', '--force', '--no-discover'], env, (out, child) => {
      if (!sent && /code=/.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(run.stderr).toContain('login cancelled');
    expect(run.code).toBe(130);
    const servers = await retrovue(['servers', '--json'], env);
    expect((JSON.parse(servers.stdout) as { servers: unknown[] }).servers).toHaveLength(1);
  });

  it('logout forgets the account and its tokens; libraries then needs a login', async () => {
    const run = await retrovue(['logout'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('signed out retro_tester');
    const vault = JSON.parse(readFileSync(join(data.dir, 'tokens.json'), 'utf8')) as { entries: object };
    expect(vault.entries).toEqual({});
    const after = await retrovue(['libraries', '--refresh', '--server', '1'], env);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('needs a new login');
  });

  it('servers add takes a URL and a token (from the environment) and makes the server usable again', async () => {
    const missing = await retrovue(['servers', 'add', fake.pmsUrl], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      'retrovue: give the server token with --token-file, --token-stdin, PLEX_TOKEN or --token',
    );
    const run = await retrovue(['servers', 'add', fake.pmsUrl], { ...env, PLEX_TOKEN: fake.token });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(`added ${fake.serverName} (id 1) at ${fake.pmsUrl}`);
    const libs = await retrovue(['libraries', '--refresh', '--server', '1', '--json'], env);
    expect(libs.code).toBe(0);
    expect((JSON.parse(libs.stdout) as { libraries: unknown[] }).libraries).toHaveLength(2);
  });
});
