import type { Accounts } from './accounts';
import type { FaultOptions, FaultRule, Faults } from './faults';
import type { HttpService, FakeRequest, Reply, Router } from './http-kit';
import { LibraryError, checkPatch, type AddEpisodeOptions, type ItemPatch, type Library } from './library';
import type { FakePlexTv, Pin } from './plextv';
import type { RequestLog } from './request-log';
import type {
  FakeCollection,
  FakeEpisode,
  FakeItem,
  FakeMovie,
  FakePlayable,
  FakePlaylist,
  FakeSeason,
  FakeShow,
  LibrarySnapshot,
} from './types';
import {
  addCollection,
  addPlaylist,
  deleteCollection,
  setCollectionMembers,
  setPlaylistItems,
  type CollectionInput,
  type PlaylistInput,
} from './curation';
import {
  editSilently,
  emptyTrash,
  optimize,
  restoreSection,
  setLabels,
  trash,
  unmountSection,
  untrash,
  vanishSection,
} from './unkind';

/** Drives the fake from a test: mutate the library, play the user, inject faults, stop/start the server. */
export interface FakePlexControl {
  readonly library: Library;
  snapshot(): LibrarySnapshot;
  addMovie(overrides?: Partial<FakeMovie>): FakeMovie;
  addShow(episodes?: number, overrides?: Partial<FakeShow>): FakeShow;
  addEpisode(options?: AddEpisodeOptions): FakeEpisode;
  change(ratingKey: string, patch?: ItemPatch): FakeItem;
  delete(ratingKey: string): string[];
  moveFile(ratingKey: string, newPath: string, partId?: number): FakePlayable;
  emptyLibrary(sectionId: number): number;
  scan(sectionId: number): void;
  /** An edit that moves only the item's own updatedAt, not the section's stamps (see unkind.ts). */
  editSilently(ratingKey: string, patch: ItemPatch): FakeItem;
  /** New ratingKey, same guid (file replaced, re-matched); returns the item under its new key. */
  rekey(ratingKey: string): FakePlayable | FakeSeason;
  /** The item's files vanished: listed with `deletedAt` parts (Plex's trash) until emptyTrash. */
  trash(ratingKey: string): FakePlayable;
  untrash(ratingKey: string): FakePlayable;
  emptyTrash(sectionId: number): string[];
  /** The library's share unmounted: every file of the section in the trash at once. */
  unmountLibrary(sectionId: number): string[];
  /** The whole library gone from /library/sections at once (its listing 404s), until restoreLibrary. */
  vanishLibrary(sectionId: number): void;
  restoreLibrary(sectionId: number): void;
  /** Adds an optimized version (Media proxyType=42). */
  optimize(ratingKey: string, target?: string): FakePlayable;
  setLabels(ratingKey: string, labels: string[]): FakeItem;
  addCollection(input: CollectionInput): FakeCollection;
  setCollectionMembers(ratingKey: string, memberKeys: string[]): FakeCollection;
  deleteCollection(ratingKey: string): void;
  addPlaylist(input: PlaylistInput): FakePlaylist;
  setPlaylistItems(ratingKey: string, itemKeys: string[]): FakePlaylist;
  approvePin(idOrCode: number | string, token?: string): Pin;
  expirePin(idOrCode: number | string): Pin;
  pins(): Pin[];
  /** Revokes a token (default: the primary one) on plex.tv and the PMS. */
  revokeToken(token?: string): void;
  restoreToken(token?: string): void;
  mintToken(): string;
  setFaults(options: FaultOptions): void;
  addFault(rule: FaultRule): number;
  removeFault(id: number): void;
  clearFaults(): void;
  readonly faults: FaultOptions;
  /** The PMS stops listening and drops connections (restart/crash); `pmsUp` listens again on the same port. */
  pmsDown(): Promise<void>;
  pmsUp(): Promise<void>;
  /** Drops every notifications websocket (the server stays up), to test reconnecting. */
  dropNotificationSockets(): number;
  /** Open notifications websockets on the PMS. */
  notificationClients(): number;
  /** Same for the fake plex.tv (plex.tv unreachable). */
  plexTvDown(): Promise<void>;
  plexTvUp(): Promise<void>;
}

export interface ControlDeps {
  library: Library;
  accounts: Accounts;
  faults: Faults;
  plexTv: FakePlexTv;
  pmsService: HttpService;
  pmsDown: () => Promise<void>;
  dropNotificationSockets: () => number;
  notificationClients: () => number;
  plexTvService: HttpService;
  /** Called when token-expiry settings change, so the request countdown restarts. */
  onFaultsChanged: () => void;
}

