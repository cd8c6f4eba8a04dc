// End to end in Debian's Chromium: the built renderer served by `retrovue serve`'s web server over
// the real core, against the fake Plex. Signs in with a PIN, picks the server, syncs two libraries,
// then walks every page. Screenshots land in test-artifacts/e2e/.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileVault } from '../../src-main/core/account/file-vault';
import { createAppCore, type AppCore } from '../../src-main/core/app-core';
import { startWebServer, type WebServer } from '../../src-main/core/web/web-server';
import type { SyncProgress } from '../../src-shared/sync-types';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { MIGRATIONS } from '../helpers/temp';

const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = process.env.RETROVUE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const MOVIES = 150;
const SHOWS = 6;
const EPISODES = 90;

let fake: FakePlex;
let core: AppCore;
let web: WebServer;
let context: BrowserContext;
let page: Page;
let workDir: string;
const pageProblems: string[] = [];
const progress: SyncProgress[] = [];

/** A sidebar link; its name may carry a count ("Errors 2 open errors"). */
function nav(name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: new RegExp(`^${name}`) });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

describe('RetroVue in the browser (retrovue serve)', () => {
  beforeAll(async () => {
    // Never a silent skip: `npm test` installs Chromium first (test/support/ensure-chromium.sh).
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: run 'apt-get install -y chromium' or set RETROVUE_CHROMIUM`,
      );
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'retrovue-e2e-'));
    const rendererDir = join(workDir, 'renderer');
    // Built fresh into a temp folder so the test sees the current source and leaves dist/ alone.
    await build({
      configFile: join(ROOT, 'src-renderer', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: rendererDir, emptyOutDir: true },
    });

    // Some latency keeps the sync long enough to watch its progress.
    fake = await startFakePlex({
      seed: 11,
      movies: MOVIES,
      shows: SHOWS,
      episodes: EPISODES,
      latencyMs: 4,
      pinMinPollIntervalMs: 0,
    });
    const dataDir = join(workDir, 'data');
    core = createAppCore({
      dataDir,
      migrationsFolder: MIGRATIONS,
      vault: createFileVault(join(dataDir, 'vault.json')),
      shell: 'web',
      healthPort: null,
      fileLogging: false,
      gdm: false,
      loginPollIntervalMs: 100,
      env: {
        RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
        RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
        RETROVUE_API_TIMEOUT_SECONDS: '5',
        RETROVUE_RETRY_ATTEMPTS: '0',
        RETROVUE_BATCH_SIZE: '25',
      },
    });
    await core.start();
    core.events.on('sync:progress', (p) => progress.push(p));
    web = await startWebServer({
      handlers: core.handlers,
      events: core.events,
      artwork: core.artwork,
      rendererDir,
      port: 0,
    });

    // A fresh profile per run: nothing carried over from an earlier session.
    context = await chromium.launchPersistentContext(join(workDir, 'chromium'), {
      executablePath: CHROMIUM,
      viewport: { width: 1360, height: 860 },
      colorScheme: 'light',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      // Resource failures are judged by origin below (the sandbox has no internet for plex.tv avatars).
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
        pageProblems.push(`console: ${m.text()}`);
    });
    page.on('requestfailed', (r) => {
      if (new URL(r.url()).origin === new URL(web.url).origin)
        pageProblems.push(`request failed: ${r.url()}`);
    });
    page.on('response', (r) => {
      if (new URL(r.url()).origin === new URL(web.url).origin && r.status() >= 400)
        pageProblems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
    await core?.stop();
    await fake?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('signs in with a PIN and picks the server', async () => {
    await page.goto(web.url);
    await page.getByRole('heading', { name: 'Keep a local copy of your Plex libraries' }).waitFor();
    // The token leaves the address bar once read.
    expect(page.url()).not.toContain('access=');
    await shot('01-welcome');

    await page.getByRole('button', { name: 'Sign in with Plex' }).click();
    const code = page.getByLabel('Sign-in code');
    await code.waitFor();
    await expect
      .poll(async () => page.getByRole('link', { name: /open plex\.tv/i }).getAttribute('href'))
      .toContain(fake.plexTvUrl);
    await shot('02-pin');

    // Plays the person approving the code on plex.tv, over the fake's HTTP control API.
    const pinCode = (await code.textContent())?.trim() ?? '';
    const approved = await fetch(`${fake.plexTvUrl}/__control/pins/${encodeURIComponent(pinCode)}/approve`, {
      method: 'POST',
      headers: { 'X-Plex-Token': fake.token, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(approved.ok).toBe(true);
    await page.getByText(/signed in as/i).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Continue' }).click();

    const server = page.getByRole('radio', { name: new RegExp(fake.serverName) });
    await server.waitFor({ timeout: 15_000 });
    await server.click();
    await expect.poll(() => server.getAttribute('aria-checked')).toBe('true');
    await shot('03-servers');
    await page.getByRole('button', { name: 'Use this server' }).click();
  }, 60_000);

  it('chooses libraries, maps paths and syncs them to the fake counts', async () => {
    const movies = page.getByRole('checkbox', { name: /^Movies/ });
    await movies.waitFor({ timeout: 15_000 });
    await movies.check();
    await page.getByRole('checkbox', { name: /^TV Shows/ }).check();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Plex path 1').fill('/data/movies');
    await page.getByLabel('Local path 1').fill(join(workDir, 'media'));
    await page
      .getByText(/no file synced yet/i)
      .first()
      .waitFor();
    await shot('04-libraries');

    await page.getByRole('button', { name: /keep 2 libraries in sync/i }).click();
    const moviesCard = page.getByRole('article', { name: 'Movies' });
    await moviesCard.waitFor({ timeout: 15_000 });
    // A live snapshot (phase, counts, rate), not just the queued state.
    await page.locator('[role="progressbar"][aria-valuenow]').first().waitFor({ timeout: 15_000 });
    await shot('05-syncing');

    const snapshot = fake.control.snapshot().items;
    const expected = {
      movie: snapshot.filter((i) => i.type === 'movie').length,
      show: snapshot.filter((i) => i.type === 'show').length,
      episode: snapshot.filter((i) => i.type === 'episode').length,
    };
    const tvCard = page.getByRole('article', { name: 'TV Shows' });
    await expect
      .poll(
        async () =>
          Number((await moviesCard.getByTestId(/count-\d+-movie/).textContent())?.replace(/,/g, '')),
        { timeout: 60_000 },
      )
      .toBe(expected.movie);
    await expect
      .poll(
        async () => Number((await tvCard.getByTestId(/count-\d+-episode/).textContent())?.replace(/,/g, '')),
        { timeout: 60_000 },
      )
      .toBe(expected.episode);
    expect(Number((await tvCard.getByTestId(/count-\d+-show/).textContent())?.replace(/,/g, ''))).toBe(
      expected.show,
    );
    await expect
      .poll(() => page.getByRole('button', { name: 'Cancel' }).count(), { timeout: 30_000 })
      .toBe(0);

    // Progress reached its end: the last snapshot of each run had done === total.
    const lastByRun = new Map(progress.map((p) => [p.runId, p]));
    expect(lastByRun.size).toBeGreaterThanOrEqual(2);
    for (const p of lastByRun.values()) expect(p.done).toBe(p.total);
    await shot('06-libraries-synced');
  }, 120_000);

  it('shows an injected error with its context, and resolves it', async () => {
    // The next details request answers 500: the deep scan of Movies fails and records why.
    fake.control.addFault({ kind: 'error', status: 500, path: '/library/metadata/*', times: 1 });
    const runsBefore = progress.length;
    await page.getByRole('article', { name: 'Movies' }).getByRole('button', { name: 'Deep scan' }).click();
    await expect
      .poll(
        () =>
          nav('Errors')
            .getByLabel(/open error/)
            .count(),
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(progress.length).toBeGreaterThanOrEqual(runsBefore);

    await nav('Errors').click();
    const row = page
      .getByRole('row')
      .filter({ hasText: /server error 500/i })
      .first();
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.getByRole('heading', { name: /Error #\d+/ }).waitFor();
    await page.locator('pre.context').waitFor();
    await shot('07-errors');
    await page.getByRole('button', { name: 'Mark resolved' }).click();
    await page.getByText(/marked resolved/i).waitFor();
  }, 60_000);

  it('edits a schedule with live validation', async () => {
    await nav('Schedules').click();
    const card = page.getByRole('article').first();
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: 'Edit schedule' }).click();
    const input = card.getByLabel(/cron expression/i);
    await input.fill('99 * * * *');
    await card.locator('.cron-feedback .text-bad').waitFor();
    await expect.poll(() => card.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await input.fill('15 4 * * *');
    await card.locator('.cron-feedback .text-ok').waitFor();
    await shot('08-schedule-edit');
    await card.getByRole('button', { name: 'Save' }).click();
    await card.locator('code.cron', { hasText: '15 4 * * *' }).waitFor();
    await shot('09-schedules');
  }, 60_000);

  it('charts the sync runs', async () => {
    await nav('Activity').click();
    const duration = page.getByRole('region', { name: 'Items processed per run' });
    await duration.locator('.recharts-bar-rectangle').first().waitFor({ timeout: 15_000 });
    await shot('10-activity');
  }, 60_000);

  it('browses items with files, streams and chapters', async () => {
    await nav('Items').click();
    await page.getByRole('table').first().waitFor({ timeout: 15_000 });
    await page.getByRole('row').nth(1).getByRole('button').click();
    await page.getByRole('heading', { name: 'Files' }).waitFor();
    await shot('11-items');
  }, 60_000);

  it('checks a sample file through the path mapping when setup is reopened', async () => {
    // Put the sample movie's file where the mapping from the first setup points.
    const libraries = await core.handlers['libraries:list'](undefined);
    const movies = libraries.find((l) => l.title === 'Movies')!;
    const before = await core.handlers['paths:check']({ libraryId: movies.id });
    expect(before.sample?.exists).toBe(false);
    const localPath = before.sample!.localPath!;
    expect(localPath.startsWith(join(workDir, 'media'))).toBe(true);
    mkdirSync(dirname(localPath), { recursive: true });
    writeFileSync(localPath, 'not really a movie');

    await nav('Libraries').click();
    await page.getByRole('button', { name: 'Add server' }).click();
    await page.getByRole('radio', { name: new RegExp(fake.serverName) }).click();
    await page.getByRole('button', { name: 'Use this server' }).click();
    const row = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: /^Movies/ }) });
    await row.getByRole('button', { name: 'Check a file' }).click();
    await row.getByText('✓ File found here').waitFor({ timeout: 10_000 });
    await shot('16-path-check');
    await page.getByRole('button', { name: 'Close setup' }).click();
    await page.getByRole('article', { name: 'Movies' }).waitFor();
  }, 60_000);

  it('shows settings, the health page and the dark theme', async () => {
    await nav('Settings').click();
    const batch = page.getByLabel('Items per page');
    await batch.fill('5');
    await page
      .getByText(/too small|>=10/i)
      .first()
      .waitFor();
    expect(await page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
    await batch.fill('25');
    await shot('12-settings');

    await nav('About').click();
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    await shot('13-about');

    await page.emulateMedia({ colorScheme: 'dark' });
    await nav('Libraries').click();
    await page.getByRole('article', { name: 'Movies' }).waitFor();
    await shot('14-libraries-dark');
    await nav('Activity').click();
    await page.locator('.recharts-surface').first().waitFor();
    await shot('15-activity-dark');
    await nav('Items').click();
    await page.getByRole('row').nth(1).getByRole('button').click();
    await page.getByRole('heading', { name: 'Files' }).waitFor();
    await shot('17-items-dark');
    await nav('Settings').click();
    await page.getByLabel('Items per page').waitFor();
    await shot('18-settings-dark');
    expect(pageProblems).toEqual([]);
  }, 60_000);
});
