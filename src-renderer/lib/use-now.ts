import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs`: keeps "2 minutes ago" labels true on an open page. */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    // A faster clock starts from now, not from the last tick of the slower one.
    const first = setTimeout(() => setNow(Date.now()), 0);
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, [intervalMs, active]);
  return now;
}
