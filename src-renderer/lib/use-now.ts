import { useEffect, useState } from 'react';

/** The current time, refreshed every `intervalMs`: keeps "2 minutes ago" labels true on an open page. */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs, active]);
  return now;
}
