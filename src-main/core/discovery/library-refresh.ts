// A server's libraries from GET /library/sections into the database. The sections are read by the
// same parser the sync engine uses, so a refresh from the UI or CLI stores exactly what a sync
// would (a malformed section, or one that is not movies or shows, is skipped).
import type { ServerClient } from '../plex/server-client';
import type { Db } from '../store/database';
import { upsertLibraries, type LibraryRow } from '../store/repositories/library-repository';
import { fetchSections } from '../sync/sections';

/** Reads the server's sections and stores the movie and show ones in one transaction. */
export async function refreshLibraries(
  db: Db,
  serverId: number,
  client: ServerClient,
  signal?: AbortSignal,
): Promise<{ libraries: LibraryRow[] }> {
  const sections = await fetchSections(client, signal);
  const libraries = db.transaction(() => upsertLibraries(db, serverId, sections));
  return { libraries };
}
