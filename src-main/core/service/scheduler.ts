// The scheduler: per-library cron schedules kept in scheduled_operations. Croner computes the run
// times; one timer wakes us at the earliest next_run_at (and at least every `tickMs`, which is how
// a sleep or clock jump gets noticed). Anything whose next_run_at has passed fires once, however
// many times it was missed, and its next_run_at moves to the first cron time after now plus a
// little jitter, so libraries do not all fire together.
import type { Config } from '../../../src-shared/config-schema';
import type { Operation } from '../../../src-shared/domain';
import type { ScheduleView } from '../../../src-shared/ipc/contract';
import { UserError } from '../errors/errors';
import type { Db } from '../store/database';
import { listLibraries } from '../store/repositories/library-repository';
import {
  dueSchedules,
  findSchedule,
  getSchedule,
  insertSchedule,
  listSchedules,
  scheduleSource,
  setScheduleNextRun,
  updateSchedule,
  type ScheduleWithLibrary,
} from '../store/repositories/schedule-repository';
import {
  cronInWords,
  defaultSchedule,
  describeCron,
  nextRunTime,
  nextRunTimes,
  validateCron,
  type CronDescription,
} from './cron';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  db: Db;
  config: () => Config;
  /** A schedule's time has come. Runs synchronously inside the check; queue work, don't do it. */
  onDue: (schedule: ScheduleWithLibrary, firedAt: number) => void;
  /** Wall time moved away from the timers (sleep, suspend, clock change). */
  onClockJump?: (driftMs: number) => void;
  clock?: Clock;
  /** [0, 1): jitter source. */
  random?: () => number;
  /** Longest sleep between checks. */
  tickMs?: number;
  /** How far a wake may be off before it counts as a clock jump. */
  jumpThresholdMs?: number;
}

const LIBRARY_OPERATIONS = ['refresh', 'deep_scan'] as const satisfies readonly Operation[];
const GLOBAL_OPERATIONS = ['cleanup', 'maintenance'] as const satisfies readonly Operation[];

export class Scheduler {
  private timer: unknown = null;
  private expectedWakeAt: number | null = null;
  private running = false;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly tickMs: number;
  private readonly jumpThresholdMs: number;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.tickMs = opts.tickMs ?? 60_000;
    this.jumpThresholdMs = opts.jumpThresholdMs ?? 30_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.ensureDefaults();
    this.check();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  /**
   * Creates the default schedules of every selected library and the database-wide ones, and moves
   * config-derived crons to the current config (a user's own cron is left alone).
   */
  ensureDefaults(): void {
    const config = this.opts.config();
    const now = this.clock.now();
    const wanted: { libraryId: number | null; operation: Operation; minute: number }[] = [];
    for (const library of listLibraries(this.opts.db)) {
      if (!library.selected) continue;
      // A per-library minute spreads libraries over the hour before jitter is even added.
      const minute = (library.id * 7) % 60;
      for (const operation of LIBRARY_OPERATIONS) wanted.push({ libraryId: library.id, operation, minute });
    }
    for (const operation of GLOBAL_OPERATIONS) wanted.push({ libraryId: null, operation, minute: -1 });

    for (const w of wanted) {
      const defaults = defaultSchedule(w.operation, config);
      const cron = w.minute < 0 ? defaults.cron : defaults.cron.replace(/^0 /, `${w.minute} `);
      const existing = findSchedule(this.opts.db, w.libraryId, w.operation);
      if (!existing) {
        insertSchedule(this.opts.db, {
          libraryId: w.libraryId,
          operation: w.operation,
          cron,
          jitterSeconds: defaults.jitterSeconds,
          nextRunAt: this.nextAfter(cron, defaults.jitterSeconds, now),
        });
      } else if (scheduleSource(existing) === 'config' && existing.cron !== cron) {
        updateSchedule(this.opts.db, existing.id, {
          cron,
          nextRunAt: this.nextAfter(cron, existing.jitterSeconds, now),
        });
      } else if (existing.nextRunAt === null && existing.enabled) {
        setScheduleNextRun(
          this.opts.db,
          existing.id,
          this.nextAfter(existing.cron, existing.jitterSeconds, now),
        );
      }
    }
    this.rearm();
  }

