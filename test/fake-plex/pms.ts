import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Faults } from './faults';
import { HttpService, Router, htmlStatus, type FakeRequest, type Reply } from './http-kit';
import { fakeJpeg, fakePng } from './images';
import { hashSeed } from './rng';
import type { ActivityEvent, Library, TimelineEntry } from './library';
import { QueryParams, buildFilters, buildSort, headerValue, readPaging } from './query';
import type { RequestLog, ServerName } from './request-log';
import { toJson, toXml, type XNode } from './serialize';
import { ratingKeyOfPart } from './generator';
import type { FakeItem, FakeSection, ItemType, ListedItem } from './types';
import { itemNode, sectionNode, type ViewOptions } from './views';
import { collectionNode, liveMembers, playlistNode } from './curation';
import { emptyTrash } from './unkind';

export const PMS_VERSION = '1.41.3.9314-a0bfb8370';

const TYPE_BY_CODE: Record<string, ItemType> = { '1': 'movie', '2': 'show', '3': 'season', '4': 'episode' };
const TITLE2: Record<ItemType, string> = {
  movie: 'All Movies',
  show: 'All Shows',
  season: 'All Seasons',
  episode: 'All Episodes',
};

export interface PmsOptions {
  name: ServerName;
  library: Library;
  machineIdentifier: string;
  friendlyName: string;
  /** Whether a token may use this server (the account's tokens for the owned server, a share token otherwise). */
  accepts: (token: string | undefined) => boolean;
  /** Called after each authenticated request, with its token (used for "token expires after N requests"). */
  onAuthenticated?: (token: string) => void;
  faults: Faults;
  log: RequestLog;
  control?: Router;
  myPlexUsername: string;
}

const UNAUTHORIZED: Reply = {
  status: 401,
  headers: { 'Content-Type': 'text/html' },
  body: htmlStatus(401, 'Unauthorized'),
};
/** Real PMS puts a redirect to the web app into the 401 page of `/`. */
const UNAUTHORIZED_ROOT: Reply = {
  status: 401,
  headers: { 'Content-Type': 'text/html' },
  body: "<html><head><script>window.location = window.location.href.match(/(^.+\\/)[^\\/]*$/)[1] + 'web/index.html';</script><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
};
/** An expired JWT token (Plex docs, "JWT Authentication"): 498, not 401. */
const EXPIRED: Reply = {
  status: 498,
  headers: { 'Content-Type': 'text/html' },
  body: '<html><head><title>Token Expired</title></head><body><h1>498 Token Expired</h1></body></html>',
};
const NOT_FOUND: Reply = {
  status: 404,
  headers: { 'Content-Type': 'text/html' },
  body: htmlStatus(404, 'Not Found'),
};

/** The fake Plex Media Server: library endpoints, images, notifications socket. */
export class FakePms {
  readonly service: HttpService;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();

