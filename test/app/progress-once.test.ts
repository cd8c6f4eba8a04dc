// Every progress snapshot of a real sync crosses to the renderer once: one `service:event` per
// snapshot on the Electron window's event channel and on the web mode's socket, and one store
// update request in the renderer per message (before, each went as `sync:progress` too, and the
// renderer applied both).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { forwardEventsToWindow } from '../../src-main/app/ipc';
import { startWebServer, type WebServer } from '../../src-main/web/web-server';
import { createAppStores } from '../../src-renderer/stores';
import { connectEvents } from '../../src-renderer/stores/events';
import {
  IPC_EVENT_CHANNEL,
  type EventMap,
  type EventName,
  type RetroVueApi,
} from '../../src-shared/ipc/contract';
import type { ServiceEvent } from '../../src-shared/service-events';
import type { SyncProgress } from '../../src-shared/sync-types';
import { startCore, type CoreFixture } from './core-helpers';

let f: CoreFixture | null = null;
let web: WebServer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await web?.close();
  web = null;
  await f?.close();
  f = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The window as the forwarder sees it; what the preload would hand the renderer, by event name. */
function fakeWindow() {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const sent: { channel: string; event: EventName; payload: unknown }[] = [];
  const win = {
    isDestroyed: () => false,
    webContents: {
      isDestroyed: () => false,
      send(channel: string, event: EventName, payload: unknown) {
        sent.push({ channel, event, payload });
        for (const l of listeners.get(event) ?? []) l(payload);
      },
    },
  };
  const api: RetroVueApi = {
    invoke: (() => new Promise(() => undefined)) as RetroVueApi['invoke'],
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  return { win, sent, api };
}

const isProgress = (e: { event: EventName; payload: unknown }) =>
  e.event === 'service:event' && (e.payload as ServiceEvent).type === 'progress';

describe('progress crosses to the renderer once', () => {
  it('one message per snapshot on the window and the socket, one renderer update per message', async () => {
    f = await startCore({
      fake: { movies: 300, shows: 0, episodes: 0 },
      env: { RETROVUE_BATCH_SIZE: '20', RETROVUE_RETRY_ATTEMPTS: '0' },
      server: true,
    });
    const { win, sent, api } = fakeWindow();
    const stopWindow = forwardEventsToWindow(f.core.events, () => win as never);

    const rendererDir = mkdtempSync(join(tmpdir(), 'retrovue-progress-'));
    dirs.push(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    web = await startWebServer({
      handlers: f.core.handlers,
      events: f.core.events,
      rendererDir,
      port: 0,
      accessToken: 'progress-token',
    });
    const socket = new WebSocket(`ws://127.0.0.1:${web.port}/ws?access=progress-token`);
    const overSocket: { event: EventName; payload: unknown }[] = [];
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { event?: EventName; payload?: unknown };
      if (m.event) overSocket.push({ event: m.event, payload: m.payload });
    });
    await new Promise<void>((resolve, reject) => socket.once('open', resolve).once('error', reject));

    const stores = createAppStores(api);
    const applied: SyncProgress[] = [];
    stores.libraries.setState({ pushProgress: (p) => applied.push(p) });
    const disconnect = connectEvents(stores);

    const movies = (await f.value('libraries:list', {})).find((l) => l.type === 'movie')!;
    const finished = f.waitForEvent(
      'service:event',
      (e) => e.type === 'finished' && e.result.libraryId === movies.id,
      60_000,
    );
    await f.value('libraries:select', { libraryIds: [movies.id], selected: true });
    const done = await finished;
    expect(done.type === 'finished' && done.result.status).toBe('succeeded');
    // The socket's messages are in flight a moment longer than the window's.
    const snapshots = f.events.filter(isProgress);
    await expect.poll(() => overSocket.filter(isProgress).length, { timeout: 5000 }).toBe(snapshots.length);

    // 300 movies in pages of 20: several ticks, far fewer than one per movie.
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    expect(snapshots.length).toBeLessThan(300);
    const windowProgress = sent.filter(isProgress);
    expect(windowProgress.map((e) => e.payload)).toEqual(snapshots.map((e) => e.payload));
    expect(sent.every((e) => e.channel === IPC_EVENT_CHANNEL)).toBe(true);
    expect(overSocket.filter(isProgress).map((e) => e.payload)).toEqual(snapshots.map((e) => e.payload));
    // No second copy under another name: every message that carries a snapshot is a progress event.
    const carriesProgress = (p: unknown) =>
      typeof p === 'object' && p !== null && 'runId' in p && 'phase' in p && 'done' in p;
    expect(sent.filter((e) => carriesProgress(e.payload))).toEqual([]);
    expect(overSocket.filter((e) => carriesProgress(e.payload))).toEqual([]);
    expect(applied).toEqual(
      snapshots.map((e) => (e.payload as Extract<ServiceEvent, { type: 'progress' }>).progress),
    );
    expect(applied.at(-1)).toMatchObject({ phase: 'done', libraryId: movies.id });

    disconnect();
    stopWindow();
    socket.close();
  }, 90_000);
});
