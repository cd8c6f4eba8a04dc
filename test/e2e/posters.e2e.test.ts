// Posters on screen, in Debian's Chromium over `retrovue serve`'s web server and the real core,
// against the fake Plex: the Items list (poster column), the grid, an item detail (poster and
// background) and the library cards. Every picture comes from /artwork/ (our cache; one missing
// is fetched while it loads), none from Plex, and the Plex token never reaches the page.
// Screenshots land in test-artifacts/posters/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileVault } from '../../src-main/core/account/file-vault';
import { createAppCore, type AppCore } from '../../src-main/core/app-core';
import { startWebServer, type WebServer } from '../../src-main/web/web-server';
import { ARTWORK_SIZES } from '../../src-shared/artwork-sizes';
import { startFakePlex, type FakePlex } from '../fake-plex';
import { MIGRATIONS } from '../helpers/temp';

const ROOT = resolve(__dirname, '..', '..');
const CHROMIUM = process.env.RETROVUE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'posters');

let fake: FakePlex;
let core: AppCore;
let web: WebServer;
let context: BrowserContext;
let page: Page;
let workDir: string;
const requested: string[] = [];
const failures: string[] = [];

/** Polls an async probe until it is true; fails naming `what`. */
async function pollUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

/** Images on the page that finished loading with real pixels. */
const loadedImages = (selector: string) =>
  page.$$eval(selector, (imgs) =>
    (imgs as HTMLImageElement[]).filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.naturalWidth),
  );

describe('posters in the browser', () => {
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'retrovue-posters-'));
    const rendererDir = join(workDir, 'renderer');
    await build({
      configFile: join(ROOT, 'src-renderer', 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: rendererDir, emptyOutDir: true },
    });
    fake = await startFakePlex({ seed: 21, movies: 40, shows: 4, episodes: 16 });
    const dataDir = join(workDir, 'data');
    core = createAppCore({
      dataDir,
      migrationsFolder: MIGRATIONS,
      vault: createFileVault(join(dataDir, 'vault.json')),
      shell: 'web',
      healthPort: null,
      fileLogging: false,
      gdm: false,
      env: { RETROVUE_PLEX_TV_URL: fake.plexTvUrl, RETROVUE_RETRY_ATTEMPTS: '0' },
    });
    await core.start();
    const server = await core.handlers['servers:addManual']({ url: fake.pmsUrl, token: fake.token });
    const libraries = await core.handlers['libraries:refresh']({ serverId: server.id });
    // Selecting queues each library's first sync.
    await core.handlers['libraries:select']({ libraryIds: libraries.map((l) => l.id), selected: true });
    await pollUntil(
      'both libraries synced',
      async () =>
        (await core.handlers['libraries:list'](undefined)).every((l) => l.lastSyncStatus === 'succeeded'),
      60_000,
    );
    web = await startWebServer({
      handlers: core.handlers,
      events: core.events,
      artwork: core.artwork,
      rendererDir,
      port: 0,
    });
    context = await chromium.launchPersistentContext(join(workDir, 'chromium'), {
      executablePath: CHROMIUM,
      viewport: { width: 1360, height: 860 },
      colorScheme: 'light',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => failures.push(`pageerror: ${e.message}`));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await web?.close();
    await core?.stop();
    await fake?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it(
    'shows posters in the Items list and grid, and poster and background in the detail',
    { timeout: 120_000 },
    async () => {
      await page.goto(web.url);
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /^Libraries/ })
        .click();
      await pollUntil(
        'library card posters',
        async () => (await loadedImages('.library-posters img')).length >= 8,
        30_000,
      );
      await shot('01-libraries');

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /^Items/ })
        .click();
      await page.getByRole('table').waitFor();
      // Posters not cached yet are fetched while they load: they appear when they land.
      await pollUntil(
        'list posters',
        async () => (await loadedImages('td.poster-cell img')).length >= 20,
        30_000,
      );
      await shot('02-items-list');

      await page.getByRole('button', { name: 'Grid' }).click();
      await pollUntil(
        'grid posters',
        async () => (await loadedImages('.poster-grid img')).length >= 20,
        30_000,
      );
      const widths = await loadedImages('.poster-grid img');
      expect(widths.every((w) => w === ARTWORK_SIZES.poster.width)).toBe(true);
      await shot('03-items-grid');

      await page.locator('.poster-tile').first().click();
      await page.locator('.detail .backdrop').waitFor();
      await pollUntil(
        'detail pictures',
        async () => (await loadedImages('.detail-hero img')).length === 2,
        30_000,
      );
      expect(await loadedImages('.detail .backdrop')).toEqual([ARTWORK_SIZES.background.width]);
      await shot('04-item-detail');

      await page.getByRole('button', { name: 'Shows' }).click();
      await pollUntil(
        'show posters',
        async () => (await loadedImages('.poster-grid img')).length >= 4,
        30_000,
      );
      await page.locator('.poster-tile').first().click();
      await pollUntil(
        'show detail',
        async () => (await loadedImages('.detail-hero img')).length === 2,
        30_000,
      );
      await shot('05-show-detail');

      const pictures = requested.filter((u) => /\.(jpe?g|png)$|\/artwork\//.test(u));
      expect(pictures.length).toBeGreaterThan(0);
      expect(pictures.every((u) => new URL(u).pathname.startsWith('/artwork/'))).toBe(true);
      expect(requested.some((u) => u.startsWith(fake.pmsUrl))).toBe(false);
      expect(requested.some((u) => u.includes(fake.token))).toBe(false);
      const html = await page.content();
      expect(html).not.toContain(fake.token);
      expect(failures).toEqual([]);
    },
  );
});
