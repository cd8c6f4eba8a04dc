// The tray icon and its menu: open the window, sync everything now, pause or resume, the last sync
// time, quit. The icon shows the state: idle, syncing, error, or needs login.
import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { HealthStatus } from '../../src-shared/service-events';

export const TRAY_STATES = ['idle', 'syncing', 'error', 'login'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export interface TrayActions {
  open(): void;
  syncAll(): void;
  pause(): void;
  resume(): void;
  quit(): void;
}

export interface TrayController {
  update(health: HealthStatus): void;
  readonly state: TrayState;
  destroy(): void;
}

export function trayIconFile(assetsDir: string, state: TrayState): string {
  return join(assetsDir, 'tray', `tray-${state}.png`);
}

export function trayStateOf(health: HealthStatus): TrayState {
  if (health.account?.needsLogin || health.servers.some((s) => s.needsLogin)) return 'login';
  if (health.queue.some((q) => q.status === 'running')) return 'syncing';
  if (!health.ok) return 'error';
  return 'idle';
}

/** The newest successful sync over all libraries. */
export function lastSyncAt(health: HealthStatus): number | null {
  const times = health.libraries.map((l) => l.lastSuccessAt).filter((t): t is number => t !== null);
  return times.length > 0 ? Math.max(...times) : null;
}

export function trayMenuTemplate(
  health: HealthStatus | null,
  actions: TrayActions,
  now = Date.now(),
): MenuItemConstructorOptions[] {
  const paused = health?.service === 'paused';
  const last = health ? lastSyncAt(health) : null;
  return [
    { id: 'open', label: 'Open RetroVue', click: () => actions.open() },
    { id: 'sync-all', label: 'Sync all now', click: () => actions.syncAll() },
    paused
      ? { id: 'resume', label: 'Resume syncing', click: () => actions.resume() }
      : { id: 'pause', label: 'Pause syncing', click: () => actions.pause() },
    { type: 'separator' },
    {
      id: 'last-sync',
      label: last ? `Last sync: ${describeAgo(last, now)}` : 'Last sync: never',
      enabled: false,
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit RetroVue', click: () => actions.quit() },
  ];
}

function describeAgo(at: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - at) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const when = new Date(at);
  const sameDay = new Date(now).toDateString() === when.toDateString();
  return sameDay
    ? when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : when.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

export function createTray(assetsDir: string, actions: TrayActions): TrayController {
  const images = new Map(TRAY_STATES.map((s) => [s, nativeImage.createFromPath(trayIconFile(assetsDir, s))]));
  let state: TrayState = 'idle';
  const tray = new Tray(images.get(state)!);
  tray.setToolTip('RetroVue');
  tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(null, actions)));
  tray.on('click', () => actions.open());
  return {
    get state() {
      return state;
    },
    update(health) {
      const next = trayStateOf(health);
      if (next !== state) {
        state = next;
        tray.setImage(images.get(state)!);
      }
      tray.setToolTip(
        `RetroVue: ${{ idle: 'up to date', syncing: 'syncing', error: 'problem', login: 'login needed' }[state]}`,
      );
      tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(health, actions)));
    },
    destroy: () => tray.destroy(),
  };
}
