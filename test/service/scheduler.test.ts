import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src-shared/config-schema';
import { Scheduler } from '../../src-main/core/service/scheduler';
import { describeCron, nextRunTime } from '../../src-main/core/service/cron';
import { UserError } from '../../src-main/core/errors/errors';
import {
  listSchedules,
  type ScheduleWithLibrary,
} from '../../src-main/core/store/repositories/schedule-repository';
import { tempStore } from '../helpers/temp';
import { seedLibraries } from './fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// A Monday, 00:00:30 local time: cron times below are easy to reason about.
const START = new Date(2026, 0, 5, 0, 0, 30).getTime();

let cleanup: (() => void)[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(START);
});
afterEach(() => {
  vi.useRealTimers();
  cleanup.splice(0).forEach((c) => c());
  cleanup = [];
});

function setup(config: Partial<Config> = {}, libraries = 2, selected = libraries, tickMs = 60_000) {
  const t = tempStore();
  cleanup.push(t.cleanup);
  const libs = seedLibraries(t.store, libraries, selected);
  const cfg = { current: { ...DEFAULT_CONFIG, ...config } };
  const fired: { schedule: ScheduleWithLibrary; at: number }[] = [];
  const jumps: number[] = [];
  const scheduler = new Scheduler({
    db: t.store.db,
    config: () => cfg.current,
    onDue: (schedule, at) => fired.push({ schedule, at }),
    onClockJump: (drift) => jumps.push(drift),
    random: () => 0.5,
    tickMs,
  });
  cleanup.push(() => scheduler.stop());
  return { store: t.store, scheduler, fired, jumps, cfg, libs };
}

const firedOps = (fired: { schedule: ScheduleWithLibrary }[]) =>
  fired.map((f) => `${f.schedule.libraryId ?? '-'}:${f.schedule.operation}`).sort();

