// Turns a round's planned faults into the fake's fault rules, plus the ones that start mid-run
// (a short outage, a revoked token) at a PMS request count.
import type { FakePlex } from '../fake-plex/index';
import { sectionNode, toJson } from '../fake-plex/index';
import type { PlannedFault } from './plan';

export interface FaultTriggers {
  /** Called with the run's PMS request count after each request. */
  onRequest(requests: number): void;
  /** Ends what is still going (server back up, token restored). */
  settle(): Promise<void>;
}

const PATHS = {
  listing: '/library/sections/*/all',
  details: '/library/metadata/*',
  any: undefined,
} as const;

/** Bad values a real server has been seen to send for one field (or that a broken proxy makes). */
const BAD_ITEMS: Array<Record<string, unknown>> = [
  { title: null },
  { year: 'nineteen ninety' },
  { 'Media.0.Part.0.file': 42 },
  { ratingKey: { id: 1 } },
  { addedAt: 1e20 },
];

export function installFaults(
  fake: FakePlex,
  faults: PlannedFault[],
  log: (line: string) => void,
): FaultTriggers {
  const { control } = fake;
  const timed: Array<{ at: number; start: () => void }> = [];
  const pending: Array<Promise<void>> = [];
  let outageTimer: NodeJS.Timeout | undefined;
  let revoked = false;
  for (const f of faults) {
    const path = PATHS[f.target];
    switch (f.kind) {
      case 'error-5xx':
        control.addFault({ kind: 'error', status: f.status, rate: f.rate, ...(path ? { path } : {}) });
        break;
      case 'detail-404':
        control.addFault({ kind: 'error', status: 404, path: PATHS.details, rate: Math.min(1, f.rate * 2) });
        break;
      case 'hang':
        control.addFault({ kind: 'hang', times: f.times, ...(path ? { path } : {}) });
        break;
      case 'reset':
        control.addFault({ kind: 'reset', rate: f.rate, ...(path ? { path } : {}) });
        break;
      case 'truncate':
      case 'malformed':
        control.addFault({ kind: f.kind, times: f.times, ...(path ? { path } : {}) });
        break;
      case 'paging-ignored':
        control.setFaults({ ignorePaging: true });
        break;
      case 'outage':
        timed.push({
          at: f.afterRequests,
          start: () => {
            pending.push(control.pmsDown());
            outageTimer = setTimeout(() => pending.push(control.pmsUp()), f.durationMs);
          },
        });
        break;
      case 'token-revoked':
        timed.push({
          at: f.afterRequests,
          start: () => {
            control.revokeToken();
            revoked = true;
          },
        });
        break;
      case 'vanished-library': {
        // /library/sections answers without one library, as a server does while a share is unmounted.
        // Built in-process: a request of ours would meet this round's other faults.
        const sections = fake.library.sections;
        const gone = sections[Math.floor(f.pick * sections.length)]!.key;
        const left = sections.filter((s) => s.key !== gone).map(sectionNode);
        const body = toJson({ size: left.length, allowSync: true, title1: 'Plex Library', Directory: left });
        control.addFault({ kind: 'body', path: /^\/library\/sections$/, body });
        control.addFault({ kind: 'error', status: 404, path: `/library/sections/${gone}/*` });
        break;
      }
      case 'bad-item': {
        const items = control.snapshot().items.filter((i) => i.type === 'movie' || i.type === 'episode');
        const target = items[Math.floor(f.pick * items.length)]!;
        const corrupt = BAD_ITEMS[Math.floor(f.rate * 10) % BAD_ITEMS.length]!;
        control.setFaults({ corruptItems: { ...control.faults.corruptItems, [target.ratingKey]: corrupt } });
        break;
      }
    }
    const onPath = path && ['error-5xx', 'hang', 'reset', 'truncate', 'malformed'].includes(f.kind);
    log(`  fault ${f.kind}${onPath ? ` on ${path}` : ''}`);
  }
  return {
    onRequest(requests) {
      for (const t of timed.splice(0)) {
        if (requests >= t.at) t.start();
        else timed.push(t);
      }
    },
    async settle() {
      if (outageTimer) clearTimeout(outageTimer);
      await Promise.all(pending);
      await control.pmsUp();
      if (revoked) control.restoreToken();
    },
  };
}
