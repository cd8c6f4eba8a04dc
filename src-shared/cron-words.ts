// A cron problem in the person's words, never croner's ("CronPattern: invalid configuration format"),
// the same on the Schedules page and in `retrovue schedules`.
const FIELDS: { name: string; min: number; max: number; hint: string }[] = [
  { name: 'minute', min: 0, max: 59, hint: 'The minute must be 0–59' },
  { name: 'hour', min: 0, max: 23, hint: 'The hour must be 0–23' },
  { name: 'day', min: 1, max: 31, hint: 'The day of the month must be 1–31' },
  { name: 'month', min: 1, max: 12, hint: 'The month must be 1–12' },
  { name: 'weekday', min: 0, max: 7, hint: 'Pick days 0–6 (Sunday is 0)' },
];

function fieldOk(text: string, min: number, max: number): boolean {
  if (text === '*') return true;
  return text.split(',').every((part) => {
    const [range, step] = part.split('/');
    if (step !== undefined && !/^\d+$/.test(step)) return false;
    if (range === '*') return true;
    const bounds = (range ?? '').split('-');
    return bounds.length <= 2 && bounds.every((b) => /^\d+$/.test(b) && Number(b) >= min && Number(b) <= max);
  });
}

/** One sentence saying what to fix; `serverSays` is main's verdict when the shape looks right. */
export function cronProblem(cron: string, serverSays: string): string {
  const text = cron.trim();
  if (!text) return 'Enter when to run, for example 0 3 * * * (daily at 03:00).';
  if (/fires more often than every (\d+) minutes/.test(serverSays))
    return `That runs too often: leave at least ${/every (\d+) minutes/.exec(serverSays)![1]} minutes between runs.`;
  if (/never fires/.test(serverSays)) return 'That never runs: check the day and the month.';
  if (text.startsWith('@')) return 'Use @hourly, @daily, @weekly or @monthly, or five parts.';
  const parts = text.split(/\s+/);
  if (parts.length !== 5)
    return 'Use five parts: minute, hour, day of month, month and weekday (for example 0 3 * * *).';
  if (parts[4] === '' || parts[4] === ',') return 'Pick at least one day.';
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i]!;
    if (!fieldOk(parts[i]!, f.min, f.max)) return `${f.hint}.`;
  }
  return 'RetroVue cannot read that schedule; try one of the common schedules below.';
}

/** "up to 15 min later, to spread the load" */
export function jitterWords(seconds: number): string | null {
  if (seconds <= 0) return null;
  const minutes = Math.round(seconds / 60);
  const amount = minutes >= 1 ? `${minutes} min` : `${seconds} s`;
  return `up to ${amount} later, to spread the load`;
}
