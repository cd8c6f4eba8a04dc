// The tray menu with the stand-in electron module: progress, problems, next sync, recent titles,
// the timed pause that resumes by itself, and the data folder.
import { describe, expect, it, vi } from 'vitest';
import type { HealthStatus } from '../../src-shared/service-events';
import * as fake from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electron);

const { createTray, tomorrow } = await import('../../src-main/app/tray');

const now = new Date(2026, 11, 1, 14, 0, 0).getTime();
const health = (patch: Partial<HealthStatus> = {}): HealthStatus => ({
  ok: true,
  state: 'ok',
  reasons: [],
  service: 'running',
  startedAt: now,
  heartbeatAt: now,
  account: null,
  servers: [],
  libraries: [
    {
      libraryId: 1,
      title: 'Movies',
      lastSuccessAt: now - 5 * 60_000,
      lastStatus: 'succeeded',
      nextRunAt: now + 3_600_000,
    },
  ],
  queue: [],
  databaseOk: true,
  checkedAt: now,
  ...patch,
});

type Item = { id?: string; label?: string; click?: () => void; submenu?: Item[]; enabled?: boolean };

function setup() {
  const calls: string[] = [];
  let timer: { fn: () => void; ms: number } | null = null;
  const controller = createTray(
    '/assets',
    {
      open: () => calls.push('open'),
      syncAll: () => calls.push('syncAll'),
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
      quit: () => calls.push('quit'),
      openErrors: () => calls.push('openErrors'),
      openDataFolder: () => calls.push('openDataFolder'),
    },
    {
      setTimeout: ((fn: () => void, ms: number) => {
        timer = { fn, ms };
        return 1;
      }) as unknown as typeof setTimeout,
      clearTimeout: (() => {
        timer = null;
      }) as typeof clearTimeout,
      now: () => now,
    },
  );
  const tray = fake.Tray.instances.at(-1)!;
  const items = () => (tray.menu?.items ?? []) as Item[];
  const item = (id: string) => {
    const all = items().flatMap((i) => [i, ...(i.submenu ?? [])]);
    return all.find((i) => i.id === id);
  };
  return { controller, calls, item, items, timer: () => timer };
}

describe('tray menu', () => {
  it('shows progress, problems, the next sync and the last changed titles', () => {
    const t = setup();
    t.controller.update(health(), {
      progress: [
        {
          runId: 1,
          serverId: 1,
          libraryId: 1,
          libraryTitle: 'Movies',
          phase: 'details',
          done: 40,
          total: 160,
          itemsPerSecond: 9,
          etaSeconds: 13,
          currentTitle: null,
        },
        {
          runId: 2,
          serverId: 1,
          libraryId: 2,
          libraryTitle: 'TV Shows',
          phase: 'sections',
          done: 0,
          total: 0,
          itemsPerSecond: 0,
          etaSeconds: null,
          currentTitle: null,
        },
      ],
      problems: 3,
      recentChanges: ['Amélie', 'Harbor · Pilot'],
    });
    expect(t.item('progress-1')?.label).toBe('Movies: 40 of 160 (25%)');
    expect(t.item('progress-2')?.label).toBe('TV Shows: checking for changes…');
    expect(t.item('problems')?.label).toBe('3 problems…');
    t.item('problems')!.click!();
    expect(t.calls).toContain('openErrors');
    expect(t.item('next-sync')?.label).toMatch(/^Next sync: (15:00|03:00 PM)$/);
    expect(t.item('last-sync')?.label).toBe('Last sync: 5 min ago');
    expect(t.item('recent')?.submenu?.map((i) => i.label)).toEqual(['Amélie', 'Harbor · Pilot']);
    t.item('data-folder')!.click!();
    expect(t.calls).toContain('openDataFolder');
  });

  it('pauses for 30 minutes and resumes by itself; resuming by hand cancels the timer', () => {
    const t = setup();
    t.controller.update(health());
    t.item('pause-30m')!.click!();
    expect(t.calls).toEqual(['pause']);
    expect(t.timer()?.ms).toBe(30 * 60_000);
    t.controller.update(health({ service: 'paused' }));
    // The clock is the system locale's (24 h or AM/PM).
    expect(t.item('resume')?.label).toMatch(/^Resume syncing \(paused until (14:30|02:30 PM)\)$/);
    t.timer()!.fn();
    expect(t.calls).toEqual(['pause', 'resume']);

    t.controller.update(health());
    t.item('pause-1h')!.click!();
    expect(t.timer()?.ms).toBe(60 * 60_000);
    t.controller.update(health({ service: 'paused' }));
    t.item('resume')!.click!();
    expect(t.timer()).toBeNull();
    expect(t.calls).toEqual(['pause', 'resume', 'pause', 'resume']);
  });

  it('"until tomorrow" runs to local midnight', () => {
    expect(new Date(tomorrow(now)).getHours()).toBe(0);
    expect(tomorrow(now) - now).toBe(10 * 3_600_000);
    const t = setup();
    t.controller.update(health());
    t.item('pause-tomorrow')!.click!();
    expect(t.timer()?.ms).toBe(10 * 3_600_000);
  });
});
