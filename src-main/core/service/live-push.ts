// Live push: one notifications websocket per watched Plex server. Timeline entries (item
// created/finished/deleted) and finished section-scan activities mark their library as changed;
// a per-library debounce turns a burst (a big Plex scan) into one call. A dropped socket reconnects
// with exponential backoff and jitter; what happened meanwhile is the schedule's job.
import WebSocket from 'ws';
import { z } from 'zod';
import { isAuthStatus } from '../errors/classify';
import { describeError } from '../errors/errors';
import { backoffDelay } from '../../../src-shared/backoff';
import type { ServerEndpoint } from '../discovery/server-access';
import { registerSecret } from '../logging/redact';
import type { Clock } from './scheduler';
import { systemClock } from './scheduler';

export interface WatchedServer {
  serverId: number;
  name: string;
}

export interface LivePushStatus {
  serverId: number;
  connected: boolean;
  /**
   * The server refused the socket (401/403). Plex serves notifications to its admin only, so a
   * shared server does this with a perfectly good token: live updates are off for it, schedules
   * still run, and token health is judged by the API calls of the sync instead.
   */
  refused: boolean;
  lastError: string | null;
  lastMessageAt: number | null;
  reconnects: number;
}

export interface LivePushOptions {
  /** The servers to watch right now; re-read by `refresh()`. */
  servers: () => WatchedServer[];
  serverAccess: (serverId: number) => Promise<ServerEndpoint>;
  /** A library section changed on a server (after debouncing). */
  onSectionChanged: (serverId: number, sectionKey: string) => void;
  /** The server refused the socket (see LivePushStatus.refused). */
  onRefused?: (serverId: number, message: string) => void;
  /** Identity headers (X-Plex-Client-Identifier, ...). Never the token: it is added here. */
  headers?: Record<string, string>;
  debounceMs: () => number;
  /** A change is never held longer than this, however long the burst goes on. */
  maxWaitMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  pingIntervalMs?: number;
  clock?: Clock;
  random?: () => number;
  log?: (level: 'debug' | 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
}

/** PMS spellings of the endpoint; which one a server accepts varies, so both are tried. */
export const NOTIFICATION_PATHS = ['/:/websockets/notifications', '/:/websocket/notifications'] as const;

/** Timeline states that mean "the item is now different": created, finished processing, deleted. */
const CHANGE_STATES = new Set([0, 5, 9]);
/** Plex metadata types that live in movie and show sections. */
const VIDEO_TYPES = new Set([1, 2, 3, 4]);

const idLike = z.union([z.string(), z.number()]).transform(String);
const notificationSchema = z.object({
  NotificationContainer: z.object({
    type: z.string(),
    TimelineEntry: z
      .array(
        z.object({
          sectionID: idLike.optional(),
          type: z.number().optional(),
          state: z.number().optional(),
          identifier: z.string().optional(),
        }),
      )
      .optional(),
    ActivityNotification: z
      .array(
        z.object({
          event: z.string().optional(),
          Activity: z
            .object({
              type: z.string().optional(),
              Context: z.object({ librarySectionID: idLike.optional() }).optional(),
            })
            .optional(),
        }),
      )
      .optional(),
  }),
});

/** The section keys a notification says changed; empty for anything else. Throws on malformed JSON. */
export function changedSections(raw: string): string[] {
  const parsed = notificationSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) return [];
  const c = parsed.data.NotificationContainer;
  const keys = new Set<string>();
  if (c.type === 'timeline') {
    for (const e of c.TimelineEntry ?? []) {
      if (e.sectionID === undefined || e.sectionID === '' || e.sectionID === '-1') continue;
      if (e.identifier !== undefined && e.identifier !== 'com.plexapp.plugins.library') continue;
      if (e.type !== undefined && !VIDEO_TYPES.has(e.type)) continue;
      if (e.state !== undefined && !CHANGE_STATES.has(e.state)) continue;
      keys.add(e.sectionID);
    }
  } else if (c.type === 'activity') {
    for (const n of c.ActivityNotification ?? []) {
      const section = n.Activity?.Context?.librarySectionID;
      if (n.event === 'ended' && n.Activity?.type === 'library.update.section' && section) keys.add(section);
    }
  }
  return [...keys];
}

interface Connection {
  server: WatchedServer;
  socket: WebSocket | null;
  retryTimer: unknown;
  pingTimer: unknown;
  awaitingPong: boolean;
  attempts: number;
  pathIndex: number;
  status: LivePushStatus;
  closed: boolean;
}

export class LivePush {
  private readonly connections = new Map<number, Connection>();
  private readonly pending = new Map<string, { timer: unknown; firstAt: number }>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private running = false;

