// `npm run demo`'s set-up, against the product's headless web mode (what `npm start` runs without
// Electron): the server is added, its libraries selected and synced through the public web API only
// (no demo option in the core), to the fake's counts; a second start finds it already set up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeMode, type ServeMode } from '../../src-main/web/serve-mode';
import { connectWebApi } from '../helpers/web-api';
import { tempDir } from '../helpers/temp';
import { setUpDemoThroughApi } from './demo-setup';
import { startFakePlex, type FakePlex } from './index';

let fake: FakePlex;
let mode: ServeMode;
let cleanup: () => void;

beforeAll(async () => {
  fake = await startFakePlex({ seed: 8, movies: 12, shows: 2, episodes: 9, gdm: true });
  const t = tempDir('retrovue-demo-test-');
  cleanup = t.cleanup;
  const rendererDir = join(t.dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>RetroVue</title>');
  mode = await startServeMode({
    dataDir: join(t.dir, 'data'),
    rendererDir,
    port: 0,
    healthPort: null,
    fileLogging: false,
    // The demo's environment: plex.tv and GDM are the fake's.
    env: {
      RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
      RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
      RETROVUE_GDM_ADDRESS: '127.0.0.1',
      RETROVUE_GDM_PORT: String(fake.gdmPort),
    },
  });
});

afterAll(async () => {
  await mode?.stop();
  await fake?.stop();
  cleanup?.();
});

describe('npm run demo set-up', () => {
  it('adds the server, selects and syncs every library through the web API, to the fake counts', async () => {
    const lines: string[] = [];
    const setup = await setUpDemoThroughApi(mode.server.url, fake, (l) => lines.push(l));
    expect(setup?.serverName).toBe(fake.serverName);
    expect(setup?.synced.sort()).toEqual([
      expect.stringMatching(/^Movies: succeeded, 12 added$/),
      expect.stringMatching(/^TV Shows: succeeded, \d+ added$/),
    ]);
    expect(lines[0]).toMatch(/added Fake Plex Server through the app's API/);

    const api = await connectWebApi(mode.server.url);
    try {
      const servers = await api.call('servers:list');
      expect(servers.map((s) => [s.name, s.sources])).toEqual([[fake.serverName, ['manual']]]);
      const libraries = await api.call('libraries:list');
      expect(libraries.every((l) => l.selected && l.lastSyncStatus === 'succeeded')).toBe(true);
      const items = fake.control.snapshot().items;
      const stored = (kind: 'movie' | 'episode') =>
        libraries.reduce(
          (sum, l) => sum + Object.values(l.counts[kind] ?? {}).reduce((a, b) => a + (b ?? 0), 0),
          0,
        );
      expect(stored('movie')).toBe(items.filter((i) => i.type === 'movie').length);
      expect(stored('episode')).toBe(items.filter((i) => i.type === 'episode').length);
    } finally {
      api.close();
    }
  });

  it('leaves a data dir that already has the server alone', async () => {
    expect(await setUpDemoThroughApi(mode.server.url, fake, () => {})).toBeNull();
  });
});