  constructor(private readonly o: PmsOptions) {
    const router = new Router();
    const authed =
      (handler: (req: FakeRequest, params: string[]) => Reply) => (req: FakeRequest, params: string[]) => {
        if (o.faults.isExpired(req.token)) return EXPIRED;
        if (!o.accepts(req.token)) return req.path === '/' ? UNAUTHORIZED_ROOT : UNAUTHORIZED;
        o.onAuthenticated?.(req.token!);
        return handler(req, params);
      };
    router
      .add('GET', '/identity', (req) =>
        this.container(req, {
          size: 0,
          claimed: true,
          machineIdentifier: o.machineIdentifier,
          version: PMS_VERSION,
        }),
      )
      .add(
        'GET',
        '/',
        authed((req) => this.root(req)),
      )
      .add(
        'GET',
        '/library/sections',
        authed((req) => this.sections(req)),
      )
      .add(
        'GET',
        '/library/sections/all',
        authed((req) => this.sections(req)),
      )
      .add(
        'GET',
        '/library/sections/{id}',
        authed((req, [id]) => this.sectionIndex(req, id!)),
      )
      .add(
        'GET',
        '/library/sections/{id}/all',
        authed((req, [id]) => this.sectionAll(req, id!)),
      )
      .add(
        'GET',
        '/library/sections/{id}/refresh',
        authed((req, [id]) => this.refresh(id!)),
      )
      .add(
        'PUT',
        '/library/sections/{id}/refresh',
        authed((req, [id]) => this.refresh(id!)),
      )
      .add(
        'PUT',
        '/library/sections/{id}/emptyTrash',
        authed((req, [id]) => this.emptyTrash(id!)),
      )
      .add(
        'GET',
        '/library/sections/{id}/collections',
        authed((req, [id]) => this.collections(req, id!)),
      )
      .add(
        'GET',
        '/library/collections/{id}',
        authed((req, [id]) => this.collection(req, id!)),
      )
      .add(
        'GET',
        '/library/collections/{id}/children',
        authed((req, [id]) => this.collectionChildren(req, id!)),
      )
      .add(
        'GET',
        '/playlists',
        authed((req) => this.playlists(req)),
      )
      .add(
        'GET',
        '/playlists/{id}/items',
        authed((req, [id]) => this.playlistItems(req, id!)),
      )
      .add(
        'GET',
        '/library/metadata/{id}',
        authed((req, [ids]) => this.metadata(req, ids!)),
      )
      .add(
        'GET',
        '/library/metadata/{id}/children',
        authed((req, [id]) => this.children(req, id!, false)),
      )
      .add(
        'GET',
        '/library/metadata/{id}/allLeaves',
        authed((req, [id]) => this.children(req, id!, true)),
      )
      .add(
        'GET',
        '/library/metadata/{id}/grandchildren',
        authed((req, [id]) => this.children(req, id!, true)),
      )
      .add(
        'GET',
        '/library/metadata/{id}/thumb/{ts}',
        authed((req, [id, ts]) => this.itemImage(id!, 'thumb', ts!)),
      )
      .add(
        'GET',
        '/library/metadata/{id}/art/{ts}',
        authed((req, [id, ts]) => this.itemImage(id!, 'art', ts!)),
      )
      .add(
        'GET',
        '/library/media/{id}/chapterImages/{n}',
        authed((req, [id, n]) => png(`chapter/${id}/${n}`, 32, 18)),
      )
      .add(
        'GET',
        '/library/sections/{id}/composite/{ts}',
        authed((req, [id, ts]) => png(`composite/${id}/${ts}`, 30, 30)),
      )
      .add(
        'GET',
        '/:/resources/{name}',
        authed((req, [name]) => png(`resource/${name}`, 16, 16)),
      )
      .add(
        'GET',
        '/photo/:/transcode',
        authed((req) => this.transcode(req)),
      )
      .add(
        'GET',
        '/library/streams/{id}',
        authed((req, [id]) => this.stream(id!)),
      )
      .add(
        'GET',
        '/library/parts/{id}/{ts}/{file}',
        authed((req, [id]) => this.partFile(id!)),
      );

    this.service = new HttpService(router, {
      name: o.name,
      log: o.log,
      faults: o.faults,
      commonHeaders: { 'X-Plex-Protocol': '1.0', 'Cache-Control': 'no-cache', Vary: 'Origin, X-Plex-Token' },
      notFound: () => NOT_FOUND,
      control: o.control,
    });
    this.service.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    o.library.on('timeline', (entries) => this.broadcastTimeline(entries));
    o.library.on('activity', (event) => this.broadcastActivity(event));
  }

  get library(): Library {
    return this.o.library;
  }

  get machineIdentifier(): string {
    return this.o.machineIdentifier;
  }

  get friendlyName(): string {
    return this.o.friendlyName;
  }

  get url(): string {
    return this.service.url;
  }

  /** Open notification sockets (for tests that wait for a client to subscribe). */
  dropNotificationSockets(): number {
    const count = this.sockets.size;
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
    return count;
  }

  get notificationClients(): number {
    return this.sockets.size;
  }

  async goAway(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await this.service.goAway();
  }

  async close(): Promise<void> {
    await this.goAway();
    this.wss.close();
  }

  // ---- endpoints -------------------------------------------------------------------------------------

