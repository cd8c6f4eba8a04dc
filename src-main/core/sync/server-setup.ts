// Registers a server reached by URL (CLI `sync --server-url`, manual add): who it is (/identity and
// / the first time), where it is, and its movie and show libraries.
import { z } from 'zod';
import { PlexDataError, UserError } from '../errors/errors';
import type { ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import {
  setLibrariesSelected,
  upsertLibraries,
  type LibraryRow,
  type PlexSection,
} from '../store/repositories/library-repository';
import {
  getServerByMachineId,
  setChosenConnection,
  upsertServer,
  type ServerRow,
} from '../store/repositories/server-repository';
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
  /** The /library/sections answer, for the sync to reuse instead of asking again. */
  sections: PlexSection[];
}

/**
 * Upserts the server and its libraries and selects libraries for syncing (see selectLibraries).
 * A server seen before costs two requests (/identity, /library/sections): its name and version are
 * kept from the first registration, when `/` was asked.
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
  const known = getServerByMachineId(store.db, identity.data.machineIdentifier);
  let info: z.infer<typeof rootSchema> = {};
  if (known) {
    info = {
      friendlyName: known.name,
      ...(known.platform ? { platform: known.platform } : {}),
      ...(known.version ? { version: known.version } : {}),
    };
  } else {
    const root = rootSchema.safeParse((await client.get('/', { signal: opts.signal })).data.MediaContainer);
    if (root.success) info = root.data;
  }
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
    return { server, libraries: selectLibraries(store, server, sections, opts.select), sections };
  });
}

/**
 * Stores a server's libraries from its /library/sections answer and selects the given section
 * keys or titles for syncing, or every movie and show library when none are given.
 */
export function selectLibraries(
  store: Store,
  server: ServerRow,
  sections: PlexSection[],
  select: string[] | undefined,
): LibraryRow[] {
  const libraries = upsertLibraries(store.db, server.id, sections);
  if (select && select.length > 0) {
    const unknown = select.filter((k) => !libraries.some((l) => l.plexKey === k || l.title === k));
    if (unknown.length > 0) {
      throw new UserError(
        `no movie or show library ${unknown.join(', ')} on ${server.name}; libraries: ${libraries.map((l) => `${l.plexKey} (${l.title})`).join(', ')}`,
      );
    }
    const wanted = libraries.filter((l) => select.includes(l.plexKey) || select.includes(l.title));
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
  return libraries.map((l) => ({
    ...l,
    selected: !select?.length || select.includes(l.plexKey) || select.includes(l.title),
  }));
}
