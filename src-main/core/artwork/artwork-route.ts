// One answer for "GET a picture" in both shells: the cached file, or the picture fetched at once
// (ahead of any fill) and then cached; 404 when the item has none or Plex failed (tried again later).
import { parseArtworkPath } from '../../../src-shared/artwork-url';
import { describeError } from '../errors/errors';
import { getLogger } from '../logging/logger';
import type { ArtworkQueue } from './artwork-queue';

const log = getLogger('artwork');

export interface ArtworkReply {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Buffer;
}

export type ArtworkSource = Pick<ArtworkQueue, 'image'>;

const notFound = (): ArtworkReply => ({
  status: 404,
  // A picture that is missing now may land later (a retry, a new URL after a sync).
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  body: Buffer.from('no such picture\n'),
});

export async function artworkReply(source: ArtworkSource | null, path: string): Promise<ArtworkReply> {
  const ref = parseArtworkPath(path);
  if (!ref || !source) return notFound();
  try {
    const image = await source.image(ref.itemKind, ref.itemId, ref.kind);
    if (!image) return notFound();
    return {
      status: 200,
      headers: {
        'Content-Type': image.contentType,
        'Content-Length': String(image.data.length),
        // The path names the item, not the image: a new poster after a sync must show.
        'Cache-Control': 'private, max-age=60',
      },
      body: image.data,
    };
  } catch (err) {
    log.warn('artwork request failed', { path, error: describeError(err) });
    return notFound();
  }
}
