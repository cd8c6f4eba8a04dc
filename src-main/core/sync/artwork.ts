// Posters and backgrounds, cached in <dataDir>/artwork under the sha256 of their bytes (identical
// images are stored once). Only artwork whose Plex URL changed has no cache file, so only that is
// fetched; downloads run a few at a time.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import writeFileAtomic from 'write-file-atomic';
import { CancelledError, describeError, FileSystemError } from '../errors/errors';
import type { ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import { pendingArtwork, setArtworkResult } from '../store/repositories/media-repository';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
};

export interface ArtworkResult {
  fetched: number;
  failed: number;
  bytes: number;
}

export async function cacheArtwork(opts: {
  store: Store;
  client: ServerClient;
  libraryId: number;
  dir: string;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<ArtworkResult> {
  try {
    mkdirSync(opts.dir, { recursive: true });
  } catch (err) {
    throw new FileSystemError(`cannot create artwork cache ${opts.dir}: ${(err as Error).message}`, err);
  }
  const limit = pLimit(opts.concurrency);
  const result: ArtworkResult = { fetched: 0, failed: 0, bytes: 0 };
  for (;;) {
    const batch = pendingArtwork(opts.store.sqlite, opts.libraryId, 500);
    if (batch.length === 0) return result;
    let done = 0;
    await Promise.all(
      batch.map((a) =>
        limit(async () => {
          if (opts.signal?.aborted) return;
          try {
            const res = await opts.client.getBinary(a.plexUrl, { signal: opts.signal });
            const type = (res.contentType ?? '').split(';')[0]!.trim().toLowerCase();
            const ext = EXTENSIONS[type];
            if (!ext) throw new Error(`not an image (${res.contentType ?? 'no content type'})`);
            const name = createHash('sha256').update(res.data).digest('hex') + ext;
            const file = join(opts.dir, name);
            if (!existsSync(file)) await writeFileAtomic(file, res.data);
            setArtworkResult(opts.store.sqlite, a.id, { cacheFile: name, bytes: res.data.length });
            result.fetched += 1;
            result.bytes += res.data.length;
          } catch (err) {
            if (err instanceof CancelledError) throw err;
            setArtworkResult(opts.store.sqlite, a.id, { error: describeError(err) });
            result.failed += 1;
          }
          opts.onProgress?.(++done, batch.length);
        }),
      ),
    );
    if (opts.signal?.aborted) throw new CancelledError('artwork cancelled');
  }
}