  private container(req: FakeRequest, node: XNode, extraHeaders: Record<string, string> = {}): Reply {
    if (req.wantsJson)
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json', ...extraHeaders },
        body: toJson(node),
      };
    return {
      status: 200,
      headers: { 'Content-Type': 'text/xml;charset=utf-8', ...extraHeaders },
      body: toXml(node),
    };
  }

  private root(req: FakeRequest): Reply {
    return this.container(req, {
      size: 3,
      allowCameraUpload: false,
      allowSync: true,
      certificate: true,
      claimed: true,
      friendlyName: this.o.friendlyName,
      machineIdentifier: this.o.machineIdentifier,
      multiuser: true,
      myPlex: true,
      myPlexSigninState: 'ok',
      myPlexSubscription: true,
      myPlexUsername: this.o.myPlexUsername,
      ownerFeatures: 'sync,webhooks',
      platform: 'Linux',
      platformVersion: '6.1',
      transcoderActiveVideoSessions: 0,
      updatedAt: Math.max(...this.o.library.sections.map((s) => s.updatedAt)),
      version: PMS_VERSION,
      Directory: [
        { count: 1, key: 'library', title: 'library' },
        { count: 1, key: 'identity', title: 'identity' },
        { count: 1, key: 'system', title: 'system' },
      ],
    });
  }

  private sections(req: FakeRequest): Reply {
    const sections = this.o.library.sections;
    return this.container(req, {
      size: sections.length,
      allowSync: true,
      title1: 'Plex Library',
      Directory: sections.map(sectionNode),
    });
  }

  private sectionIndex(req: FakeRequest, id: string): Reply {
    const section = this.o.library.section(id);
    if (!section) return NOT_FOUND;
    const keys = ['all', 'unwatched', 'newest', 'recentlyAdded', 'recentlyViewed', 'onDeck', 'collection'];
    return this.container(req, {
      size: keys.length,
      allowSync: true,
      content: 'secondary',
      identifier: 'com.plexapp.plugins.library',
      librarySectionID: section.id,
      title1: section.title,
      viewGroup: 'secondary',
      Directory: keys.map((key) => ({ key, title: key })),
    });
  }

  private sectionAll(req: FakeRequest, id: string): Reply {
    const lib = this.o.library;
    const section = lib.section(id);
    if (!section) return NOT_FOUND;
    const refused = refusePaging(req);
    if (refused) return refused;
    const typeParam = req.query.get('type');
    const defaultType: ItemType = section.type === 'movie' ? 'movie' : 'show';
    const type = typeParam === undefined ? defaultType : TYPE_BY_CODE[typeParam];
    // Lets a test change the library between two pages of one listing, as users and scans do.
    lib.emit('listing', {
      sectionId: section.id,
      type: type ?? defaultType,
      start: readPaging(req.query, req.headers).start,
    });
    const valid = type !== undefined && (section.type === 'movie' ? type === 'movie' : type !== 'movie');
    let items = valid ? lib.list(section.id, type) : [];
    items = this.sorted(section, type ?? defaultType, items, req.query.get('sort'));
    const filters = buildFilters(req.query, lib.nowSeconds());
    if (filters.length) items = items.filter((item) => filters.every((f) => f(item)));
    const limit = req.query.get('limit');
    if (limit !== undefined && /^\d+$/.test(limit)) items = items.slice(0, Number(limit));
    return this.listReply(
      req,
      items,
      {
        allowSync: true,
        art: `/:/resources/${section.type}-fanart.jpg`,
        identifier: 'com.plexapp.plugins.library',
        librarySectionID: section.id,
        librarySectionTitle: section.title,
        librarySectionUUID: section.uuid,
        mediaTagPrefix: '/system/bundle/media/flags/',
        mediaTagVersion: 1700000000,
        thumb: `/:/resources/${section.type}.png`,
        title1: section.title,
        title2: TITLE2[type ?? defaultType],
        viewGroup: type ?? defaultType,
        viewMode: 65592,
      },
      false,
    );
  }

  /** Default order is titleSort for movies and shows (as Plex's library view), natural order otherwise. */
  private sorted(
    section: FakeSection,
    type: ItemType,
    items: ListedItem[],
    sortParam: string | undefined,
  ): ListedItem[] {
    const sort =
      buildSort(sortParam) ?? (type === 'movie' || type === 'show' ? buildSort('titleSort') : undefined);
    if (!sort) return items;
    const key = `${this.o.library.version}:${section.id}:${type}:sort=${sort.key}`;
    const cached = this.o.library.cachedView(key);
    if (cached) return cached;
    const out = [...items].sort(sort.compare);
    this.o.library.cacheView(key, out);
    return out;
  }

  private viewOptions(req: FakeRequest, detail: boolean): ViewOptions {
    const q = req.query;
    return {
      detail,
      includeGuids: q.flag('includeGuids'),
      includeChapters: q.flag('includeChapters'),
      includeMarkers: q.flag('includeMarkers'),
      checkFiles: q.flag('checkFiles'),
      sectionOnItem: detail,
      excludeFields: q.list('excludeFields'),
      excludeElements: q.list('excludeElements'),
      corrupt: this.o.faults.corruptItems.size ? this.o.faults.corruptItems : undefined,
    };
  }

  /** A paged list answer: offset/size/totalSize and the X-Plex-Container-* headers when the client paged. */
  private listReply(
    req: FakeRequest,
    items: ListedItem[],
    container: XNode,
    detail: boolean,
    decorate?: (node: XNode, position: number) => void,
  ): Reply {
    const opts = this.viewOptions(req, detail);
    return this.pagedReply(req, items, container, (item, position) => {
      const node = itemNode(this.o.library, this.o.library.full(item), opts);
      decorate?.(node, position);
      return node;
    });
  }

  private pagedReply<T>(
    req: FakeRequest,
    items: T[],
    container: XNode,
    render: (item: T, position: number) => XNode,
  ): Reply {
    const paging = readPaging(req.query, req.headers);
    const faults = this.o.faults;
    const applyPaging = paging.paged && !faults.ignorePaging;
    const start = faults.ignorePagingStart ? 0 : paging.start;
    const offset = applyPaging ? start : 0;
    const page = applyPaging
      ? items.slice(start, paging.size === undefined ? undefined : start + paging.size)
      : items;
    const node: XNode = { size: page.length };
    const headers: Record<string, string> = {};
    if (applyPaging) {
      if (!faults.dropTotalSize) {
        node.totalSize = items.length;
        headers['X-Plex-Container-Total-Size'] = String(items.length);
      }
      node.offset = paging.start;
      headers['X-Plex-Container-Start'] = String(paging.start);
    }
    Object.assign(node, container);
    if (page.length) node.Metadata = page.map((item, i) => render(item, offset + i));
    return this.container(req, node, headers);
  }

  private emptyTrash(id: string): Reply {
    const section = this.o.library.section(id);
    if (!section) return NOT_FOUND;
    emptyTrash(this.o.library, section.id);
    return { status: 200, body: '' };
  }

  private collections(req: FakeRequest, id: string): Reply {
    const lib = this.o.library;
    const section = lib.section(id);
    if (!section) return NOT_FOUND;
    const list = lib.collections.filter((c) => c.sectionId === section.id);
    return this.pagedReply(
      req,
      list,
      { librarySectionID: section.id, librarySectionTitle: section.title, viewGroup: 'collection' },
      (c) => collectionNode(lib, c),
    );
  }

  private collection(req: FakeRequest, id: string): Reply {
    const c = this.o.library.collections.find((x) => x.ratingKey === id);
    if (!c) return NOT_FOUND;
    return this.container(req, { size: 1, Metadata: [collectionNode(this.o.library, c)] });
  }

  private collectionChildren(req: FakeRequest, id: string): Reply {
    const lib = this.o.library;
    const c = lib.collections.find((x) => x.ratingKey === id);
    if (!c) return NOT_FOUND;
    return this.listReply(
      req,
      liveMembers(lib, c.memberKeys),
      { key: c.ratingKey, title1: c.title, librarySectionID: c.sectionId, smart: c.smart ? 1 : 0 },
      false,
    );
  }

  private playlists(req: FakeRequest): Reply {
    const type = req.query.get('playlistType');
    // Every playlist of the fake is a video playlist; audio and photo ones are asked for in vain.
    const list = type === undefined || type === 'video' ? this.o.library.playlists : [];
    return this.pagedReply(req, list, {}, (p) => playlistNode(this.o.library, p));
  }

  private playlistItems(req: FakeRequest, id: string): Reply {
    const lib = this.o.library;
    const p = lib.playlists.find((x) => x.ratingKey === id);
    if (!p) return NOT_FOUND;
    return this.listReply(
      req,
      liveMembers(lib, p.itemKeys),
      {
        ratingKey: p.ratingKey,
        title: p.title,
        smart: p.smart,
        playlistType: 'video',
        leafCount: p.itemKeys.length,
      },
      false,
      // Each entry's id inside the playlist (python-plexapi `Playable.playlistItemID`).
      (node, position) => {
        node.playlistItemID = 10_000 + Number(p.ratingKey) * 100 + position;
      },
    );
  }

  private metadata(req: FakeRequest, ids: string): Reply {
    const lib = this.o.library;
    const items = ids
      .split(',')
      .map((id) => lib.get(id.trim()))
      .filter((i): i is FakeItem => i !== undefined);
    if (!items.length) return NOT_FOUND;
    const opts = this.viewOptions(req, true);
    const first = items[0]!;
    const section = lib.section(first.sectionId);
    return this.container(req, {
      size: items.length,
      allowSync: true,
      identifier: 'com.plexapp.plugins.library',
      librarySectionID: section?.id,
      librarySectionTitle: section?.title,
      librarySectionUUID: section?.uuid,
      mediaTagPrefix: '/system/bundle/media/flags/',
      mediaTagVersion: 1700000000,
      Metadata: items.map((item) => itemNode(lib, item, opts)),
    });
  }

  private children(req: FakeRequest, id: string, leaves: boolean): Reply {
    const lib = this.o.library;
    const parent = lib.get(id);
    if (!parent) return NOT_FOUND;
    let items: ListedItem[] = leaves ? lib.allLeaves(parent) : lib.children(parent);
    const filters = buildFilters(req.query, lib.nowSeconds());
    if (filters.length) items = items.filter((item) => filters.every((f) => f(item)));
    const sort = buildSort(req.query.get('sort'));
    if (sort) items = [...items].sort(sort.compare);
    const section = lib.section(parent.sectionId);
    const container: XNode = {
      allowSync: true,
      art: parent.hasArt ? `/library/metadata/${parent.ratingKey}/art/${parent.updatedAt}` : undefined,
      identifier: 'com.plexapp.plugins.library',
      key: parent.ratingKey,
      librarySectionID: section?.id,
      librarySectionTitle: section?.title,
      librarySectionUUID: section?.uuid,
      mediaTagPrefix: '/system/bundle/media/flags/',
      mediaTagVersion: 1700000000,
      thumb: parent.hasThumb ? `/library/metadata/${parent.ratingKey}/thumb/${parent.updatedAt}` : undefined,
      title1: parent.type === 'season' ? lib.get(parent.showKey)?.title : section?.title,
      title2: parent.title,
      viewGroup: leaves || parent.type === 'season' ? 'episode' : 'season',
    };
    if (parent.type === 'show') {
      container.parentIndex = 1;
      container.parentTitle = parent.title;
      container.parentYear = parent.year;
      container.summary = parent.summary;
    }
    if (parent.type === 'season') {
      const show = lib.get(parent.showKey);
      container.grandparentRatingKey = parent.showKey;
      container.grandparentTitle = show?.title;
      container.parentIndex = parent.index;
      container.parentTitle = parent.title;
    }
    return this.listReply(req, items, container, false);
  }

  private refresh(id: string): Reply {
    const section = this.o.library.section(id);
    if (!section) return NOT_FOUND;
    this.o.library.scan(section.id);
    return { status: 200, body: '' };
  }

  /** Originals are as big as real ones: posters and backgrounds of 100–500 KB. */
  private itemImage(id: string, kind: 'thumb' | 'art', ts: string): Reply {
    const item = this.o.library.get(id);
    if (!item || !(kind === 'thumb' ? item.hasThumb : item.hasArt)) return NOT_FOUND;
    const identity = `${id}/${kind}/${ts}`;
    const bytes = 100_000 + (hashSeed(identity) % 400_000);
    return jpeg(fakeJpeg(identity, kind === 'thumb' ? 1000 : 1920, kind === 'thumb' ? 1500 : 1080, bytes));
  }

  /**
   * `/photo/:/transcode?url=<inner path>&width=&height=&minSize=1&upscale=1`: the inner image scaled
   * to the asked box, always JPEG. Real servers answer about width×height/12 bytes at their default
   * quality (a 300×450 poster is 10–15 KB); python-plexapi's `PlexServer.transcodeImage` and
   * ErsatzTV's and Tunarr's poster URLs ask for exactly this.
   */
  private transcode(req: FakeRequest): Reply {
    const inner = req.query.get('url');
    if (!inner)
      return { status: 400, headers: { 'Content-Type': 'text/html' }, body: htmlStatus(400, 'Bad Request') };
    const innerPath = inner.replace(/^https?:\/\/[^/]+/, '').split('?')[0]!;
    const m = /^\/library\/metadata\/([^/]+)\/(thumb|art)\/([^/]+)$/.exec(innerPath);
    if (m) {
      const item = this.o.library.get(m[1]!);
      if (!item || !(m[2] === 'thumb' ? item.hasThumb : item.hasArt)) return NOT_FOUND;
    }
    const width = Math.min(4096, Number(req.query.get('width') ?? 0) || 40);
    const height = Math.min(4096, Number(req.query.get('height') ?? 0) || 60);
    return jpeg(fakeJpeg(`transcode:${innerPath}`, width, height, Math.round((width * height) / 12)));
  }

  private stream(id: string): Reply {
    const streamId = Number(id);
    const partId = Math.floor(streamId / 16);
    const item = this.o.library.get(ratingKeyOfPart(partId));
    if (item?.type === 'movie' || item?.type === 'episode') {
      const stream = this.o.library
        .detailsOf(item)
        .streams.get(partId)
        ?.find((s) => s.id === streamId);
      if (stream?.key) {
        const body = `1\n00:00:01,000 --> 00:00:04,000\n${item.title} (${stream.language ?? 'Unknown'})\n`;
        return { status: 200, headers: { 'Content-Type': 'text/srt' }, body };
      }
    }
    return NOT_FOUND;
  }

  private partFile(id: string): Reply {
    const partId = Number(id);
    const item = this.o.library.get(ratingKeyOfPart(partId));
    const part =
      item?.type === 'movie' || item?.type === 'episode'
        ? item.media.flatMap((m) => m.parts).find((p) => p.id === partId)
        : undefined;
    if (!part) return NOT_FOUND;
    return {
      status: 200,
      headers: { 'Content-Type': 'video/x-matroska' },
      body: Buffer.from(`fake media for part ${part.id}: ${part.file}\n`),
    };
  }

  // ---- notifications ----------------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new QueryParams(q < 0 ? '' : url.slice(q + 1));
    const token = headerValue(req.headers, 'x-plex-token') ?? query.get('X-Plex-Token');
    const started = Date.now();
    const record = (status: number) =>
      this.o.log.record({
        server: this.o.name,
        method: 'GET',
        path,
        route: path,
        query: q < 0 ? '' : url.slice(q + 1),
        status,
        durationMs: 0,
        at: started,
      });
    if (path !== '/:/websockets/notifications' && path !== '/:/websocket/notifications') {
      record(404);
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n');
      return;
    }
    if (this.o.faults.isExpired(token)) {
      record(498);
      socket.end('HTTP/1.1 498 Token Expired\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!this.o.accepts(token)) {
      record(401);
      const body = htmlStatus(401, 'Unauthorized');
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    record(101);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => this.sockets.delete(ws));
    });
  }

  private broadcast(message: object): void {
    const text = JSON.stringify({ NotificationContainer: message });
    for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  private broadcastTimeline(entries: TimelineEntry[]): void {
    this.broadcast({ type: 'timeline', size: entries.length, TimelineEntry: entries });
  }

  private broadcastActivity(event: ActivityEvent): void {
    this.broadcast({ type: 'activity', size: 1, ActivityNotification: [event] });
  }
}