describe('scheduler', () => {
  it('creates per-library defaults from config (refresh 6 h, deep scan 7 d) plus daily cleanup', () => {
    const { scheduler, libs } = setup({}, 3, 2);
    scheduler.start();
    const views = scheduler.list();
    const byKey = new Map(views.map((v) => [`${v.libraryId ?? '-'}:${v.operation}`, v]));
    expect([...byKey.keys()].sort()).toEqual(
      [
        `${libs[0]!.id}:refresh`,
        `${libs[0]!.id}:deep_scan`,
        `${libs[1]!.id}:refresh`,
        `${libs[1]!.id}:deep_scan`,
        '-:cleanup',
        '-:maintenance',
      ].sort(),
    );
    const refresh = byKey.get(`${libs[0]!.id}:refresh`)!;
    expect(refresh.cron).toMatch(/^\d+ \*\/6 \* \* \*$/);
    expect(refresh.description).toMatch(/^every 6 hours/);
    expect(byKey.get(`${libs[0]!.id}:deep_scan`)!.description).toMatch(/^weekly on Sunday at 03:\d\d$/);
    expect(byKey.get('-:cleanup')!.description).toBe('daily at 04:30');
    // Different libraries do not share a minute, and jitter (half of 300 s here) is added.
    expect(refresh.cron).not.toBe(byKey.get(`${libs[1]!.id}:refresh`)!.cron);
    expect(refresh.nextRuns[0]).toBe(nextRunTime(refresh.cron, START)! + 150_000);
    expect(refresh.nextRuns).toHaveLength(3);
  });

  it('fires each schedule when its time comes and moves it to the next cron time', async () => {
    const { scheduler, fired, store } = setup({}, 1);
    scheduler.start();
    const refresh = listSchedules(store.db).find((s) => s.operation === 'refresh')!;
    const due = refresh.nextRunAt!;
    await vi.advanceTimersByTimeAsync(due - Date.now() - 1000);
    expect(fired).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(firedOps(fired)).toEqual(['1:refresh']);
    expect(fired[0]!.at).toBe(due);
    const after = listSchedules(store.db).find((s) => s.id === refresh.id)!;
    expect(after.nextRunAt).toBe(nextRunTime(refresh.cron, due)! + 150_000);
    // A whole day: four refreshes (every 6 h) and the cleanup, nothing fired twice for one slot.
    fired.length = 0;
    await vi.advanceTimersByTimeAsync(DAY);
    expect(firedOps(fired)).toEqual(['-:cleanup', '1:refresh', '1:refresh', '1:refresh', '1:refresh']);
  });

  it('runs a missed schedule once after a clock jump (sleep), not once per missed slot', async () => {
    const { scheduler, fired, jumps, store } = setup({}, 2);
    scheduler.start();
    // The machine sleeps for 3 days: wall time moves, timers do not fire meanwhile.
    vi.setSystemTime(START + 3 * DAY);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(jumps).toHaveLength(1);
    expect(jumps[0]).toBeGreaterThan(2 * DAY);
    // 12 refresh slots were missed per library, the daily cleanup 3 times: each runs once.
    expect(firedOps(fired)).toEqual(['-:cleanup', '1:refresh', '2:refresh']);
    for (const s of listSchedules(store.db)) expect(s.nextRunAt!).toBeGreaterThan(Date.now());
    fired.length = 0;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fired).toHaveLength(0);
  });

  it('a schedule missed while the service was down fires once at start', () => {
    const first = setup({}, 1);
    first.scheduler.start();
    first.scheduler.stop();
    vi.setSystemTime(START + 8 * DAY);
    const again = new Scheduler({
      db: first.store.db,
      config: () => first.cfg.current,
      onDue: (schedule, at) => first.fired.push({ schedule, at }),
    });
    cleanup.push(() => again.stop());
    again.start();
    expect(firedOps(first.fired)).toEqual(['-:cleanup', '-:maintenance', '1:deep_scan', '1:refresh']);
  });

  it('follows config changes for its own defaults but keeps a cron the user set', () => {
    const { scheduler, cfg, libs } = setup({}, 2);
    scheduler.start();
    const refreshOf = (id: number) =>
      scheduler.list().find((v) => v.libraryId === id && v.operation === 'refresh')!;
    const edited = scheduler.update(refreshOf(libs[1]!.id).id, { cron: '15 2 * * *' });
    expect(edited).toMatchObject({ cron: '15 2 * * *', description: 'daily at 02:15', enabled: true });
    cfg.current = { ...cfg.current, refresh_interval_hours: 12 };
    scheduler.ensureDefaults();
    expect(refreshOf(libs[0]!.id).cron).toMatch(/^\d+ \*\/12 \* \* \*$/);
    expect(refreshOf(libs[1]!.id).cron).toBe('15 2 * * *');
  });

  it('a disabled schedule never fires; a bad cron is refused with a clear error', async () => {
    const { scheduler, fired, libs } = setup({}, 1, 1, 3_600_000);
    scheduler.start();
    for (const v of scheduler.list()) scheduler.update(v.id, { enabled: false });
    expect(scheduler.list().every((v) => !v.enabled && v.nextRuns.length === 0)).toBe(true);
    await vi.advanceTimersByTimeAsync(8 * DAY);
    expect(fired).toHaveLength(0);
    const id = scheduler.list().find((v) => v.libraryId === libs[0]!.id)!.id;
    expect(() => scheduler.update(id, { cron: 'every tuesday' })).toThrow(UserError);
    expect(() => scheduler.update(id, { cron: 'every tuesday' })).toThrow(/invalid cron expression/);
    expect(() => scheduler.update(id, { cron: '* * * * *' })).toThrow(/more often than every 5 minutes/);
    expect(() => scheduler.update(9999, { enabled: true })).toThrow(/schedule 9999 does not exist/);
  });

  it('skips the schedules of a library that is no longer selected', async () => {
    const { scheduler, fired, store, libs } = setup({}, 2);
    scheduler.start();
    store.sqlite.prepare('update libraries set selected = 0 where id = ?').run(libs[1]!.id);
    vi.setSystemTime(START + 2 * DAY);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(firedOps(fired)).toEqual(['-:cleanup', `${libs[0]!.id}:refresh`]);
  });

  it('hands a run that never started back to its schedule', () => {
    const { scheduler, store } = setup({}, 1);
    scheduler.start();
    const s = listSchedules(store.db).find((x) => x.operation === 'refresh')!;
    scheduler.returnToSchedule(s.id, START - 1000);
    expect(listSchedules(store.db).find((x) => x.id === s.id)!.nextRunAt).toBe(START - 1000);
  });
});

describe('cron descriptions', () => {
  it.each([
    ['0 */6 * * *', 'every 6 hours'],
    ['7 */6 * * *', 'every 6 hours at minute 7'],
    ['30 4 * * *', 'daily at 04:30'],
    ['0 3 * * 0', 'weekly on Sunday at 03:00'],
    ['0 3 */2 * *', 'every 2 days at 03:00'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['5 * * * *', 'every hour at minute 5'],
    ['@daily', 'daily at 00:00'],
    ['0 0 1 1 *', 'cron "0 0 1 1 *"'],
  ])('%s -> %s', (cron, words) => {
    const d = describeCron(cron, START);
    expect(d.valid).toBe(true);
    expect(d.description).toBe(words);
    expect(d.nextRuns).toHaveLength(5);
    expect(d.nextRuns[0]).toBeGreaterThan(START);
  });

  it('explains an invalid expression', () => {
    expect(describeCron('61 * * * *', START)).toMatchObject({ valid: false, nextRuns: [] });
    expect(describeCron('61 * * * *', START).description).toMatch(/invalid cron expression "61 \* \* \* \*"/);
  });
});
