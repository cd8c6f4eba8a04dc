// The CLI does what the app does, in this process against the fake Plex and a real SQLite file:
// choose libraries, see and edit schedules (cron problems in the Schedules page's words), and sign
// in again for a server whose sign-in was refused (the app's PIN flow).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { runRetrovueInProcess, type CliRun } from '../helpers/cli';
import { tempDir } from '../helpers/temp';

let fake: FakePlex;
const data = tempDir('retrovue-cli-parity-');
let env: NodeJS.ProcessEnv;
let serverId: string;

/** Approves every PIN the command asks plex.tv for, as the person would in the browser. */
async function withApproval(run: Promise<CliRun>): Promise<CliRun> {
  let done = false;
  const approving = (async () => {
    const approved = new Set<number>();
    while (!done) {
      for (const pin of fake.control.pins())
        if (!pin.authToken && !approved.has(pin.id)) {
          approved.add(pin.id);
          fake.control.approvePin(pin.code);
        }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    return await run;
  } finally {
    done = true;
    await approving;
  }
}

const cli = (...args: string[]) => runRetrovueInProcess(args, env);

interface LibraryJson {
  id: number;
  key: string;
  title: string;
  selected: boolean;
}
interface ServerJson {
  id: number;
  name: string;
  added: boolean;
  needsLogin: boolean;
}
interface ScheduleJson {
  id: number;
  libraryTitle: string | null;
  libraryKey: string | null;
  operation: string;
  cron: string;
  description: string;
  enabled: boolean;
  nextRuns: number[];
  jitterSeconds: number;
}

beforeAll(async () => {
  fake = await startFakePlex({ movies: 6, shows: 2, episodes: 6, pinMinPollIntervalMs: 0, gdm: true });
  env = {
    // The app's discovery after a sign-in asks GDM too: the fake's loopback responder answers.
    RETROVUE_GDM_ADDRESS: '127.0.0.1',
    RETROVUE_GDM_PORT: String(fake.gdmPort),
    RETROVUE_DATA_DIR: data.dir,
    RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
    RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
    RETROVUE_API_TIMEOUT_SECONDS: '3',
    RETROVUE_RETRY_ATTEMPTS: '0',
  };
  const login = await withApproval(cli('login', '--no-gdm'));
  expect(login.stderr).toBe('');
  expect(login.status).toBe(0);
  const servers = (await cli('--json', 'servers')).json() as { servers: ServerJson[] };
  serverId = String(servers.servers.find((s) => s.name === fake.serverName)!.id);
  expect((await cli('libraries', '--refresh', '--server', serverId)).status).toBe(0);
}, 60_000);
afterAll(async () => {
  await fake.stop();
  data.cleanup();
});

describe('retrovue libraries --select / --unselect', () => {
  it('chooses libraries by key or title through the app handler, and the list shows which are chosen', async () => {
    const before = (await cli('--json', 'libraries')).json() as { libraries: LibraryJson[] };
    expect(before.libraries.every((l) => !l.selected)).toBe(true);
    const movies = before.libraries.find((l) => l.title === 'Movies')!;
    const shows = before.libraries.find((l) => l.title === 'TV Shows')!;

    const selected = await cli('libraries', '--select', movies.key, 'tv shows');
    expect(selected.stderr).toBe('');
    expect(selected.status).toBe(0);
    expect(selected.stdout).toContain(`now syncing Movies from ${fake.serverName}`);
    expect(selected.stdout).toContain(`now syncing TV Shows from ${fake.serverName}`);
    const after = (await cli('--json', 'libraries')).json() as { libraries: LibraryJson[] };
    expect(after.libraries.filter((l) => l.selected).map((l) => l.id)).toEqual([movies.id, shows.id]);

    // Choosing a library adds its server; the account's offline server stays available.
    const servers = (await cli('--json', 'servers')).json() as { servers: ServerJson[] };
    expect(servers.servers.map((s) => [s.name, s.added]).sort()).toEqual([
      [fake.serverName, true],
      ['Old NAS', false],
    ]);
    expect((await cli('servers')).stdout).toMatch(/Old NAS\s+available/);

    const unselected = await cli('libraries', '--unselect', shows.key);
    expect(unselected.status).toBe(0);
    expect(unselected.stdout).toContain('no longer syncing TV Shows');
    expect(unselected.stdout).toMatch(new RegExp(`\\n${shows.id}\\s+.*TV Shows\\s+show\\s+no`));
    const last = (await cli('--json', 'libraries')).json() as { libraries: LibraryJson[] };
    expect(last.libraries.filter((l) => l.selected).map((l) => l.title)).toEqual(['Movies']);
  });

  it('names the fix for a library that is not there', async () => {
    const r = await cli('libraries', '--select', 'Cartoons');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      'retrovue: no library "Cartoons": use a key or title from `retrovue libraries` (1 (Movies), 2 (TV Shows)), or read them again with `retrovue libraries --refresh`',
    );
  });
});

describe('retrovue schedules', () => {
  it('lists each schedule with its next run and jitter, as the Schedules page', async () => {
    const r = await cli('--json', 'schedules');
    expect(r.status).toBe(0);
    const { schedules } = r.json() as { schedules: ScheduleJson[] };
    // Movies is chosen: its refresh and deep scan, plus the database-wide ones; TV Shows has none running.
    const movies = schedules.filter((s) => s.libraryTitle === 'Movies').map((s) => s.operation);
    expect(movies.sort()).toEqual(['deep_scan', 'refresh']);
    expect(
      schedules
        .filter((s) => s.libraryKey === null)
        .map((s) => s.operation)
        .sort(),
    ).toEqual(['cleanup', 'maintenance']);
    const refresh = schedules.find((s) => s.libraryTitle === 'Movies' && s.operation === 'refresh')!;
    expect(refresh.enabled).toBe(true);
    expect(refresh.nextRuns[0]).toBeGreaterThan(Date.now() - 1000);
    expect(refresh.jitterSeconds).toBe(300);

    const human = await cli('schedules');
    const line = human.stdout.split('\n').find((l) => l.startsWith('Movies') && l.includes('refresh'))!;
    expect(line).toContain(refresh.description);
    expect(line).toContain('(up to 5 min later, to spread the load)');
  });

  it('edits a schedule, and says what is wrong with a cron in plain words', async () => {
    const tooBig = await cli('schedules', 'set', 'Movies', '--cron', '99 * * * *');
    expect(tooBig.status).toBe(1);
    expect(tooBig.stderr).toBe('retrovue: The minute must be 0–59.\n');
    const tooOften = await cli('schedules', 'set', 'Movies', '--cron', '* * * * *');
    expect(tooOften.stderr).toBe('retrovue: That runs too often: leave at least 5 minutes between runs.\n');
    const noDay = await cli('schedules', 'set', 'Movies', '--cron', '0 3 * * ,');
    expect(noDay.stderr).toBe('retrovue: Pick at least one day.\n');
    const nothing = await cli('schedules', 'set', 'Movies');
    expect(nothing.stderr).toBe(
      'retrovue: nothing to change: give --cron "0 3 * * *", --enable or --disable\n',
    );
    // TV Shows was chosen and then unchosen: its schedule is kept, and waits until it is chosen again.
    const notChosen = await cli('schedules', 'set', 'TV Shows', '--cron', '0 4 * * *');
    expect(notChosen.stdout).toContain(
      'TV Shows is not synced, so this waits until you choose it with `retrovue libraries --select 2`',
    );

    const daily = await cli('schedules', 'set', 'Movies', '--cron', '0 3 * * *');
    expect(daily.stderr).toBe('');
    expect(daily.status).toBe(0);
    expect(daily.stdout).toMatch(
      /^Movies refresh: daily at 03:00 \(cron 0 3 \* \* \*\), next run \d{4}-\d\d-\d\d 03:0\d \(up to 5 min later, to spread the load\)\n$/,
    );
    const paused = await cli('schedules', 'set', '1', '--operation', 'deep_scan', '--disable');
    expect(paused.stdout).toContain('Movies deep scan:');
    expect(paused.stdout).toContain('next run paused');
    const cleanup = await cli('schedules', 'set', 'all', '--operation', 'cleanup', '--cron', '30 5 * * *');
    expect(cleanup.stdout).toContain('all libraries cleanup: daily at 05:30');

    // Stored as the app stores it: the page and the service read the same rows.
    const { schedules } = (await cli('--json', 'schedules')).json() as { schedules: ScheduleJson[] };
    const byOp = (title: string | null, op: string) =>
      schedules.find((s) => s.libraryTitle === title && s.operation === op)!;
    expect(byOp('Movies', 'refresh')).toMatchObject({ cron: '0 3 * * *', enabled: true });
    expect(byOp('Movies', 'deep_scan')).toMatchObject({ enabled: false, nextRuns: [] });
    expect(byOp(null, 'cleanup').cron).toBe('30 5 * * *');
  });
});

describe('retrovue servers signin', () => {
  it('says there is nothing to do while the sign-in works', async () => {
    const r = await cli('servers', 'signin', serverId);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`${fake.serverName} accepts RetroVue's sign-in: nothing to do`);
    expect(fake.control.pins().filter((p) => !p.authToken)).toEqual([]);
  });

  it('signs in again with a PIN for a server that refuses the old sign-in, and names the fix first', async () => {
    for (const pin of fake.control.pins()) if (pin.authToken) fake.control.revokeToken(pin.authToken);
    const refused = await cli('libraries', '--refresh', '--server', serverId);
    expect(refused.status).toBe(1);
    const again = await cli('libraries', '--refresh', '--server', serverId);
    expect(again.stderr.trim()).toBe(
      `retrovue: the server ${fake.serverName} needs a new login: run \`retrovue servers signin ${serverId}\` (or “Sign in again” in the app)`,
    );
    expect((await cli('servers')).stdout).toContain(
      `${fake.serverName} no longer accepts RetroVue's sign-in: run \`retrovue servers signin ${serverId}\` to sign in again`,
    );

    const signin = await withApproval(cli('servers', 'signin', fake.serverName));
    expect(signin.status).toBe(0);
    expect(signin.stdout).toContain(`${fake.plexTvUrl}/auth#?`);
    expect(signin.stdout).toContain('signed in as retro_tester');
    expect(signin.stdout).toContain(`${fake.serverName} accepts the new sign-in and syncs again`);
    const servers = (await cli('--json', 'servers')).json() as { servers: ServerJson[] };
    expect(servers.servers.find((s) => s.name === fake.serverName)?.needsLogin).toBe(false);
    const works = await cli('libraries', '--refresh', '--server', serverId);
    expect(works.stderr).toBe('');
    expect(works.status).toBe(0);
    // The new token is stored like the first: in the vault, never in the database.
    const token = fake.control.pins().at(-1)!.authToken!;
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(data.dir, 'retrovue.db')).includes(token)).toBe(false);
  }, 60_000);
});
