// Libraries: the list with counts and progress, a refresh from the server, the selection, and the
// path check of one library's files.
import { inArray } from 'drizzle-orm';
import type { ApiHandlers, LibraryView, PathCheckView } from '../../../src-shared/ipc/contract';
import type { Db } from '../store/database';
import { sampleLibraryFile } from '../store/repositories/item-query-repository';
import { getLibrary, listLibraries, setLibrariesSelected } from '../store/repositories/library-repository';
import { nextRunByLibrary } from '../store/repositories/schedule-repository';
import { getServer } from '../store/repositories/server-repository';
import { itemCountsByLibrary } from '../store/repositories/status-repository';
import { libraries } from '../store/schema';
import { createPathMapper } from '../media/path-mapping';
import { NotFoundError, type ApiContext } from './context';
import { libraryView } from './views';

type LibraryHandlers = Pick<
  ApiHandlers,
  'libraries:list' | 'libraries:refresh' | 'libraries:select' | 'paths:check'
>;

export type LibraryHandlerContext = Pick<ApiContext, 'servers'> & {
  store: Pick<ApiContext['store'], 'db'>;
  config: Pick<ApiContext['config'], 'config'>;
  sync: Pick<ApiContext['sync'], 'reload' | 'progress'>;
};

/** Throws NotFoundError naming every id that is not a library. */
export function requireLibraries(db: Db, ids: number[]): void {
  const known = new Set(
    db
      .select({ id: libraries.id })
      .from(libraries)
      .where(inArray(libraries.id, ids))
      .all()
      .map((r) => r.id),
  );
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length > 0) throw new NotFoundError(`library ${missing.join(', ')}`);
}

export function libraryHandlers(ctx: LibraryHandlerContext): LibraryHandlers {
  const db = ctx.store.db;

  const librariesView = (serverId?: number): LibraryView[] => {
    const counts = itemCountsByLibrary(db);
    const nextRuns = nextRunByLibrary(db);
    return listLibraries(db, serverId).map((l) =>
      libraryView(l, {
        counts: counts.get(l.id) ?? {},
        nextSyncAt: l.selected ? (nextRuns.get(l.id) ?? null) : null,
        progress: ctx.sync.progress(l.id),
      }),
    );
  };

  return {
    'libraries:list': (request) => librariesView(request?.serverId),
    'libraries:refresh': async ({ serverId }) => {
      if (!getServer(db, serverId)) throw new NotFoundError(`server ${serverId}`);
      await ctx.servers.refreshLibraries(serverId);
      ctx.sync.reload();
      return librariesView(serverId);
    },
    'libraries:select': ({ libraryIds, selected }) => {
      requireLibraries(db, libraryIds);
      setLibrariesSelected(db, libraryIds, selected);
      ctx.sync.reload();
      return librariesView();
    },
    'paths:check': ({ libraryId }): PathCheckView => {
      const library = getLibrary(db, libraryId);
      if (!library) throw new NotFoundError(`library ${libraryId}`);
      const server = getServer(db, library.serverId);
      const sample = sampleLibraryFile(db, libraryId);
      if (!sample) {
        return {
          libraryId,
          sample: null,
          state: null,
          message: 'no file synced yet: run a sync of this library first',
        };
      }
      const mapper = createPathMapper(ctx.config.config.path_replacements, server?.machineIdentifier ?? null);
      const { localPath, mapped, state } = mapper.check(sample.plexPath);
      const exists = state === 'found';
      const message = exists
        ? `found on this computer${mapped ? ` as ${localPath}` : ''}`
        : mapped
          ? `not found at ${localPath}: check the path replacement`
          : `not found at ${localPath}: add a path replacement from the Plex folder to where it is on this computer`;
      return {
        libraryId,
        sample: { title: sample.title, plexPath: sample.plexPath, localPath, exists },
        state: sample.state,
        message,
      };
    },
  };
}
