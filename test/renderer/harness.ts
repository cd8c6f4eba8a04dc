// The real core in-process behind a RetroVueApi: the renderer's stores and views talk to the same
// handlers (validation included) that the preload and the websocket bridge reach, over a temp
// SQLite database, a temp vault and the fake Plex on loopback.
import { join } from 'node:path';
import { createFileVault } from '../../src-main/core/account/file-vault';
import { dispatch } from '../../src-main/core/api/dispatch';
import { createAppCore, type AppCore } from '../../src-main/core/app-core';
import { unwrapResult, type RetroVueApi } from '../../src-shared/ipc/contract';
import { startFakePlex, type FakePlex, type FakePlexOptions } from '../fake-plex';
import { MIGRATIONS, tempDir } from '../helpers/temp';

export interface CoreHarness {
  fake: FakePlex;
  core: AppCore;
  api: RetroVueApi;
  dataDir: string;
  /** Folders the app asked the system to open (app:openPath). */
  opened: string[];
  stop(): Promise<void>;
}

export async function startCoreHarness(fakeOptions: FakePlexOptions = {}): Promise<CoreHarness> {
  const fake = await startFakePlex({
    seed: 7,
    movies: 12,
    shows: 2,
    episodes: 10,
    pinMinPollIntervalMs: 0,
    ...fakeOptions,
  });
  const { dir, cleanup } = tempDir('retrovue-renderer-');
  const opened: string[] = [];
  const core = createAppCore({
    openPath: async (path) => {
      opened.push(path);
    },
    dataDir: dir,
    migrationsFolder: MIGRATIONS,
    vault: createFileVault(join(dir, 'vault.json')),
    shell: 'web',
    healthPort: null,
    fileLogging: false,
    gdm: false,
    loginPollIntervalMs: 50,
    env: {
      RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
      RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
      RETROVUE_API_TIMEOUT_SECONDS: '5',
      RETROVUE_RETRY_ATTEMPTS: '0',
    },
  });
  await core.start();
  const api: RetroVueApi = {
    async invoke(channel, ...request) {
      return unwrapResult(await dispatch(core.handlers, channel, request[0])) as never;
    },
    on: (event, listener) => core.events.on(event, listener),
  };
  return {
    fake,
    core,
    api,
    dataDir: dir,
    opened,
    async stop() {
      await core.stop();
      await fake.stop();
      cleanup();
    },
  };
}

/** Signs the harness in the way a person would: a PIN approved on (fake) plex.tv. */
export async function signIn(h: CoreHarness): Promise<void> {
  const pin = await h.api.invoke('login:start');
  if (!pin.code) throw new Error('login:start returned no code');
  h.fake.control.approvePin(pin.code);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const account = await h.api.invoke('account:get');
    if (account && !account.needsLogin) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('sign-in did not complete');
}

/** Signed in, the fake's server found, every library selected and synced once: the app past setup. */
export async function prepareSynced(h: CoreHarness): Promise<void> {
  await signIn(h);
  const servers = await h.api.invoke('servers:refresh');
  const server = servers.find((s) => s.machineIdentifier === h.fake.machineIdentifier);
  if (!server) throw new Error('the fake server was not discovered');
  const libraries = await h.api.invoke('libraries:refresh', { serverId: server.id });
  const ids = libraries.map((l) => l.id);
  await h.api.invoke('libraries:select', { libraryIds: ids, selected: true });
  await h.api.invoke('sync:start', { libraryIds: ids, kind: 'incremental' });
  await waitUntil(async () => {
    const list = await h.api.invoke('libraries:list', {});
    const queue = await h.api.invoke('sync:queue');
    // A run that failed on a server error waits to be tried again by itself: its first run is over.
    const busy = queue.some((e) => e.status !== 'retrying');
    return !busy && list.filter((l) => l.selected).every((l) => l.lastSyncAt !== null);
  }, 30_000);
}

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
