// Registers a server reached by URL (CLI `sync --server-url`, manual add): who it is (/identity and
// /), where it is, and its movie and show libraries.
import { z } from 'zod';
import { PlexDataError, UserError } from '../errors/errors';
import type { ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import {
  setLibrariesSelected,
  upsertLibraries,
  type LibraryRow,
} from '../store/repositories/library-repository';
import { setChosenConnection, upsertServer, type ServerRow } from '../store/repositories/server-repository';
import { fetchSections } from './sections';

const identitySchema = z.object({ machineIdentifier: z.string().min(1), version: z.string().optional() });
const rootSchema = z.object({
  friendlyName: z.string().optional(),
  platform: z.string().optional(),
  version: z.string().optional(),
});

export interface RegisteredServer {
  server: ServerRow;
  libraries: LibraryRow[];
}

/**
 * Upserts the server and its libraries and selects libraries for syncing: the given section keys,
 * or every movie and show library when none are given (already selected ones stay selected).
 */
export async function registerServerByUrl(
  store: Store,
  client: ServerClient,
  opts: { select?: string[]; signal?: AbortSignal } = {},
): Promise<RegisteredServer> {
  const identity = identitySchema.safeParse(
    (await client.get('/identity', { signal: opts.signal })).data.MediaContainer,
  );
  if (!identity.success) throw new PlexDataError(`${client.baseUrl}/identity has no machineIdentifier`);
  const root = rootSchema.safeParse((await client.get('/', { signal: opts.signal })).data.MediaContainer);
  const info = root.success ? root.data : {};
  const sections = await fetchSections(client, opts.signal);
  const url = new URL(client.baseUrl);
  return store.transaction(() => {
    const server = upsertServer(store.db, {
      machineIdentifier: identity.data.machineIdentifier,
      name: info.friendlyName ?? url.host,
      source: 'manual',
      version: info.version ?? identity.data.version ?? null,
      platform: info.platform ?? null,
    });
    setChosenConnection(store.db, server.id, client.baseUrl, null);
    const libraries = upsertLibraries(store.db, server.id, sections);
    if (opts.select && opts.select.length > 0) {
      const unknown = opts.select.filter((k) => !libraries.some((l) => l.plexKey === k || l.title === k));
      if (unknown.length > 0) {
        throw new UserError(
          `no movie or show library ${unknown.join(', ')} on ${server.name}; libraries: ${libraries.map((l) => `${l.plexKey} (${l.title})`).join(', ')}`,
        );
      }
      const wanted = libraries.filter(
        (l) => opts.select!.includes(l.plexKey) || opts.select!.includes(l.title),
      );
      setLibrariesSelected(
        store.db,
        libraries.filter((l) => !wanted.includes(l)).map((l) => l.id),
        false,
      );
      setLibrariesSelected(
        store.db,
        wanted.map((l) => l.id),
        true,
      );
    } else {
      setLibrariesSelected(
        store.db,
        libraries.map((l) => l.id),
        true,
      );
    }
    return {
      server,
      libraries: libraries.map((l) => ({
        ...l,
        selected: !opts.select?.length || opts.select.includes(l.plexKey) || opts.select.includes(l.title),
      })),
    };
  });
}
