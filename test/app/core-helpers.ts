// Shared set-up for tests of the core API: a real app core over a temp data folder and database,
// talking to the fake Plex on loopback.
import { join } from 'node:path';
import type {
  Channel,
  EventMap,
  EventName,
  IpcResult,
  RequestOf,
  ResponseMap,
} from '../../src-shared/ipc/contract';
import { createFileVault, VAULT_FILE } from '../../src-main/core/account/file-vault';
import { dispatch } from '../../src-main/core/api/dispatch';
import { createAppCore, type AppCore, type AppCoreOptions } from '../../src-main/core/app-core';
import { startFakePlex, type FakePlex, type FakePlexOptions } from '../fake-plex';
import { MIGRATIONS, tempDir } from '../helpers/temp';

export interface CoreFixture {
  core: AppCore;
  fake: FakePlex;
  dataDir: string;
  /** Calls a channel the way both bridges do: validation, then the handler. */
  call<C extends Channel>(channel: C, request?: RequestOf<C>): Promise<IpcResult<ResponseMap[C]>>;
  /** Like call, but resolves the value or throws the typed error. */
  value<C extends Channel>(channel: C, request?: RequestOf<C>): Promise<ResponseMap[C]>;
  events: { event: EventName; payload: unknown }[];
  waitForEvent<E extends EventName>(
    event: E,
    match?: (p: EventMap[E]) => boolean,
    timeoutMs?: number,
  ): Promise<EventMap[E]>;
  close(): Promise<void>;
}

export async function startCore(
  opts: {
    fake?: FakePlexOptions;
    core?: Partial<AppCoreOptions>;
    env?: NodeJS.ProcessEnv;
    /** Add the fake server by URL and token and read its libraries (none selected), as the wizard does. */
    server?: boolean;
  } = {},
): Promise<CoreFixture> {
  const fake = await startFakePlex({
    movies: 12,
    shows: 2,
    episodes: 10,
    pinMinPollIntervalMs: 0,
    offlineServer: false,
    ...opts.fake,
  });
  const { dir, cleanup } = tempDir('retrovue-core-');
  const env = {
    RETROVUE_PLEX_TV_URL: fake.plexTvUrl,
    RETROVUE_PLEX_AUTH_APP_URL: `${fake.plexTvUrl}/auth`,
    RETROVUE_ARTWORK_CACHE: 'false',
    ...opts.env,
  };
  const core = createAppCore({
    dataDir: dir,
    migrationsFolder: MIGRATIONS,
    vault: createFileVault(join(dir, VAULT_FILE)),
    shell: 'web',
    healthPort: null,
    gdm: false,
    fileLogging: false,
    env,
    ...opts.core,
  });
  const events: { event: EventName; payload: unknown }[] = [];
  core.events.onAny((event, payload) => events.push({ event, payload }));
  await core.start();

  const call = <C extends Channel>(channel: C, request?: RequestOf<C>) =>
    dispatch(core.handlers, channel, request) as Promise<IpcResult<ResponseMap[C]>>;
  const value = async <C extends Channel>(channel: C, request?: RequestOf<C>): Promise<ResponseMap[C]> => {
    const r = await call(channel, request);
    if (!r.ok)
      throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), {
        code: r.error.code,
      });
    return r.value;
  };
  const waitForEvent = <E extends EventName>(
    event: E,
    match: (p: EventMap[E]) => boolean = () => true,
    timeoutMs = 20_000,
  ) =>
    new Promise<EventMap[E]>((resolve, reject) => {
      const seen = events.find((e) => e.event === event && match(e.payload as EventMap[E]));
      if (seen) return resolve(seen.payload as EventMap[E]);
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${event} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = core.events.on(event, (p) => {
        if (!match(p)) return;
        clearTimeout(timer);
        off();
        resolve(p);
      });
    });
  if (opts.server) {
    const added = await value('servers:addManual', { url: fake.pmsUrl, token: fake.token });
    await value('libraries:refresh', { serverId: added.id });
  }
  return {
    core,
    fake,
    dataDir: dir,
    call,
    value,
    events,
    waitForEvent,
    async close() {
      await core.stop();
      await fake.stop();
      cleanup();
    },
  };
}