/** Real servers refuse pages above this many items (plex_nfo_exporter #14, watchstate PR #237). */
export const MAX_PAGE_SIZE = 1000;

/**
 * Newer servers answer a section listing without X-Plex-Container-Size, or with a size above 1000, with 400
 * ("Missing X-Plex-Container-Size header ... limit of 1000": plex_nfo_exporter #14, 2025; plex-api-notes §8).
 */
function refusePaging(req: FakeRequest): Reply | undefined {
  const paging = readPaging(req.query, req.headers);
  if (paging.size !== undefined && paging.size <= MAX_PAGE_SIZE) return undefined;
  const reason =
    paging.size === undefined
      ? 'Missing X-Plex-Container-Size header'
      : `X-Plex-Container-Size ${paging.size} is above the limit of ${MAX_PAGE_SIZE}`;
  return {
    status: 400,
    headers: { 'Content-Type': 'text/html' },
    body: `<html><head><title>Bad Request</title></head><body><h1>400 Bad Request</h1><p>${reason}</p></body></html>`,
  };
}

function jpeg(body: Buffer): Reply {
  return { status: 200, headers: { 'Content-Type': 'image/jpeg' }, body };
}

function png(identity: string, width: number, height: number): Reply {
  return { status: 200, headers: { 'Content-Type': 'image/png' }, body: fakePng(identity, width, height) };
}
