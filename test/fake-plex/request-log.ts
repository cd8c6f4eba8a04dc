export type ServerName = 'pms' | 'plextv' | 'shared-pms';

export interface LoggedRequest {
  server: ServerName;
  method: string;
  /** Raw path without the query string. */
  path: string;
  /** Normalised route, e.g. `/library/metadata/:id`. */
  route: string;
  query: string;
  status: number;
  /** Fault applied to this request, if any. */
  fault?: string;
  durationMs: number;
  at: number;
}

const MAX_ENTRIES = 200_000;

/** Every request the fake answered (control calls excluded), with counters per normalised route. */
export class RequestLog {
  private list: LoggedRequest[] = [];
  private counters = new Map<string, number>();

  record(entry: LoggedRequest): void {
    if (this.list.length >= MAX_ENTRIES) this.list.splice(0, MAX_ENTRIES / 2);
    this.list.push(entry);
    const key = `${entry.server} ${entry.method} ${entry.route}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  get entries(): readonly LoggedRequest[] {
    return this.list;
  }

  /** Requests to a route (e.g. `/library/metadata/:id`), any method, optionally on one server. */
  count(route?: string, server?: ServerName, method?: string): number {
    let n = 0;
    for (const [key, value] of this.counters) {
      const [s, m, r] = splitKey(key);
      if (
        (route === undefined || r === route) &&
        (server === undefined || s === server) &&
        (method === undefined || m === method)
      )
        n += value;
    }
    return n;
  }

  /** Counters keyed `SERVER METHOD route`, e.g. `pms GET /library/sections/:id/all`. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.counters].sort((a, b) => a[0].localeCompare(b[0])));
  }

  reset(): void {
    this.list = [];
    this.counters.clear();
  }
}

function splitKey(key: string): [string, string, string] {
  const a = key.indexOf(' ');
  const b = key.indexOf(' ', a + 1);
  return [key.slice(0, a), key.slice(a + 1, b), key.slice(b + 1)];
}
