// Cron expressions: validation and next run times come from croner; the words for the UI
// ("every 6 hours", "weekly on Sunday at 03:00") are ours, for the patterns people actually use.
import { Cron } from 'croner';
import type { Config } from '../../../src-shared/config-schema';
import type { Operation } from '../../../src-shared/domain';
import { UserError } from '../errors/errors';

/** Schedules firing more often than this would keep a server busy for no gain. */
export const MIN_CRON_GAP_MS = 5 * 60_000;

export interface CronDescription {
  valid: boolean;
  description: string;
  nextRuns: number[];
}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pattern(cron: string): Cron {
  // No callback: croner only computes dates and never arms a timer.
  return new Cron(cron, { paused: true });
}

/** The next `count` run times after `from` (ms), or an error for a pattern croner rejects. */
export function nextRunTimes(cron: string, from: number, count: number): number[] {
  return pattern(cron)
    .nextRuns(count, new Date(from))
    .map((d) => d.getTime());
}

export function nextRunTime(cron: string, from: number): number | null {
  return pattern(cron).nextRun(new Date(from))?.getTime() ?? null;
}

/** Throws a UserError saying what is wrong with the expression. */
export function validateCron(cron: string, now: number = Date.now()): void {
  const text = cron.trim();
  if (text.length === 0 || text.length > 200)
    throw new UserError('cron expression must be 1-200 characters', 'INVALID_CRON');
  let runs: number[];
  try {
    runs = nextRunTimes(text, now, 6);
  } catch (err) {
    throw new UserError(`invalid cron expression "${text}": ${(err as Error).message}`, 'INVALID_CRON');
  }
  if (runs.length === 0) throw new UserError(`cron expression "${text}" never fires`, 'INVALID_CRON');
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]! - runs[i - 1]! < MIN_CRON_GAP_MS) {
      throw new UserError(
        `cron expression "${text}" fires more often than every ${MIN_CRON_GAP_MS / 60_000} minutes`,
        'INVALID_CRON',
      );
    }
  }
}

export function describeCron(cron: string, now: number = Date.now(), count = 5): CronDescription {
  try {
    validateCron(cron, now);
  } catch (err) {
    return { valid: false, description: (err as Error).message, nextRuns: [] };
  }
  return {
    valid: true,
    description: cronInWords(cron.trim()),
    nextRuns: nextRunTimes(cron.trim(), now, count),
  };
}

const num = (s: string): number | null => (/^\d+$/.test(s) ? Number(s) : null);
const step = (s: string): number | null => {
  const m = /^\*\/(\d+)$/.exec(s);
  return m ? Number(m[1]) : null;
};
const clock = (h: number, m: number): string => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
const plural = (n: number, unit: string): string => (n === 1 ? `every ${unit}` : `every ${n} ${unit}s`);

/** Words for common five-field patterns; anything else is shown as the expression itself. */
export function cronInWords(cron: string): string {
  const expanded = NICKNAMES[cron.toLowerCase()] ?? cron;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) return `cron "${cron}"`;
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (month !== '*') return `cron "${cron}"`;
  const m = num(min);
  const h = num(hour);
  const minuteStep = step(min);
  const hourStep = step(hour);
  const domStep = step(dom);
  if (minuteStep !== null && hour === '*' && dom === '*' && dow === '*') return plural(minuteStep, 'minute');
  if (m !== null && hour === '*' && dom === '*' && dow === '*') return `every hour at minute ${m}`;
  if (m !== null && hourStep !== null && dom === '*' && dow === '*') {
    return `${plural(hourStep, 'hour')}${m === 0 ? '' : ` at minute ${m}`}`;
  }
  if (m !== null && h !== null) {
    const at = `at ${clock(h, m)}`;
    if (dom === '*' && dow === '*') return `daily ${at}`;
    if (dom === '*' && num(dow) !== null && num(dow)! <= 7) return `weekly on ${DAYS[num(dow)! % 7]} ${at}`;
    if (domStep !== null && dow === '*') return `${plural(domStep, 'day')} ${at}`;
    if (num(dom) !== null && dow === '*') return `monthly on day ${num(dom)} ${at}`;
  }
  return `cron "${cron}"`;
}

/**
 * The cron for "every N hours" from config. Hours that divide a day give exact steps; longer
 * intervals become whole days. The minute offset spreads libraries over the hour.
 */
export function intervalHoursCron(hours: number, minute = 0): string {
  if (hours < 24) return `${minute} */${hours} * * *`;
  return intervalDaysCron(Math.max(1, Math.round(hours / 24)), minute);
}

export function intervalDaysCron(days: number, minute = 0, hour = 3): string {
  if (days === 1) return `${minute} ${hour} * * *`;
  if (days === 7) return `${minute} ${hour} * * 0`;
  return `${minute} ${hour} */${days} * *`;
}

/** Default cron and jitter per operation, from config. */
export function defaultSchedule(
  operation: Operation,
  config: Pick<Config, 'refresh_interval_hours' | 'deep_scan_interval_days'>,
): { cron: string; jitterSeconds: number } {
  switch (operation) {
    case 'refresh':
      return { cron: intervalHoursCron(config.refresh_interval_hours), jitterSeconds: 300 };
    case 'deep_scan':
      return { cron: intervalDaysCron(config.deep_scan_interval_days), jitterSeconds: 1800 };
    case 'cleanup':
      return { cron: '30 4 * * *', jitterSeconds: 300 };
    case 'maintenance':
      return { cron: '0 5 * * 0', jitterSeconds: 300 };
  }
}