  /** Fires every due schedule once and re-arms the timer. Also what a wake-up calls. */
  check(): void {
    const now = this.clock.now();
    for (const schedule of dueSchedules(this.opts.db, now)) {
      // next_run_at moves first: a throwing onDue must not make the schedule fire on every tick.
      setScheduleNextRun(this.opts.db, schedule.id, this.safeNextAfter(schedule, now));
      if (schedule.libraryId !== null && schedule.librarySelected !== true) continue;
      this.opts.onDue(schedule, now);
    }
    this.rearm();
  }

  list(): ScheduleView[] {
    return listSchedules(this.opts.db).map((s) => this.view(s));
  }

  update(id: number, patch: { cron?: string; enabled?: boolean }): ScheduleView {
    const current = getSchedule(this.opts.db, id);
    if (!current) throw new UserError(`schedule ${id} does not exist`, 'NOT_FOUND');
    const now = this.clock.now();
    const cron = patch.cron?.trim();
    if (cron !== undefined) validateCron(cron, now);
    const nextCron = cron ?? current.cron;
    const enabled = patch.enabled ?? current.enabled;
    updateSchedule(this.opts.db, id, {
      ...(cron !== undefined ? { cron, source: 'user' as const } : {}),
      enabled,
      nextRunAt: enabled ? this.nextAfter(nextCron, current.jitterSeconds, now) : null,
    });
    this.rearm();
    return this.view(getSchedule(this.opts.db, id)!);
  }

  describe(cron: string): CronDescription {
    return describeCron(cron, this.clock.now());
  }

  /**
   * A run this schedule queued never started (the service stopped first): put its time back so
   * the next start treats it as a missed run.
   */
  returnToSchedule(scheduleId: number, firedAt: number): void {
    const s = getSchedule(this.opts.db, scheduleId);
    if (!s || !s.enabled) return;
    if (s.nextRunAt === null || s.nextRunAt > firedAt) setScheduleNextRun(this.opts.db, scheduleId, firedAt);
  }

  private view(s: ScheduleWithLibrary): ScheduleView {
    let nextRuns: number[] = [];
    if (s.enabled && s.nextRunAt !== null) {
      try {
        nextRuns = [s.nextRunAt, ...nextRunTimes(s.cron, s.nextRunAt, 2)];
      } catch {
        nextRuns = [s.nextRunAt];
      }
    }
    return {
      id: s.id,
      libraryId: s.libraryId,
      libraryTitle: s.libraryTitle,
      operation: s.operation,
      cron: s.cron,
      description: safeWords(s.cron),
      enabled: s.enabled,
      lastRunAt: s.lastRunAt,
      lastStatus: s.lastStatus,
      nextRuns,
    };
  }

  private nextAfter(cron: string, jitterSeconds: number, from: number): number | null {
    const next = nextRunTime(cron, from);
    if (next === null) return null;
    return next + Math.floor(this.random() * jitterSeconds * 1000);
  }

  /** A cron that croner can no longer parse (edited in the database) disables itself quietly. */
  private safeNextAfter(s: ScheduleWithLibrary, from: number): number | null {
    try {
      return this.nextAfter(s.cron, s.jitterSeconds, from);
    } catch {
      return null;
    }
  }

  private rearm(): void {
    if (!this.running) return;
    this.disarm();
    const now = this.clock.now();
    const earliest = listSchedules(this.opts.db).reduce<number | null>(
      (min, s) =>
        s.enabled && s.nextRunAt !== null && (min === null || s.nextRunAt < min) ? s.nextRunAt : min,
      null,
    );
    const delay = Math.max(0, Math.min(this.tickMs, earliest === null ? this.tickMs : earliest - now));
    this.expectedWakeAt = now + delay;
    this.timer = this.clock.setTimeout(() => this.wake(), delay);
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.expectedWakeAt = null;
  }

  private wake(): void {
    this.timer = null;
    if (!this.running) return;
    const now = this.clock.now();
    const drift = this.expectedWakeAt === null ? 0 : now - this.expectedWakeAt;
    if (Math.abs(drift) > this.jumpThresholdMs) {
      if (drift < 0) this.recomputeAll(now);
      this.opts.onClockJump?.(drift);
    }
    this.check();
  }

  /** The clock went backwards: times computed from the old "now" may be far too late. */
  private recomputeAll(now: number): void {
    for (const s of listSchedules(this.opts.db)) {
      if (s.enabled) setScheduleNextRun(this.opts.db, s.id, this.safeNextAfter(s, now));
    }
  }
}

function safeWords(cron: string): string {
  try {
    return cronInWords(cron);
  } catch {
    return `cron "${cron}"`;
  }
}
