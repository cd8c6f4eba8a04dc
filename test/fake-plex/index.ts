import { createServer } from 'node:net';
import { Accounts } from './accounts';
import { createControl, mountControl, type FakePlexControl } from './control';
import { Faults, type FaultOptions } from './faults';
import { GdmResponder } from './gdm';
import { Router } from './http-kit';
import { Library } from './library';
import { FakePlexTv } from './plextv';
import { FakePms, PMS_VERSION } from './pms';
import { RequestLog } from './request-log';
import { Rng, hashSeed } from './rng';

export type * from './types';
export type { FaultKind, FaultOptions, FaultRule } from './faults';
export type { FakePlexControl } from './control';
export type { LoggedRequest, ServerName } from './request-log';
export type { Pin } from './plextv';
export type { ActivityEvent, AddEpisodeOptions, ItemPatch, TimelineEntry } from './library';
export { Library, TIMELINE_STATE } from './library';
export { RequestLog } from './request-log';
export { MOVIE_ROOTS, SHOW_ROOTS } from './generator';
export { PMS_VERSION } from './pms';
/** The PMS side of GDM on its own, for discovery tests that need a responder without a whole fake. */
export { GdmResponder, type GdmInfo } from './gdm';
export { LOOPBACK } from './plextv';
// For harnesses that script the fake (the chaos simulation, the soak): its seeded random numbers, and
// how it renders a section and a JSON answer, so a forged answer looks like a real one.
export { Rng, hashSeed } from './rng';
export { toJson } from './serialize';
export { sectionNode } from './views';

export interface FakePlexOptions {
  /** Library and fault seed (default 42): same seed, same library, same fault pattern. */
  seed?: number;
  movies?: number;
  shows?: number;
  /** Total episodes over all shows. */
  episodes?: number;
  /** Latency added to every answer, in ms. */
  latencyMs?: number;
  /** PMS port (default 0 = random). */
  port?: number;
  /** plex.tv port (default 0 = random). */
  plexTvPort?: number;
  host?: string;
  /** The account token (default derived from the seed). */
  token?: string;
  /** Start the GDM responder: `true` (random port) or `{ port }`. */
  gdm?: boolean | { port?: number };
  faults?: FaultOptions;
  /** plex.tv answers 429/1003 when a PIN is polled again within this many ms. */
  pinMinPollIntervalMs?: number;
  serverName?: string;
  /** Also run a second server shared with the account by someone else (owned:false, its own token). */
  sharedServer?: boolean | { movies?: number; shows?: number; episodes?: number };
  /** Give one show hidden seasons: its episodes lack parentKey/parentRatingKey (a real Plex quirk). */
  hiddenSeasons?: boolean;
  /** List an offline owned server in plex.tv resources (default true). */
  offlineServer?: boolean;
  /** Time source in ms (default Date.now): mutations stamp `updatedAt` from it, PIN expiry uses it. */
  clock?: () => number;
}

export interface SharedServerInfo {
  pmsUrl: string;
  token: string;
  machineIdentifier: string;
  serverName: string;
  library: Library;
}

export interface FakePlex {
  pmsUrl: string;
  plexTvUrl: string;
  /** The account token: valid on plex.tv and on the owned PMS. */
  token: string;
  machineIdentifier: string;
  serverName: string;
  control: FakePlexControl;
  requestLog: RequestLog;
  library: Library;
  gdmPort?: number;
  sharedServer?: SharedServerInfo;
  stop(): Promise<void>;
}