  constructor(private readonly opts: LivePushOptions) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
  }

  start(): void {
    this.running = true;
    this.refresh();
  }

  /** Opens sockets for newly watched servers and closes those no longer watched. */
  refresh(): void {
    if (!this.running) return;
    const wanted = new Map(this.opts.servers().map((s) => [s.serverId, s]));
    for (const [id, conn] of this.connections) {
      if (!wanted.has(id)) this.close(conn);
    }
    for (const server of wanted.values()) {
      if (this.connections.has(server.serverId)) continue;
      const conn: Connection = {
        server,
        socket: null,
        retryTimer: null,
        pingTimer: null,
        awaitingPong: false,
        attempts: 0,
        pathIndex: 0,
        closed: false,
        status: {
          serverId: server.serverId,
          connected: false,
          refused: false,
          lastError: null,
          lastMessageAt: null,
          reconnects: 0,
        },
      };
      this.connections.set(server.serverId, conn);
      void this.connect(conn);
    }
  }

  /** After a sleep the sockets are usually dead without knowing it: start them over now. */
  reconnectAll(): void {
    for (const conn of this.connections.values()) {
      if (conn.closed) continue;
      conn.attempts = 0;
      this.clearTimers(conn);
      if (conn.socket) conn.socket.terminate();
      else void this.connect(conn);
    }
  }

  stop(): void {
    this.running = false;
    for (const conn of this.connections.values()) this.close(conn);
    for (const p of this.pending.values()) this.clock.clearTimeout(p.timer);
    this.pending.clear();
  }

  status(): LivePushStatus[] {
    return [...this.connections.values()].map((c) => ({ ...c.status }));
  }

  private close(conn: Connection): void {
    conn.closed = true;
    this.clearTimers(conn);
    conn.socket?.removeAllListeners();
    conn.socket?.on('error', () => {});
    conn.socket?.terminate();
    conn.socket = null;
    conn.status.connected = false;
    this.connections.delete(conn.server.serverId);
  }

  private clearTimers(conn: Connection): void {
    if (conn.retryTimer !== null) this.clock.clearTimeout(conn.retryTimer);
    if (conn.pingTimer !== null) this.clock.clearTimeout(conn.pingTimer);
    conn.retryTimer = null;
    conn.pingTimer = null;
  }

  private async connect(conn: Connection): Promise<void> {
    if (conn.closed) return;
    let access: ServerEndpoint;
    try {
      access = await this.opts.serverAccess(conn.server.serverId);
    } catch (err) {
      this.failed(conn, `no access to the server: ${describeError(err)}`);
      return;
    }
    if (conn.closed) return;
    registerSecret(access.token);
    const path = NOTIFICATION_PATHS[conn.pathIndex % NOTIFICATION_PATHS.length]!;
    const url = new URL(path, access.baseUrl.replace(/^http/i, 'ws'));
    const socket = new WebSocket(url, {
      headers: { ...this.opts.headers, 'X-Plex-Token': access.token },
      handshakeTimeout: 10_000,
    });
    conn.socket = socket;

    socket.on('open', () => {
      conn.attempts = 0;
      conn.status.connected = true;
      conn.status.refused = false;
      conn.status.lastError = null;
      this.opts.log?.('info', 'live push connected', { serverId: conn.server.serverId, path });
      this.schedulePing(conn);
    });
    socket.on('message', (data) => {
      conn.status.lastMessageAt = this.clock.now();
      let sections: string[];
      try {
        sections = changedSections(data.toString());
      } catch {
        this.opts.log?.('debug', 'live push: ignored a message that is not JSON', {
          serverId: conn.server.serverId,
        });
        return;
      }
      for (const key of sections) this.changed(conn.server.serverId, key);
    });
    socket.on('pong', () => {
      conn.awaitingPong = false;
    });
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      // 498: an expired JWT token (Plex docs, "JWT Authentication"), refused like 401.
      if (isAuthStatus(status)) {
        if (!conn.status.refused) {
          this.opts.onRefused?.(
            conn.server.serverId,
            `the server refused its notifications socket (HTTP ${status}); live updates are off for it, schedules still run`,
          );
        }
        conn.status.refused = true;
      } else if (status === 404) {
        conn.pathIndex += 1;
      }
      conn.status.lastError = `notifications socket refused: HTTP ${status}`;
      socket.terminate();
    });
    socket.on('error', (err) => {
      conn.status.lastError = describeError(err);
    });
    socket.on('close', () => {
      const wasOpen = conn.status.connected;
      conn.status.connected = false;
      conn.socket = null;
      this.clearTimers(conn);
      if (conn.closed || !this.running) return;
      if (wasOpen) this.opts.log?.('warn', 'live push disconnected', { serverId: conn.server.serverId });
      this.retry(conn);
    });
  }

  private failed(conn: Connection, message: string): void {
    conn.status.lastError = message;
    conn.status.connected = false;
    this.retry(conn);
  }

  private retry(conn: Connection): void {
    if (conn.closed || !this.running) return;
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    // A refusal will not change quickly: wait the longest step.
    const attempt = conn.status.refused ? Number.POSITIVE_INFINITY : conn.attempts;
    const delay = backoffDelay(attempt, { initialMs, maxMs, jitter: 0.5 }, this.random);
    conn.attempts += 1;
    conn.status.reconnects += 1;
    conn.retryTimer = this.clock.setTimeout(() => {
      conn.retryTimer = null;
      void this.connect(conn);
    }, delay);
  }

  /** A ping the server does not answer before the next one means a dead socket. */
  private schedulePing(conn: Connection): void {
    const interval = this.opts.pingIntervalMs ?? 30_000;
    conn.pingTimer = this.clock.setTimeout(() => {
      conn.pingTimer = null;
      const socket = conn.socket;
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      if (conn.awaitingPong) {
        conn.status.lastError = 'no answer to ping';
        socket.terminate();
        return;
      }
      conn.awaitingPong = true;
      socket.ping();
      this.schedulePing(conn);
    }, interval);
  }

  private changed(serverId: number, sectionKey: string): void {
    const id = `${serverId}:${sectionKey}`;
    const now = this.clock.now();
    const existing = this.pending.get(id);
    if (existing) this.clock.clearTimeout(existing.timer);
    const firstAt = existing?.firstAt ?? now;
    const maxWait = this.opts.maxWaitMs ?? 30_000;
    const delay = Math.max(0, Math.min(this.opts.debounceMs(), firstAt + maxWait - now));
    const timer = this.clock.setTimeout(() => {
      this.pending.delete(id);
      this.opts.onSectionChanged(serverId, sectionKey);
    }, delay);
    this.pending.set(id, { timer, firstAt });
  }
}
