import type { Accounts } from './accounts';
import type { Faults } from './faults';
import { fakePng } from './images';
import { HttpService, Router, type FakeRequest, type Reply } from './http-kit';
import { PMS_VERSION, type FakePms } from './pms';
import { QueryParams, headerValue } from './query';
import type { RequestLog } from './request-log';
import { Rng, hashSeed } from './rng';
import { toXml, type XNode } from './serialize';

export interface Pin {
  id: number;
  code: string;
  strong: boolean;
  product: string;
  clientIdentifier: string;
  createdAt: number;
  expiresAt: number;
  authToken: string | null;
  lastPolledAt?: number;
}

export interface PlexTvOptions {
  seed: number;
  accounts: Accounts;
  pms: FakePms;
  sharedPms?: { pms: FakePms; token: string };
  /** Answer 429/1003 when a PIN is polled again sooner than this. */
  pinMinPollIntervalMs?: number;
  /** A port nothing listens on, used for the unreachable connections. */
  deadPort: number;
  /** Include an offline owned server in the resources list. */
  offlineServer: boolean;
  faults: Faults;
  log: RequestLog;
  control?: Router;
  clock: () => number;
}

/**
 * Every address the fake advertises stays on this machine (issue 15): the real LAN, public, relay and
 * player addresses become other 127/8 addresses, where nothing listens on the fake's dead port.
 */
export const LOOPBACK = {
  local: '127.0.0.1',
  remote: '127.0.0.2',
  relay: '127.0.0.3',
  player: '127.0.0.4',
  offline: '127.0.0.5',
} as const;

const ERRORS = {
  1000: { status: 400, message: 'X-Plex-Client-Identifier is missing' },
  1001: { status: 401, message: 'User could not be authenticated' },
  1003: { status: 429, message: 'API rate limit exceeded' },
  1020: { status: 404, message: 'Code not found or expired' },
} as const;

/** The fake plex.tv: PIN login, account, resources (server discovery). */
export class FakePlexTv {
  readonly service: HttpService;
  readonly pins = new Map<number, Pin>();
  private readonly rng: Rng;

  constructor(private readonly o: PlexTvOptions) {
    this.rng = new Rng(hashSeed(o.seed, 'plextv'));
    const router = new Router()
      .add('POST', '/api/v2/pins', (req) => this.createPin(req))
      .add('PUT', '/api/v2/pins/link', (req) => this.linkPin(req))
      .add('GET', '/api/v2/pins/{id}', (req, [id]) => this.pollPin(req, id!))
      .add('GET', '/api/v2/user', (req) => this.userInfo(req))
      .add('GET', '/api/v2/ping', (req) => this.ping(req))
      .add('GET', '/api/v2/resources', (req) => this.resources(req))
      .add('GET', '/api/v2/pins/qr/{code}', (_req, [code]) => image(`qr/${code}`, 64, 64))
      .add('GET', '/users/{uuid}/avatar', (_req, [uuid]) => image(`avatar/${uuid}`, 48, 48))
      .add('GET', '/auth', () => this.authPage())
      .add('POST', '/auth/approve', (req) => this.authApprove(req));
    this.service = new HttpService(router, {
      name: 'plextv',
      log: o.log,
      faults: o.faults,
      commonHeaders: { 'Cache-Control': 'no-cache' },
      notFound: (req) => this.error(req, 404, { code: 1020, message: 'Not found', status: 404 }),
      control: o.control,
    });
  }

  get url(): string {
    return this.service.url;
  }

  /** The user approving the PIN in the browser: the next poll returns a fresh account token. */
  approvePin(idOrCode: number | string, token?: string): Pin {
    const pin = this.findPin(idOrCode);
    if (!pin) throw new Error(`no PIN ${idOrCode}`);
    if (token === undefined) pin.authToken = this.o.accounts.mint();
    else {
      this.o.accounts.restore(token);
      pin.authToken = token;
    }
    return pin;
  }

  /** Makes the PIN expire now (to test expiry without waiting 15 minutes). */
  expirePin(idOrCode: number | string): Pin {
    const pin = this.findPin(idOrCode);
    if (!pin) throw new Error(`no PIN ${idOrCode}`);
    pin.expiresAt = this.o.clock() - 1;
    return pin;
  }

  findPin(idOrCode: number | string): Pin | undefined {
    const asNumber =
      typeof idOrCode === 'number' ? idOrCode : /^\d+$/.test(idOrCode) ? Number(idOrCode) : undefined;
    if (asNumber !== undefined && this.pins.has(asNumber)) return this.pins.get(asNumber);
    return [...this.pins.values()].find((p) => p.code.toLowerCase() === String(idOrCode).toLowerCase());
  }

