import type { Command } from 'commander';
import { CancelledError, describeError, UserError } from '../../core/errors/errors';
import { listLibraries } from '../../core/store/repositories/library-repository';
import { getServer, listServers } from '../../core/store/repositories/server-repository';
import { libraryHandlers } from '../../core/api/libraries';
import type { CoreServices } from '../../core/core-services';
import type { CliContext } from '../context';
import { parseServerId, resolveLibrary } from '../library-target';
import { emit, table } from '../output';
import { withInterrupt } from '../interrupt';

export interface LibraryView {
  id: number;
  serverId: number;
  server: string;
  key: string;
  title: string;
  type: string;
  selected: boolean;
  locations: string[];
  lastSyncAt: number | null;
  lastSyncStatus: string | null;
}

/** The app's library handlers over the CLI's services: the same selection as the window's. */
function cliLibraryHandlers(core: CoreServices) {
  return libraryHandlers({
    store: core.store,
    servers: core.servers,
    config: core.configStore,
    sync: core.sync,
  });
}

interface LibrariesFlags {
  server?: string;
  refresh: boolean;
  select?: string[];
  unselect?: string[];
}

/** --select and --unselect through the app's handler; returns what changed, in the order given. */
function chooseLibraries(
  core: CoreServices,
  opts: LibrariesFlags,
  serverId: number | undefined,
): { id: number; serverId: number; title: string; selected: boolean }[] {
  const db = core.store.db;
  const on = (opts.select ?? []).map((t) => resolveLibrary(db, t, serverId));
  const off = (opts.unselect ?? []).map((t) => resolveLibrary(db, t, serverId));
  const both = on.find((l) => off.some((o) => o.id === l.id));
  if (both) throw new UserError(`${both.title} is both in --select and --unselect: pick one`);
  const handlers = cliLibraryHandlers(core);
  if (on.length > 0) handlers['libraries:select']({ libraryIds: on.map((l) => l.id), selected: true });
  if (off.length > 0) handlers['libraries:select']({ libraryIds: off.map((l) => l.id), selected: false });
  return [
    ...on.map((l) => ({ id: l.id, serverId: l.serverId, title: l.title, selected: true })),
    ...off.map((l) => ({ id: l.id, serverId: l.serverId, title: l.title, selected: false })),
  ];
}

export function registerLibraries(program: Command, ctx: () => CliContext): void {
  program
    .command('libraries')
    .description(
      'movie and TV libraries of the stored servers (--refresh reads them from Plex again); --select and --unselect choose which are synced',
    )
    .option('--server <id>', 'only this server')
    .option('--refresh', 'read the library list from the server(s) first', false)
    .option('--select <library...>', 'keep these libraries in sync (key or title, as listed)')
    .option('--unselect <library...>', 'stop syncing these libraries (what is stored is kept)')
    .action(async (opts: LibrariesFlags) => {
      const c = ctx();
      const serverId = parseServerId(opts.server);
      const core = c.services();
      try {
        const db = core.store.db;
        if (serverId !== undefined && !getServer(db, serverId)) {
          throw new UserError(`no server with id ${serverId}: see \`retrovue servers\``);
        }
        const problems: { serverId: number; message: string }[] = [];
        if (opts.refresh) {
          const targets =
            serverId !== undefined
              ? [serverId]
              : listServers(db)
                  .filter((s) => s.tokenRef && !s.needsLogin)
                  .map((s) => s.id);
          await withInterrupt(async (signal) => {
            for (const id of targets) {
              try {
                // The app's refresh: the stored token, a checked connection, a 401 marks the server.
                await core.servers.refreshLibraries(id, signal);
              } catch (err) {
                if (err instanceof CancelledError || serverId !== undefined) throw err;
                problems.push({ serverId: id, message: describeError(err) });
              }
            }
          });
        }
        const changed = chooseLibraries(core, opts, serverId);
        const names = new Map(listServers(db).map((s) => [s.id, s.name]));
        const libraries: LibraryView[] = listLibraries(db, serverId).map((l) => ({
          id: l.id,
          serverId: l.serverId,
          server: names.get(l.serverId) ?? String(l.serverId),
          key: l.plexKey,
          title: l.title,
          type: l.type,
          selected: l.selected,
          locations: JSON.parse(l.locationsJson) as string[],
          lastSyncAt: l.lastSyncAt,
          lastSyncStatus: l.lastSyncStatus,
        }));
        if (problems.length > 0) process.exitCode = 1;
        emit(c, { ok: problems.length === 0, libraries, changed, problems }, (v) => {
          const out: string[] = [];
          for (const l of v.changed) {
            const server = names.get(l.serverId) ?? String(l.serverId);
            out.push(
              l.selected
                ? `now syncing ${l.title} from ${server}: the app or \`retrovue daemon\` syncs it on its schedule (see \`retrovue schedules\`)`
                : `no longer syncing ${l.title} from ${server}; what is stored is kept`,
            );
          }
          if (v.changed.length > 0) out.push('');
          if (v.libraries.length === 0) {
            out.push(
              opts.refresh
                ? 'no movie or TV libraries found'
                : 'no libraries stored: run `retrovue libraries --refresh`',
            );
          } else {
            out.push(
              table([
                ['id', 'server', 'key', 'title', 'type', 'selected', 'last sync'],
                ...v.libraries.map((l) => [
                  String(l.id),
                  l.server,
                  l.key,
                  l.title,
                  l.type,
                  l.selected ? 'yes' : 'no',
                  l.lastSyncAt
                    ? `${new Date(l.lastSyncAt).toISOString()} ${l.lastSyncStatus ?? ''}`
                    : 'never',
                ]),
              ]),
            );
          }
          for (const p of v.problems) out.push(`server ${p.serverId}: ${p.message}`);
          return out.join('\n');
        });
      } finally {
        core.close();
      }
    });
}