export function createControl(d: ControlDeps): FakePlexControl {
  return {
    library: d.library,
    snapshot: () => d.library.snapshot(),
    addMovie: (overrides) => d.library.addMovie(overrides),
    addShow: (episodes, overrides) => d.library.addShow(episodes, overrides),
    addEpisode: (options) => d.library.addEpisode(options),
    change: (rk, patch) => d.library.change(rk, patch),
    delete: (rk) => d.library.delete(rk),
    moveFile: (rk, path, partId) => d.library.moveFile(rk, path, partId),
    emptyLibrary: (id) => d.library.emptySection(id),
    scan: (id) => d.library.scan(id),
    editSilently: (rk, patch) => editSilently(d.library, rk, patch),
    rekey: (rk) => d.library.rekey(rk),
    trash: (rk) => trash(d.library, rk),
    untrash: (rk) => untrash(d.library, rk),
    emptyTrash: (id) => emptyTrash(d.library, id),
    unmountLibrary: (id) => unmountSection(d.library, id),
    vanishLibrary: (id) => vanishSection(d.library, id),
    restoreLibrary: (id) => restoreSection(d.library, id),
    optimize: (rk, target) => optimize(d.library, rk, target),
    setLabels: (rk, labels) => setLabels(d.library, rk, labels),
    addCollection: (input) => addCollection(d.library, input),
    setCollectionMembers: (rk, keys) => setCollectionMembers(d.library, rk, keys),
    deleteCollection: (rk) => deleteCollection(d.library, rk),
    addPlaylist: (input) => addPlaylist(d.library, input),
    setPlaylistItems: (rk, keys) => setPlaylistItems(d.library, rk, keys),
    approvePin: (idOrCode, token) => d.plexTv.approvePin(idOrCode, token),
    expirePin: (idOrCode) => d.plexTv.expirePin(idOrCode),
    pins: () => [...d.plexTv.pins.values()],
    revokeToken: (token = d.accounts.primaryToken) => d.accounts.revoke(token),
    restoreToken: (token = d.accounts.primaryToken) => d.accounts.restore(token),
    mintToken: () => d.accounts.mint(),
    setFaults: (options) => {
      d.faults.set(options);
      d.onFaultsChanged();
    },
    addFault: (rule) => d.faults.add(rule),
    removeFault: (id) => d.faults.remove(id),
    clearFaults: () => {
      d.faults.clear();
      d.onFaultsChanged();
    },
    get faults() {
      return d.faults.current;
    },
    pmsDown: () => d.pmsDown(),
    dropNotificationSockets: () => d.dropNotificationSockets(),
    notificationClients: () => d.notificationClients(),
    pmsUp: () => d.pmsService.comeBack(),
    plexTvDown: () => d.plexTvService.goAway(),
    plexTvUp: () => d.plexTvService.comeBack(),
  };
}

/**
 * The same control over HTTP under `/__control/...` (for the CLI, the demo and browser tests), on both the
 * PMS and the plex.tv port. Requires the fake's configured token (even after it was revoked).
 */