  // ---- endpoints -------------------------------------------------------------------------------------

  private reply(req: FakeRequest, status: number, value: unknown, xmlName: string): Reply {
    if (req.wantsJson)
      return {
        status,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(value),
      };
    return {
      status,
      headers: { 'Content-Type': 'application/xml; charset=utf-8' },
      body: objectToXml(xmlName, value),
    };
  }

  private error(
    req: FakeRequest,
    status: number,
    error: { code: number; message: string; status: number },
  ): Reply {
    if (req.wantsJson)
      return {
        status,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ errors: [error] }),
      };
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<errors>\n  <error code="${error.code}" message="${error.message}" status="${error.status}"/>\n</errors>\n`;
    return { status, headers: { 'Content-Type': 'application/xml; charset=utf-8' }, body };
  }

  private plexError(req: FakeRequest, code: keyof typeof ERRORS): Reply {
    const e = ERRORS[code];
    return this.error(req, e.status, { code, message: e.message, status: e.status });
  }

  private clientId(req: FakeRequest): string | undefined {
    return headerValue(req.headers, 'x-plex-client-identifier') ?? req.query.get('X-Plex-Client-Identifier');
  }

  private createPin(req: FakeRequest): Reply {
    const clientIdentifier = this.clientId(req);
    if (!clientIdentifier) return this.plexError(req, 1000);
    const form = new QueryParams(req.body);
    const strongValue = req.query.get('strong') ?? form.get('strong');
    const strong = strongValue === 'true' || strongValue === '1';
    const now = this.o.clock();
    const pin: Pin = {
      id: this.rng.int(1_000_000_000, 2_100_000_000),
      code: strong ? this.rng.alnum(25) : this.rng.alnum(4, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'),
      strong,
      product: headerValue(req.headers, 'x-plex-product') ?? req.query.get('X-Plex-Product') ?? '',
      clientIdentifier,
      createdAt: now,
      expiresAt: now + (strong ? 1800 : 900) * 1000,
      authToken: null,
    };
    this.pins.set(pin.id, pin);
    return this.reply(req, 201, this.pinBody(pin), 'pin');
  }

  private pollPin(req: FakeRequest, id: string): Reply {
    if (!this.clientId(req)) return this.plexError(req, 1000);
    const pin = /^\d+$/.test(id) ? this.pins.get(Number(id)) : undefined;
    const now = this.o.clock();
    if (!pin || now >= pin.expiresAt) return this.plexError(req, 1020);
    const min = this.o.pinMinPollIntervalMs;
    if (min && pin.lastPolledAt !== undefined && now - pin.lastPolledAt < min) {
      pin.lastPolledAt = now;
      return this.plexError(req, 1003);
    }
    pin.lastPolledAt = now;
    return this.reply(req, 200, this.pinBody(pin), 'pin');
  }

  /** `PUT /api/v2/pins/link` (form `code`): a signed-in account links a 4-character code. */
  private linkPin(req: FakeRequest): Reply {
    if (!this.o.accounts.isValid(req.token)) return this.plexError(req, 1001);
    const code = new QueryParams(req.body).get('code') ?? req.query.get('code');
    const pin = code ? this.findPin(code) : undefined;
    if (!pin || this.o.clock() >= pin.expiresAt) return this.plexError(req, 1020);
    this.approvePin(pin.id);
    return { status: 204 };
  }

  private pinBody(pin: Pin): Record<string, unknown> {
    return {
      id: pin.id,
      code: pin.code,
      product: pin.product,
      trusted: false,
      qr: `${this.url}/api/v2/pins/qr/${pin.code}`,
      clientIdentifier: pin.clientIdentifier,
      location: {
        code: 'US',
        continent_code: 'NA',
        country: 'United States',
        city: 'Testville',
        time_zone: 'America/New_York',
        postal_code: '00000',
        european_union_member: false,
        in_privacy_restricted_country: false,
        in_privacy_restricted_region: false,
        subdivisions: 'Test State',
        coordinates: '0.0, 0.0',
      },
      expiresIn: Math.max(0, Math.round((pin.expiresAt - this.o.clock()) / 1000)),
      createdAt: iso(pin.createdAt),
      expiresAt: iso(pin.expiresAt),
      authToken: pin.authToken,
      newRegistration: null,
    };
  }

  private userInfo(req: FakeRequest): Reply {
    if (!this.clientId(req)) return this.plexError(req, 1000);
    if (!this.o.accounts.isValid(req.token)) return this.plexError(req, 1001);
    const u = this.o.accounts.user;
    return this.reply(
      req,
      200,
      {
        id: u.id,
        uuid: u.uuid,
        username: u.username,
        title: u.title,
        email: u.email,
        friendlyName: u.friendlyName,
        locale: null,
        confirmed: true,
        joinedAt: 1_500_000_000,
        emailOnlyAuth: false,
        hasPassword: true,
        protected: false,
        thumb: `${this.url}${u.avatarPath}`,
        authToken: req.token,
        mailingListStatus: 'active',
        mailingListActive: false,
        scrobbleTypes: '',
        country: 'US',
        restricted: false,
        anonymous: null,
        home: false,
        guest: false,
        homeSize: 1,
        homeAdmin: true,
        maxHomeSize: 15,
        rememberExpiresAt: Math.floor(this.o.clock() / 1000) + 14 * 86_400,
        twoFactorEnabled: false,
        backupCodesCreated: false,
        subscription: {
          active: true,
          subscribedAt: '2019-01-01T00:00:00Z',
          status: 'Active',
          paymentService: null,
          plan: 'lifetime',
          features: [],
        },
        profile: {
          autoSelectAudio: true,
          defaultAudioLanguage: 'en',
          defaultSubtitleLanguage: 'en',
          autoSelectSubtitle: 1,
          defaultSubtitleAccessibility: 0,
          defaultSubtitleForced: 1,
        },
        entitlements: [],
        roles: [],
        services: [],
      },
      'user',
    );
  }

  private ping(req: FakeRequest): Reply {
    if (!this.clientId(req)) return this.plexError(req, 1000);
    if (!this.o.accounts.isValid(req.token)) return this.plexError(req, 1001);
    return this.reply(req, 200, { pong: true }, 'pong');
  }

  private resources(req: FakeRequest): Reply {
    if (!this.clientId(req)) return this.plexError(req, 1000);
    if (!this.o.accounts.isValid(req.token)) return this.plexError(req, 1001);
    const https = req.query.flag('includeHttps');
    const relay = req.query.flag('includeRelay');
    const ipv6 = req.query.flag('includeIPv6');
    const devices: Array<Record<string, unknown>> = [];
    const server = (pms: FakePms, extra: Record<string, unknown>): Record<string, unknown> => {
      const port = pms.service.port;
      const dead = this.o.deadPort;
      const connections: Array<Record<string, unknown>> = [
        // Unreachable first, so a client that does not race/fall back fails visibly.
        conn('http', LOOPBACK.local, dead, true, false),
        // The public address with no port forwarding: real plex.tv lists it as
        // https://a-b-c-d.<hash>.plex.direct:32400; plex.direct names need DNS, so the address itself.
        conn('https', LOOPBACK.remote, dead, false, false),
        conn('http', LOOPBACK.local, port, true, false, `http://127.0.0.1:${port}`),
      ];
      // Real plex.tv gives https://127-0-0-1.<hash>.plex.direct here (DNS again); https on the
      // address fails too (the certificate names plex.direct, here the port speaks plain http).
      if (https) connections.unshift(conn('https', LOOPBACK.local, port, true, false));
      if (ipv6)
        connections.push({
          ...conn('http', '::1', dead, true, false, `http://[::1]:${dead}`),
          IPv6: true,
        });
      if (relay) connections.push(conn('https', LOOPBACK.relay, dead, false, true));
      return {
        name: pms.friendlyName,
        product: 'Plex Media Server',
        productVersion: PMS_VERSION,
        platform: 'Linux',
        platformVersion: '6.1.0',
        device: 'PC',
        clientIdentifier: pms.machineIdentifier,
        createdAt: '2019-03-02T10:11:12Z',
        lastSeenAt: iso(this.o.clock() - 60_000),
        provides: 'server',
        ownerId: null,
        sourceTitle: null,
        publicAddress: LOOPBACK.remote,
        accessToken: req.token,
        owned: true,
        home: false,
        synced: false,
        relay: true,
        presence: true,
        httpsRequired: false,
        publicAddressMatches: true,
        dnsRebindingProtection: false,
        natLoopbackSupported: false,
        connections,
        ...extra,
      };
    };
    devices.push(server(this.o.pms, {}));
    if (this.o.sharedPms) {
      const shared = this.o.sharedPms;
      devices.push(
        server(shared.pms, {
          ownerId: 7_654_321,
          sourceTitle: 'friend_of_retro',
          accessToken: shared.token,
          owned: false,
          publicAddressMatches: false,
          relay: true,
        }),
      );
    }
    if (this.o.offlineServer) {
      const id = new Rng(hashSeed(this.o.seed, 'offline')).hex(40);
      devices.push({
        name: 'Old NAS',
        product: 'Plex Media Server',
        productVersion: '1.20.1.3252-a78fef9a9',
        platform: null,
        platformVersion: null,
        device: null,
        clientIdentifier: id,
        createdAt: '2016-01-01T00:00:00Z',
        lastSeenAt: '2021-06-01T00:00:00Z',
        provides: 'server',
        ownerId: null,
        sourceTitle: null,
        publicAddress: LOOPBACK.offline,
        accessToken: req.token,
        owned: true,
        home: false,
        synced: false,
        relay: false,
        presence: false,
        httpsRequired: false,
        publicAddressMatches: false,
        dnsRebindingProtection: false,
        natLoopbackSupported: false,
        connections: [
          conn('http', '127.0.0.1', this.o.deadPort, true, false, `http://127.0.0.1:${this.o.deadPort}`),
        ],
      });
    }
    devices.push({
      name: 'Living Room TV',
      product: 'Plex for Android (TV)',
      productVersion: '10.12.0.100',
      platform: 'Android',
      platformVersion: '11',
      device: 'SHIELD Android TV',
      clientIdentifier: new Rng(hashSeed(this.o.seed, 'player')).hex(16),
      createdAt: '2022-05-05T05:05:05Z',
      lastSeenAt: iso(this.o.clock() - 3_600_000),
      provides: 'player,pubsub-player,client',
      ownerId: null,
      sourceTitle: null,
      publicAddress: LOOPBACK.remote,
      accessToken: req.token,
      owned: true,
      home: false,
      synced: false,
      relay: false,
      presence: false,
      httpsRequired: false,
      publicAddressMatches: true,
      dnsRebindingProtection: false,
      natLoopbackSupported: false,
      connections: [conn('http', LOOPBACK.player, this.o.deadPort, true, false)],
    });
    if (req.wantsJson)
      return {
        status: 200,
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify(devices),
      };
    const node: XNode = {
      size: devices.length,
      Device: devices.map(({ connections, ...rest }) => ({
        ...(rest as XNode),
        Connection: (connections as XNode[]).map((c) => ({ ...c })),
      })),
    };
    return { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' }, body: toXml(node) };
  }

  /** A stand-in for app.plex.tv/auth: reads the fragment, lets a person (or a browser test) approve the PIN. */
  private authPage(): Reply {
    const body = `<!doctype html><html><head><meta charset="utf-8"><title>Fake Plex sign-in</title></head>
<body><h1>Fake Plex</h1><p id="what">Loading…</p><button id="approve" disabled>Approve</button><p id="done"></p>
<script>
const params = new URLSearchParams(location.hash.replace(/^#!?\\??/, ''));
const code = params.get('code'); const product = params.get('context[device][product]') || 'an app';
document.getElementById('what').textContent = code ? 'Allow ' + product + ' to access your account?' : 'No PIN code in the link.';
const button = document.getElementById('approve'); button.disabled = !code;
button.onclick = async () => {
  const res = await fetch('/auth/approve', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'code=' + encodeURIComponent(code) });
  document.getElementById('done').textContent = res.ok ? 'Approved. You can close this window.' : 'Failed: ' + res.status;
  const forward = params.get('forwardUrl'); if (res.ok && forward) location.href = forward;
};
</script></body></html>`;
    return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body };
  }

  private authApprove(req: FakeRequest): Reply {
    const code = new QueryParams(req.body).get('code') ?? req.query.get('code');
    const pin = code ? this.findPin(code) : undefined;
    if (!pin || this.o.clock() >= pin.expiresAt)
      return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'PIN not found or expired' };
    this.approvePin(pin.id);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'approved' };
  }
}

function conn(
  protocol: string,
  address: string,
  port: number,
  local: boolean,
  relay: boolean,
  uri?: string,
): Record<string, unknown> {
  return {
    protocol,
    address,
    port,
    uri: uri ?? `${protocol}://${address}:${port}`,
    local,
    relay,
    IPv6: false,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function image(identity: string, width: number, height: number): Reply {
  return { status: 200, headers: { 'Content-Type': 'image/png' }, body: fakePng(identity, width, height) };
}

/** Flat plex.tv v2 XML: scalars as attributes, objects/arrays as child elements. */
function objectToXml(name: string, value: unknown): string {
  const node: XNode = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') continue;
    node[key] = v as string | number | boolean;
  }
  return toXml(node).replace(/MediaContainer/g, name);
}
