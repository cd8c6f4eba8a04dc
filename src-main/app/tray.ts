// The tray icon and its menu, what Dropbox and Syncthing users expect at a glance: the state,
// progress while syncing, the next sync, the last changed titles, "N problems" (opens Errors),
// sync now, pause for a while or resume, the data folder, quit. The icon shows idle, syncing,
// error or needs login.
import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import type { HealthStatus } from '../../src-shared/service-events';
import type { SyncProgress } from '../../src-shared/sync-types';

export const TRAY_STATES = ['idle', 'syncing', 'error', 'login'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export interface TrayActions {
  open(): void;
  syncAll(): void;
  pause(): void;
  resume(): void;
  quit(): void;
  /** Opens the window on the Errors page. */
  openErrors?(): void;
  openDataFolder?(): void;
}

/** What the menu shows beside health: kept by the shell from the core's events. */
export interface TrayInfo {
  progress: SyncProgress[];
  /** Open errors. */
  problems: number;
  /** Newest first. */
  recentChanges: string[];
  /** While a timed pause runs: when syncing resumes by itself. */
  pausedUntil: number | null;
}

export const NO_TRAY_INFO: TrayInfo = { progress: [], problems: 0, recentChanges: [], pausedUntil: null };
const RECENT_SHOWN = 5;

export interface TrayController {
  update(health: HealthStatus, info?: Partial<TrayInfo>): void;
  /** Pauses now and resumes by itself at `until` (a timed pause); resuming by hand cancels it. */
  pauseUntil(until: number): void;
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

/** The soonest scheduled run of a selected library. */
export function nextSyncAt(health: HealthStatus): number | null {
  const times = health.libraries.map((l) => l.nextRunAt).filter((t): t is number => t !== null);
  return times.length > 0 ? Math.min(...times) : null;
}

/** Local midnight after `now`: "until tomorrow". */
export function tomorrow(now: number): number {
  const d = new Date(now);
  d.setHours(24, 0, 0, 0);
  return d.getTime();
}

function progressLabel(p: SyncProgress): string {
  if (p.total > 0)
    return `${p.libraryTitle}: ${p.done} of ${p.total} (${Math.floor((Math.min(p.done, p.total) / p.total) * 100)}%)`;
  return `${p.libraryTitle}: ${p.phase === 'sections' ? 'checking for changes' : `reading ${p.phase}`}…`;
}

export function trayMenuTemplate(
  health: HealthStatus | null,
  actions: TrayActions & { pauseFor?: (until: number) => void },
  now = Date.now(),
  info: TrayInfo = NO_TRAY_INFO,
): MenuItemConstructorOptions[] {
  const paused = health?.service === 'paused';
  const last = health ? lastSyncAt(health) : null;
  const next = health ? nextSyncAt(health) : null;
  const items: MenuItemConstructorOptions[] = [
    { id: 'open', label: 'Open RetroVue', click: () => actions.open() },
  ];
  if (info.progress.length) {
    items.push({ type: 'separator' });
    for (const p of info.progress)
      items.push({ id: `progress-${p.libraryId}`, label: progressLabel(p), enabled: false });
  }
  if (info.problems > 0 && actions.openErrors) {
    const openErrors = actions.openErrors;
    items.push({
      id: 'problems',
      label: `${info.problems} ${info.problems === 1 ? 'problem' : 'problems'}…`,
      click: () => openErrors(),
    });
  }
  items.push(
    { type: 'separator' },
    { id: 'sync-all', label: 'Sync all now', click: () => actions.syncAll() },
  );
  if (paused) {
    items.push({
      id: 'resume',
      label: info.pausedUntil
        ? `Resume syncing (paused until ${clock(info.pausedUntil, now)})`
        : 'Resume syncing',
      click: () => actions.resume(),
    });
  } else {
    items.push({ id: 'pause', label: 'Pause syncing', click: () => actions.pause() });
    if (actions.pauseFor) {
      const pauseFor = actions.pauseFor;
      items.push({
        id: 'pause-for',
        label: 'Pause for',
        submenu: [
          { id: 'pause-30m', label: '30 minutes', click: () => pauseFor(now + 30 * 60_000) },
          { id: 'pause-1h', label: '1 hour', click: () => pauseFor(now + 60 * 60_000) },
          { id: 'pause-tomorrow', label: 'Until tomorrow', click: () => pauseFor(tomorrow(now)) },
        ],
      });
    }
  }
  items.push(
    { type: 'separator' },
    {
      id: 'last-sync',
      label: last ? `Last sync: ${describeAgo(last, now)}` : 'Last sync: never',
      enabled: false,
    },
  );
  if (next !== null && !paused)
    items.push({ id: 'next-sync', label: `Next sync: ${clock(next, now)}`, enabled: false });
  if (info.recentChanges.length) {
    items.push({
      id: 'recent',
      label: 'Recently changed',
      submenu: info.recentChanges
        .slice(0, RECENT_SHOWN)
        .map((title, i) => ({ id: `recent-${i}`, label: title, enabled: false })),
    });
  }
  items.push({ type: 'separator' });
  if (actions.openDataFolder) {
    const openData = actions.openDataFolder;
    items.push({ id: 'data-folder', label: 'Open data folder', click: () => openData() });
  }
  items.push({ id: 'quit', label: 'Quit RetroVue', click: () => actions.quit() });
  return items;
}

function clock(at: number, now: number): string {
  const when = new Date(at);
  const sameDay = new Date(now).toDateString() === when.toDateString();
  return sameDay
    ? when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : when.toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });
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

export function createTray(
  assetsDir: string,
  actions: TrayActions,
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout; now: () => number } = {
    setTimeout,
    clearTimeout,
    now: Date.now,
  },
): TrayController {
  const images = new Map(TRAY_STATES.map((s) => [s, nativeImage.createFromPath(trayIconFile(assetsDir, s))]));
  let state: TrayState = 'idle';
  let health: HealthStatus | null = null;
  let info: TrayInfo = { ...NO_TRAY_INFO };
  let resumeTimer: ReturnType<typeof setTimeout> | null = null;
  const tray = new Tray(images.get(state)!);
  tray.setToolTip('RetroVue');
  tray.on('click', () => actions.open());

  const cancelTimedPause = () => {
    if (resumeTimer !== null) timers.clearTimeout(resumeTimer);
    resumeTimer = null;
    info = { ...info, pausedUntil: null };
  };
  const controller: TrayController = {
    get state() {
      return state;
    },
    update(next, extra) {
      // Resumed elsewhere (the window, the CLI): the timed pause is over.
      if (health?.service === 'paused' && next.service !== 'paused' && resumeTimer !== null)
        cancelTimedPause();
      health = next;
      if (extra) info = { ...info, ...extra };
      if (health) {
        const s = trayStateOf(health);
        if (s !== state) {
          state = s;
          tray.setImage(images.get(state)!);
        }
      }
      const words = { idle: 'up to date', syncing: 'syncing', error: 'problem', login: 'login needed' }[
        state
      ];
      tray.setToolTip(`RetroVue: ${health?.service === 'paused' ? 'paused' : words}`);
      tray.setContextMenu(
        Menu.buildFromTemplate(
          trayMenuTemplate(
            health,
            {
              ...actions,
              resume: () => {
                cancelTimedPause();
                actions.resume();
              },
              pauseFor: (until) => controller.pauseUntil(until),
            },
            timers.now(),
            info,
          ),
        ),
      );
    },
    pauseUntil(until) {
      cancelTimedPause();
      actions.pause();
      info = { ...info, pausedUntil: until };
      resumeTimer = timers.setTimeout(
        () => {
          resumeTimer = null;
          info = { ...info, pausedUntil: null };
          actions.resume();
        },
        Math.max(0, until - timers.now()),
      );
      if (health) controller.update(health);
    },
    destroy: () => {
      cancelTimedPause();
      tray.destroy();
    },
  };
  tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(null, actions, timers.now(), info)));
  return controller;
}