/** Starts the fake Plex Media Server and the fake plex.tv on loopback. */
export async function startFakePlex(options: FakePlexOptions = {}): Promise<FakePlex> {
  const seed = options.seed ?? 42;
  const clock = options.clock ?? Date.now;
  const rng = new Rng(hashSeed(seed, 'identity'));
  const token =
    options.token ?? rng.alnum(20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  const machineIdentifier = rng.hex(40);
  const serverName = options.serverName ?? 'Fake Plex Server';
  const host = options.host ?? '127.0.0.1';

  const requestLog = new RequestLog();
  const faults = new Faults(seed, options.faults, options.latencyMs ?? 0);
  const accounts = new Accounts(seed, token);
  const library = new Library(
    {
      seed,
      movies: options.movies ?? 40,
      shows: options.shows ?? 8,
      episodes: options.episodes ?? 120,
      hiddenSeasons: options.hiddenSeasons,
    },
    clock,
  );
  const controlRouter = new Router();

  const served = new Map<string, number>();
  const onAuthenticated = (used: string) => {
    const limit = faults.tokenExpiresAfterRequests;
    if (limit === undefined) return;
    const n = (served.get(used) ?? 0) + 1;
    served.set(used, n);
    if (n >= limit) accounts.revoke(used);
  };

  const pms = new FakePms({
    name: 'pms',
    library,
    machineIdentifier,
    friendlyName: serverName,
    accepts: (t) => accounts.isValid(t),
    onAuthenticated,
    faults,
    log: requestLog,
    control: controlRouter,
    myPlexUsername: accounts.user.username,
  });
  let shared: { pms: FakePms; token: string } | undefined;
  const revokedShared = new Set<string>();
  if (options.sharedServer) {
    const sizes = typeof options.sharedServer === 'object' ? options.sharedServer : {};
    const sharedRng = new Rng(hashSeed(seed, 'shared'));
    const sharedToken = sharedRng.alnum(20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
    const sharedLibrary = new Library(
      { seed: seed + 1, movies: sizes.movies ?? 10, shows: sizes.shows ?? 2, episodes: sizes.episodes ?? 12 },
      clock,
    );
    shared = {
      token: sharedToken,
      pms: new FakePms({
        name: 'shared-pms',
        library: sharedLibrary,
        machineIdentifier: sharedRng.hex(40),
        friendlyName: "Friend's Server",
        accepts: (t) => t === sharedToken && !revokedShared.has(t),
        faults,
        log: requestLog,
        myPlexUsername: 'friend_of_retro',
      }),
    };
  }

  const deadPort = await findDeadPort(host);
  const plexTv = new FakePlexTv({
    seed,
    accounts,
    pms,
    sharedPms: shared,
    pinMinPollIntervalMs: options.pinMinPollIntervalMs,
    deadPort,
    offlineServer: options.offlineServer ?? true,
    faults,
    log: requestLog,
    control: controlRouter,
    clock,
  });

  await pms.service.listen(options.port ?? 0, host);
  await plexTv.service.listen(options.plexTvPort ?? 0, host);
  if (shared) await shared.pms.service.listen(0, host);

  let gdm: GdmResponder | undefined;
  let gdmPort: number | undefined;
  if (options.gdm) {
    gdm = new GdmResponder({
      machineIdentifier,
      name: serverName,
      version: PMS_VERSION,
      httpPort: () => pms.service.port,
      updatedAt: () => Math.max(...library.sections.map((s) => s.updatedAt)),
    });
    gdmPort = await gdm.start(typeof options.gdm === 'object' ? (options.gdm.port ?? 0) : 0, host);
  }

  const control = createControl({
    library,
    accounts,
    faults,
    plexTv,
    pmsService: pms.service,
    pmsDown: () => pms.goAway(),
    dropNotificationSockets: () => pms.dropNotificationSockets(),
    notificationClients: () => pms.notificationClients,
    plexTvService: plexTv.service,
    onFaultsChanged: () => served.clear(),
  });
  const revoke = control.revokeToken;
  control.revokeToken = (t = token) => {
    if (shared && t === shared.token) revokedShared.add(t);
    else revoke(t);
  };
  const restore = control.restoreToken;
  control.restoreToken = (t = token) => {
    if (shared && t === shared.token) revokedShared.delete(t);
    else restore(t);
  };

  const fake: FakePlex = {
    pmsUrl: pms.url,
    plexTvUrl: plexTv.url,
    token,
    machineIdentifier,
    serverName,
    control,
    requestLog,
    library,
    gdmPort,
    sharedServer: shared && {
      pmsUrl: shared.pms.url,
      token: shared.token,
      machineIdentifier: shared.pms.machineIdentifier,
      serverName: shared.pms.friendlyName,
      library: shared.pms.library,
    },
    async stop() {
      await Promise.all([pms.close(), plexTv.service.close(), shared?.pms.close(), gdm?.stop()]);
    },
  };
  mountControl(controlRouter, control, token, requestLog, () => ({
    pmsUrl: fake.pmsUrl,
    plexTvUrl: fake.plexTvUrl,
    machineIdentifier,
    serverName,
    gdmPort,
    sharedServer: fake.sharedServer && {
      pmsUrl: fake.sharedServer.pmsUrl,
      token: fake.sharedServer.token,
      machineIdentifier: fake.sharedServer.machineIdentifier,
    },
  }));
  return fake;
}

/** A loopback port with nothing listening (bound then released): connections to it are refused. */
async function findDeadPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      probe.close(() => resolve(port));
    });
  });
}
