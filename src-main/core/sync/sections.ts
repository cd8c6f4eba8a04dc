// The server's library sections: one request that both lists the libraries and tells, through
// updatedAt/contentChangedAt, which of them changed since the last good run.
import type { LibraryType } from '../../../src-shared/domain';
import { PlexDataError } from '../errors/errors';
import { sectionSchema } from '../plex/payloads';
import type { ServerClient } from '../plex/server-client';
import type { PlexSection } from '../store/repositories/library-repository';

/** GET /library/sections -> the server's movie and show sections. */
export async function fetchSections(client: ServerClient, signal?: AbortSignal): Promise<PlexSection[]> {
  const { data } = await client.get('/library/sections', { signal });
  const dirs = data.MediaContainer.Directory ?? [];
  if (!Array.isArray(dirs)) throw new PlexDataError('/library/sections: Directory is not an array');
  const out: PlexSection[] = [];
  for (const raw of dirs) {
    const parsed = sectionSchema.safeParse(raw);
    if (!parsed.success || (parsed.data.type !== 'movie' && parsed.data.type !== 'show')) continue;
    const s = parsed.data;
    out.push({
      key: s.key,
      title: s.title,
      type: s.type as LibraryType,
      agent: s.agent ?? null,
      scanner: s.scanner ?? null,
      language: s.language ?? null,
      uuid: s.uuid ?? null,
      locations: (s.Location ?? []).map((l) => l.path),
      updatedAt: s.updatedAt ?? null,
      scannedAt: s.scannedAt ?? null,
      contentChangedAt: s.contentChangedAt ?? null,
    });
  }
  return out;
}
