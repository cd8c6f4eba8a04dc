import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TIMELINE_STATE, startFakePlex, type FakePlex } from './index';

let fake: FakePlex;

beforeAll(async () => {
  fake = await startFakePlex({ seed: 9, movies: 5, shows: 2, episodes: 6, gdm: true });
});
afterAll(() => fake.stop());

interface Notification {
  NotificationContainer: {
    type: string;
    size: number;
    TimelineEntry?: Array<Record<string, unknown>>;
    ActivityNotification?: Array<Record<string, unknown>>;
  };
}

async function connect(
  path: string,
  token: string | undefined,
): Promise<{ ws: WebSocket; messages: Notification[] }> {
  const url = `${fake.pmsUrl.replace('http', 'ws')}${path}${token ? `?X-Plex-Token=${token}` : ''}`;
  const ws = new WebSocket(url);
  const messages: Notification[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Notification));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('notifications websocket', () => {
  it('refuses connections without a valid token', async () => {
    await expect(connect('/:/websockets/notifications', undefined)).rejects.toThrow(/401/);
    await expect(connect('/:/websockets/notifications', 'wrong')).rejects.toThrow(/401/);
  });

  it('pushes timeline entries for added (0 then 5), changed (5) and deleted (9) items on both spellings', async () => {
    const a = await connect('/:/websockets/notifications', fake.token);
    const b = await connect('/:/websocket/notifications', fake.token);
    try {
      const movie = fake.control.addMovie({ title: 'Socket Movie' });
      fake.control.change(movie.ratingKey, { title: 'Socket Movie 2' });
      fake.control.delete(movie.ratingKey);
      await until(() => a.messages.length >= 4 && b.messages.length >= 4);
      const entries = a.messages
        .map((m) => m.NotificationContainer)
        .filter((c) => c.type === 'timeline')
        .flatMap((c) => c.TimelineEntry!);
      const mine = entries.filter((e) => e.itemID === movie.ratingKey);
      expect(mine.map((e) => e.state)).toEqual([
        TIMELINE_STATE.created,
        TIMELINE_STATE.done,
        TIMELINE_STATE.done,
        TIMELINE_STATE.deleted,
      ]);
      expect(mine[0]).toMatchObject({
        identifier: 'com.plexapp.plugins.library',
        sectionID: '1',
        type: 1,
        title: 'Socket Movie',
        metadataState: 'created',
      });
      expect(typeof mine[0]!.updatedAt).toBe('number');
      expect(b.messages.length).toBe(a.messages.length);
    } finally {
      a.ws.close();
      b.ws.close();
    }
  });

  it('sends episode entries with parent ids, and scan activity events', async () => {
    const { ws, messages } = await connect('/:/websockets/notifications', fake.token);
    try {
      const show = fake.control.snapshot().items.find((i) => i.type === 'show')!;
      const episode = fake.control.addEpisode({ showKey: show.ratingKey });
      fake.control.scan(2);
      await until(() => messages.filter((m) => m.NotificationContainer.type === 'activity').length >= 3);
      const timeline = messages.flatMap((m) => m.NotificationContainer.TimelineEntry ?? []);
      expect(timeline.find((e) => e.itemID === episode.ratingKey)).toMatchObject({
        type: 4,
        sectionID: '2',
        rootItemID: show.ratingKey,
      });
      const activity = messages.flatMap((m) => m.NotificationContainer.ActivityNotification ?? []);
      expect(activity.map((a) => a.event)).toEqual(['started', 'updated', 'ended']);
      expect(activity[0]).toMatchObject({
        Activity: { type: 'library.update.section', Context: { librarySectionID: '2' } },
      });
    } finally {
      ws.close();
    }
  });

  it('also triggers a scan from /library/sections/{id}/refresh', async () => {
    const { ws, messages } = await connect('/:/websockets/notifications', fake.token);
    try {
      const res = await fetch(`${fake.pmsUrl}/library/sections/1/refresh`, {
        headers: { 'X-Plex-Token': fake.token },
      });
      expect(res.status).toBe(200);
      await until(() => messages.length >= 3);
      expect(messages.every((m) => m.NotificationContainer.type === 'activity')).toBe(true);
    } finally {
      ws.close();
    }
  });
});

describe('dropping notification sockets', () => {
  it('closes every socket while the server stays up, and clients can reconnect', async () => {
    fake.control.dropNotificationSockets();
    const { ws } = await connect('/:/websockets/notifications', fake.token);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    expect(fake.control.notificationClients()).toBe(1);
    expect(fake.control.dropNotificationSockets()).toBe(1);
    await closed;
    expect(fake.control.notificationClients()).toBe(0);
    const again = await connect('/:/websocket/notifications', fake.token);
    expect(fake.control.notificationClients()).toBe(1);
    again.ws.close();
  });
});

describe('GDM', () => {
  it('answers M-SEARCH on loopback with the PMS block, unicast to the sender', async () => {
    const socket = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
      const reply = new Promise<{ text: string; port: number }>((resolve) =>
        socket.once('message', (msg, rinfo) => resolve({ text: msg.toString('utf8'), port: rinfo.port })),
      );
      socket.send(Buffer.from('M-SEARCH * HTTP/1.0'), fake.gdmPort!, '127.0.0.1');
      const { text, port } = await reply;
      expect(port).toBe(fake.gdmPort);
      const lines = text.split('\r\n');
      expect(lines[0]).toBe('HTTP/1.0 200 OK');
      const headers = Object.fromEntries(
        lines
          .slice(1)
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
      );
      expect(headers).toMatchObject({
        'Content-Type': 'plex/media-server',
        'Resource-Identifier': fake.machineIdentifier,
        Name: fake.serverName,
        Port: new URL(fake.pmsUrl).port,
      });
    } finally {
      socket.close();
    }
  });

  it('ignores datagrams that are not M-SEARCH', async () => {
    const socket = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
      let got = false;
      socket.on('message', () => (got = true));
      socket.send(Buffer.from('HELLO'), fake.gdmPort!, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 200));
      expect(got).toBe(false);
    } finally {
      socket.close();
    }
  });
});