export function mountControl(
  router: Router,
  control: FakePlexControl,
  controlToken: string,
  log: RequestLog,
  info: () => object,
): void {
  type Body = Record<string, unknown>;
  const guarded =
    (handler: (req: FakeRequest, params: string[], body: Body) => unknown | Promise<unknown>) =>
    async (req: FakeRequest, params: string[]): Promise<Reply> => {
      if (req.token !== controlToken) return json(401, { error: 'control token required (X-Plex-Token)' });
      let body: Body = {};
      if (req.body.trim()) {
        try {
          body = JSON.parse(req.body) as Body;
        } catch {
          return json(400, { error: 'body is not JSON' });
        }
      }
      try {
        const result = await handler(req, params, body);
        return json(200, result ?? { ok: true });
      } catch (err) {
        const status = err instanceof LibraryError || /^no /.test((err as Error).message) ? 404 : 400;
        return json(status, { error: (err as Error).message });
      }
    };
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

  router
    .add(
      'GET',
      '/__control/info',
      guarded(() => info()),
    )
    .add(
      'GET',
      '/__control/snapshot',
      guarded(() => snapshotJson(control.snapshot())),
    )
    .add(
      'POST',
      '/__control/items/movie',
      guarded((_r, _p, b) => {
        checkPatch(b);
        return control.addMovie(b as Partial<FakeMovie>);
      }),
    )
    .add(
      'POST',
      '/__control/items/show',
      guarded((_r, _p, b) =>
        control.addShow(num(b.episodes) ?? 3, { ...(str(b.title) ? { title: str(b.title)! } : {}) }),
      ),
    )
    .add(
      'POST',
      '/__control/items/episode',
      guarded((_r, _p, b) =>
        control.addEpisode({ showKey: str(b.showKey), seasonIndex: num(b.seasonIndex), title: str(b.title) }),
      ),
    )
    .add(
      'POST',
      '/__control/items/{rk}/change',
      guarded((_r, [rk], b) => control.change(rk!, b as ItemPatch)),
    )
    .add(
      'POST',
      '/__control/items/{rk}/move',
      guarded((_r, [rk], b) => {
        const file = str(b.file);
        if (!file) throw new Error('"file" (the new path) is required');
        return control.moveFile(rk!, file, num(b.partId));
      }),
    )
    .add(
      'DELETE',
      '/__control/items/{rk}',
      guarded((_r, [rk]) => ({ deleted: control.delete(rk!) })),
    )
    .add(
      'POST',
      '/__control/sections/{id}/empty',
      guarded((_r, [id]) => ({ deleted: control.emptyLibrary(Number(id)) })),
    )
    .add(
      'POST',
      '/__control/sections/{id}/scan',
      guarded((_r, [id]) => control.scan(Number(id))),
    )
    .add(
      'POST',
      '/__control/sections/{id}/unmount',
      guarded((_r, [id]) => ({ trashed: control.unmountLibrary(Number(id)) })),
    )
    .add(
      'POST',
      '/__control/sections/{id}/vanish',
      guarded((_r, [id]) => control.vanishLibrary(Number(id))),
    )
    .add(
      'POST',
      '/__control/sections/{id}/restore',
      guarded((_r, [id]) => control.restoreLibrary(Number(id))),
    )
    .add(
      'POST',
      '/__control/sections/{id}/empty-trash',
      guarded((_r, [id]) => ({ deleted: control.emptyTrash(Number(id)) })),
    )
    .add(
      'POST',
      '/__control/items/{rk}/edit-silently',
      guarded((_r, [rk], b) => control.editSilently(rk!, b as ItemPatch)),
    )
    .add(
      'POST',
      '/__control/items/{rk}/rekey',
      guarded((_r, [rk]) => control.rekey(rk!)),
    )
    .add(
      'POST',
      '/__control/items/{rk}/trash',
      guarded((_r, [rk]) => control.trash(rk!)),
    )
    .add(
      'POST',
      '/__control/items/{rk}/optimize',
      guarded((_r, [rk], b) => control.optimize(rk!, str(b.target))),
    )
    .add(
      'POST',
      '/__control/items/{rk}/labels',
      guarded((_r, [rk], b) => control.setLabels(rk!, strings(b.labels))),
    )
    .add(
      'POST',
      '/__control/collections',
      guarded((_r, _p, b) =>
        control.addCollection({
          sectionId: num(b.sectionId) ?? 1,
          title: str(b.title) ?? 'Collection',
          smart: b.smart === true,
          memberKeys: strings(b.memberKeys),
          labels: strings(b.labels),
        }),
      ),
    )
    .add(
      'POST',
      '/__control/playlists',
      guarded((_r, _p, b) =>
        control.addPlaylist({
          title: str(b.title) ?? 'Playlist',
          smart: b.smart === true,
          itemKeys: strings(b.itemKeys),
        }),
      ),
    )
    .add(
      'GET',
      '/__control/pins',
      guarded(() => control.pins()),
    )
    .add(
      'POST',
      '/__control/pins/{id}/approve',
      guarded((_r, [id], b) => control.approvePin(id!, str(b.token))),
    )
    .add(
      'POST',
      '/__control/pins/{id}/expire',
      guarded((_r, [id]) => control.expirePin(id!)),
    )
    .add(
      'POST',
      '/__control/tokens/revoke',
      guarded((_r, _p, b) => control.revokeToken(str(b.token))),
    )
    .add(
      'POST',
      '/__control/tokens/restore',
      guarded((_r, _p, b) => control.restoreToken(str(b.token))),
    )
    .add(
      'POST',
      '/__control/tokens',
      guarded(() => ({ token: control.mintToken() })),
    )
    .add(
      'GET',
      '/__control/faults',
      guarded(() => control.faults),
    )
    .add(
      'PUT',
      '/__control/faults',
      guarded((_r, _p, b) => control.setFaults(b as FaultOptions)),
    )
    .add(
      'DELETE',
      '/__control/faults',
      guarded(() => control.clearFaults()),
    )
    .add(
      'POST',
      '/__control/faults/rules',
      guarded((_r, _p, b) => ({ id: control.addFault(b as unknown as FaultRule) })),
    )
    .add(
      'DELETE',
      '/__control/faults/rules/{id}',
      guarded((_r, [id]) => control.removeFault(Number(id))),
    )
    .add(
      'POST',
      '/__control/pms/down',
      guarded(() => control.pmsDown()),
    )
    .add(
      'POST',
      '/__control/notifications/drop',
      guarded(() => ({ dropped: control.dropNotificationSockets() })),
    )
    .add(
      'POST',
      '/__control/pms/up',
      guarded(() => control.pmsUp()),
    )
    .add(
      'GET',
      '/__control/requests',
      guarded(() => ({ counts: log.counts(), total: log.entries.length })),
    )
    .add(
      'DELETE',
      '/__control/requests',
      guarded(() => log.reset()),
    );
}

function snapshotJson(snapshot: LibrarySnapshot): object {
  return {
    sections: snapshot.sections,
    items: snapshot.items.map((item) =>
      item.details
        ? { ...item, details: { ...item.details, streams: Object.fromEntries(item.details.streams) } }
        : item,
    ),
  };
}

function json(status: number, value: unknown): Reply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}
