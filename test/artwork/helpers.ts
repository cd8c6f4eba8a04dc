import { join } from 'node:path';
import { ArtworkQueue } from '../../src-main/core/artwork/artwork-queue';
import { ArtworkCache } from '../../src-main/core/artwork/cache';
import type { SyncSetup } from '../sync/helpers';

export interface QueueOptions {
  limitBytes?: number;
  now?: () => number;
  backoffBaseMs?: number;
  forgetClient?: (serverId: number) => void;
}

/** The artwork queue over a sync set-up's store and connection, caching in `<dir>/artwork`. */
export function artworkQueue(
  s: SyncSetup,
  o: QueueOptions = {},
): { queue: ArtworkQueue; cache: ArtworkCache } {
  const cache = new ArtworkCache(join(s.dir, 'artwork'), () => o.limitBytes ?? 2048 * 1_048_576);
  const queue = new ArtworkQueue({
    store: s.store,
    cache,
    clientFor: () => Promise.resolve(s.client),
    concurrency: () => 4,
    ...(o.now ? { now: o.now } : {}),
    ...(o.backoffBaseMs !== undefined ? { backoffBaseMs: o.backoffBaseMs } : {}),
    ...(o.forgetClient ? { forgetClient: o.forgetClient } : {}),
  });
  return { queue, cache };
}

/** Image requests the fake answered, by kind: scaled ones and originals. */
export function imageRequests(s: SyncSetup): { transcodes: string[]; originals: number } {
  const entries = s.fake.requestLog.entries;
  return {
    transcodes: entries.filter((e) => e.path === '/photo/:/transcode').map((e) => e.query),
    originals: entries.filter((e) => /^\/library\/metadata\/[^/]+\/(thumb|art)\/[^/]+$/.test(e.path)).length,
  };
}
