// The artwork queue: posters fetched ahead (a fill, at low priority: after syncs, never while one
// runs), pictures being shown fetched at once (high priority, ahead of the fill). Work is read from
// the artwork table, so it survives restarts; failures wait out a backoff and after a few tries the
// picture is marked missing until Plex gives it a new URL.
import pLimit from 'p-limit';
import type { ArtworkKind, ItemKind } from '../../../src-shared/domain';
import {
  CancelledError,
  describeError,
  FileSystemError,
  PlexAuthError,
  PlexNetworkError,
} from '../errors/errors';
import type { ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import {
  forgetCacheFiles,
  getArtwork,
  markArtworkFailed,
  markArtworkFetched,
  nextPrefetch,
  type PrefetchSelection,
  type QueuedArtwork,
} from '../store/repositories/artwork-repository';
import { CONTENT_TYPES, type ArtworkCache } from './cache';
import { artworkRole, fetchScaledImage } from './fetcher';

/** Tries before a picture is marked missing. */
export const MAX_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 6 * 3_600_000;

export function backoffMs(attempts: number, baseMs = BACKOFF_BASE_MS): number {
  return Math.min(baseMs * 4 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
}

export interface ArtworkFillResult {
  fetched: number;
  failed: number;
  bytes: number;
  /** Stopped because the next poster would not fit under artwork_cache_max_mb. */
  cacheFull: boolean;
}

export interface ArtworkImage {
  data: Buffer;
  contentType: string;
}

export interface ArtworkQueueOptions {
  store: Store;
  cache: ArtworkCache;
  /** The connection to a server (the queue does not close it). */
  clientFor: (serverId: number) => Promise<ServerClient>;
  /** The server refused or did not answer: a cached client (old token, dead connection) is dropped. */
  forgetClient?: (serverId: number) => void;
  concurrency: () => number;
  now?: () => number;
  backoffBaseMs?: number;
}

export class ArtworkQueue {
  private readonly now: () => number;
  private readonly inFlight = new Map<number, Promise<ArtworkImage | null>>();

  constructor(private readonly o: ArtworkQueueOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Fetches every queued prefetchable picture (posters; episode thumbs if selected) once. */
  async fill(
    selection: PrefetchSelection,
    opts: { signal?: AbortSignal; onProgress?: (done: number, result: ArtworkFillResult) => void } = {},
  ): Promise<ArtworkFillResult> {
    const result: ArtworkFillResult = { fetched: 0, failed: 0, bytes: 0, cacheFull: false };
    if (this.o.cache.limitBytes === 0) return result;
    const limit = pLimit(this.o.concurrency());
    let afterId = 0;
    let done = 0;
    const started = this.now();
    while (!result.cacheFull) {
      if (opts.signal?.aborted) throw new CancelledError('artwork fill stopped');
      // Rows that fail now get a retry time after `started`, so one fill tries each row once.
      const batch = nextPrefetch(this.o.store.sqlite, selection, { afterId, now: started, limit: 200 });
      if (batch.length === 0) break;
      afterId = batch.at(-1)!.id;
      await Promise.all(
        batch.map((row) =>
          limit(async () => {
            if (opts.signal?.aborted || result.cacheFull) return;
            const outcome = await this.fetchRow(row, false, opts.signal);
            if (outcome === 'full') result.cacheFull = true;
            else if (outcome === 'failed') result.failed += 1;
            else if (outcome !== 'cancelled') {
              result.fetched += 1;
              result.bytes += outcome.bytes;
            }
            opts.onProgress?.(++done, result);
          }),
        ),
      );
    }
    if (opts.signal?.aborted) throw new CancelledError('artwork fill stopped');
    return result;
  }

  /**
   * A picture a view shows: from the cache, else fetched now (ahead of any fill). Null when the item
   * has no such picture, Plex failed (retried later) or it is marked missing.
   */
  async image(itemKind: ItemKind, itemId: number, kind: ArtworkKind): Promise<ArtworkImage | null> {
    const row = getArtwork(this.o.store.sqlite, itemKind, itemId, kind);
    if (!row) return null;
    if (row.cacheFile) {
      const data = this.o.cache.read(row.cacheFile);
      if (data) {
        this.o.cache.touch(row.cacheFile);
        return { data, contentType: CONTENT_TYPES[row.cacheFile.split('.').pop()!]! };
      }
      forgetCacheFiles(this.o.store.sqlite, [row.cacheFile]);
    }
    if (row.missing || (row.retryAt !== null && row.retryAt > this.now())) return null;
    const pending = this.inFlight.get(row.id);
    if (pending) return pending;
    const task = (async () => {
      let image: ArtworkImage | null = null;
      await this.fetchRow(row, true, undefined, (img) => (image = img));
      return image;
    })().finally(() => this.inFlight.delete(row.id));
    this.inFlight.set(row.id, task);
    return task;
  }

  private async fetchRow(
    row: QueuedArtwork,
    shown: boolean,
    signal?: AbortSignal,
    onImage?: (image: ArtworkImage) => void,
  ): Promise<{ bytes: number } | 'failed' | 'full' | 'cancelled'> {
    const { sqlite } = this.o.store;
    try {
      const fetchImage = async () =>
        fetchScaledImage(
          await this.o.clientFor(row.serverId),
          row.plexUrl,
          artworkRole(row.itemKind, row.kind),
          signal,
        );
      let image: Awaited<ReturnType<typeof fetchImage>>;
      try {
        image = await fetchImage();
      } catch (err) {
        // A cached client may hold a token replaced since (a new sign-in): once more with a fresh one.
        if (!(err instanceof PlexAuthError) || !this.o.forgetClient) throw err;
        this.o.forgetClient(row.serverId);
        image = await fetchImage();
      }
      onImage?.({ data: image.data, contentType: image.contentType });
      const stored = await this.o.cache.put(image.data, image.ext, shown);
      if (stored.evicted.length > 0) forgetCacheFiles(sqlite, stored.evicted);
      // Nothing kept on disk (limit 0) is fine for a shown picture; a fill stops instead.
      if (!stored.name && !shown) return 'full';
      if (stored.name)
        markArtworkFetched(sqlite, row.id, { cacheFile: stored.name, bytes: image.data.length }, this.now());
      return { bytes: image.data.length };
    } catch (err) {
      if (err instanceof CancelledError || signal?.aborted) return 'cancelled';
      // A refused token, an unreachable server or a full disk is not this picture's fault: the
      // fill stops and nothing is counted against the picture.
      if (err instanceof PlexAuthError || err instanceof PlexNetworkError) {
        this.o.forgetClient?.(row.serverId);
        throw err;
      }
      if (err instanceof FileSystemError) throw err;
      const attempts = row.attempts + 1;
      const missing = attempts >= MAX_ATTEMPTS;
      markArtworkFailed(
        sqlite,
        row.id,
        {
          error: describeError(err),
          missing,
          retryAt: missing ? null : this.now() + backoffMs(attempts, this.o.backoffBaseMs),
        },
        this.now(),
      );
      return 'failed';
    }
  }
}
