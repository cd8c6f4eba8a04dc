import type { Command } from 'commander';
import { CancelledError, describeError, UserError } from '../../core/errors/errors';
import { listLibraries } from '../../core/store/repositories/library-repository';
import { getServer, listServers } from '../../core/store/repositories/server-repository';
import type { CliContext } from '../context';
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

function parseServerId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0)
    throw new UserError(`--server expects a server id (see \`retrovue servers\`), got ${value}`);
  return id;
}

export function registerLibraries(program: Command, ctx: () => CliContext): void {
  program
    .command('libraries')
    .description('movie and TV libraries of the stored servers (--refresh reads them from Plex again)')
    .option('--server <id>', 'only this server')
    .option('--refresh', 'read the library list from the server(s) first', false)
    .action(async (opts: { server?: string; refresh: boolean }) => {
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
        emit(c, { ok: problems.length === 0, libraries, problems }, (v) => {
          const out: string[] = [];
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
