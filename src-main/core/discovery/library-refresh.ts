// A server's libraries from GET /library/sections into the database. Movie and show sections are
// kept; a malformed section is reported and skipped, the others are still stored.
import { z } from 'zod';
import { PlexDataError } from '../errors/errors';
import type { ServerClient } from '../plex/server-client';
import type { Db } from '../store/database';
import { upsertLibraries, type LibraryRow, type PlexSection } from '../store/repositories/library-repository';

const intish = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform((v) => Number(v));

const sectionSchema = z.object({
  key: z.union([z.string().min(1), z.number()]).transform(String),
  type: z.string(),
  title: z.string(),
  agent: z.string().optional(),
  scanner: z.string().optional(),
  language: z.string().optional(),
  uuid: z.string().optional(),
  updatedAt: intish.optional(),
  scannedAt: intish.optional(),
  // An int64 counter that may pass 2^53: kept as its decimal text.
  contentChangedAt: z.union([z.number(), z.string(), z.bigint()]).transform(String).optional(),
  Location: z.array(z.object({ path: z.string() })).optional(),
});

export interface LibraryRefreshResult {
  libraries: LibraryRow[];
  /** Sections of other types (music, photos): not synced. */
  ignored: { key: string; title: string; type: string }[];
  invalid: { index: number; reason: string }[];
}

export function parseSections(mediaContainer: Record<string, unknown>): {
  sections: PlexSection[];
  ignored: LibraryRefreshResult['ignored'];
  invalid: LibraryRefreshResult['invalid'];
} {
  const raw = mediaContainer.Directory ?? [];
  if (!Array.isArray(raw)) throw new PlexDataError('/library/sections: Directory is not a list');
  const sections: PlexSection[] = [];
  const ignored: LibraryRefreshResult['ignored'] = [];
  const invalid: LibraryRefreshResult['invalid'] = [];
  raw.forEach((entry: unknown, index) => {
    const parsed = sectionSchema.safeParse(entry);
    if (!parsed.success) {
      invalid.push({ index, reason: z.prettifyError(parsed.error) });
      return;
    }
    const s = parsed.data;
    if (s.type !== 'movie' && s.type !== 'show') {
      ignored.push({ key: s.key, title: s.title, type: s.type });
      return;
    }
    sections.push({
      key: s.key,
      title: s.title,
      type: s.type,
      agent: s.agent ?? null,
      scanner: s.scanner ?? null,
      language: s.language ?? null,
      uuid: s.uuid ?? null,
      locations: (s.Location ?? []).map((l) => l.path),
      updatedAt: s.updatedAt ?? null,
      scannedAt: s.scannedAt ?? null,
      contentChangedAt: s.contentChangedAt ?? null,
    });
  });
  return { sections, ignored, invalid };
}

/** Reads the server's sections and stores the movie and show ones in one transaction. */
export async function refreshLibraries(
  db: Db,
  serverId: number,
  client: Pick<ServerClient, 'get'>,
  signal?: AbortSignal,
): Promise<LibraryRefreshResult> {
  const { data } = await client.get('/library/sections', signal ? { signal } : {});
  const { sections, ignored, invalid } = parseSections(data.MediaContainer);
  const libraries = db.transaction(() => upsertLibraries(db, serverId, sections));
  return { libraries, ignored, invalid };
}
