// One picture from Plex, scaled by Plex's photo transcoder to the size it is drawn at (as ErsatzTV,
// Tunarr and python-plexapi ask for it): never the original, which is often megabytes.
import { ARTWORK_SIZES, type ArtworkRole } from '../../../src-shared/artwork-sizes';
import type { ArtworkKind, ItemKind } from '../../../src-shared/domain';
import { PlexDataError } from '../errors/errors';
import type { ServerClient } from '../plex/server-client';
import { imageExtension } from './cache';

export function artworkRole(itemKind: ItemKind, kind: ArtworkKind): ArtworkRole {
  if (kind === 'art') return 'background';
  return itemKind === 'episode' ? 'episode_thumb' : 'poster';
}

export interface FetchedImage {
  data: Buffer;
  ext: string;
  contentType: string;
}

export async function fetchScaledImage(
  client: ServerClient,
  plexUrl: string,
  role: ArtworkRole,
  signal?: AbortSignal,
): Promise<FetchedImage> {
  const size = ARTWORK_SIZES[role];
  const res = await client.getBinary('/photo/:/transcode', {
    query: { width: size.width, height: size.height, minSize: 1, upscale: 1, url: plexUrl },
    ...(signal ? { signal } : {}),
  });
  const ext = imageExtension(res.contentType);
  if (!ext) throw new PlexDataError(`${plexUrl}: not an image (${res.contentType ?? 'no content type'})`);
  if (res.data.length === 0) throw new PlexDataError(`${plexUrl}: empty image`);
  return { data: res.data, ext, contentType: res.contentType!.split(';')[0]!.trim() };
}
