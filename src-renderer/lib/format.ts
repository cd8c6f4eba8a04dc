import { format, formatDistanceStrict } from 'date-fns';

export function relativeTime(ms: number | null | undefined, now = Date.now()): string {
  if (!ms) return 'never';
  const words = formatDistanceStrict(ms, now);
  return ms > now ? `in ${words}` : `${words} ago`;
}

export function dateTime(ms: number | null | undefined): string {
  return ms ? format(ms, 'd MMM yyyy, HH:mm') : '—';
}

export function shortDateTime(ms: number): string {
  return format(ms, 'EEE d MMM, HH:mm');
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function seconds(value: number | null): string {
  if (value === null) return '—';
  return value < 1 ? '< 1 s' : duration(value * 1000);
}

export function bytes(size: number | null | undefined): string {
  if (size === null || size === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = size;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n >= 10 || u === 0 ? Math.round(n) : n.toFixed(1)} ${units[u]}`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function runtime(ms: number | null): string {
  if (!ms) return '—';
  const minutes = Math.round(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

export function humanize(token: string): string {
  const text = token.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** h:mm:ss (or m:ss) for positions inside a video. */
export function timecode(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Plex stamps (an item's updatedAt) are unix seconds; our own are milliseconds. Any millisecond time
 * after 2001 is above 1e12 and any second time before year 33658 below it, so the unit is certain.
 */
export function toMillis(time: number | null): number | null {
  if (time === null) return null;
  return time < 1e12 ? time * 1000 : time;
}
