import type { Command } from 'commander';
import { refreshLibraries } from '../../core/discovery/library-refresh';
import { resolveServerAccess } from '../../core/discovery/server-access';
import { CancelledError, describeError, PlexAuthError, UserError } from '../../core/errors/errors';
import { createServerClient } from '../../core/plex/server-client';
import { listLibraries } from '../../core/store/repositories/library-repository';
import { getServer, listServers } from '../../core/store/repositories/server-repository';
import type { CliContext } from '../context';
import { emit, table } from '../output';
import { openPlexSession, withInterrupt, type PlexSession } from '../plex-session';

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

/** Reads /library/sections of one server into the database; a 401 marks the server. */
async function refreshOne(session: PlexSession, serverId: number, signal: AbortSignal): Promise<void> {
  const db = session.store.db;
  const access = await resolveServerAccess(db, session.vault, session.identity, { serverId, signal });
  const client = createServerClient({
    baseUrl: access.baseUrl,
    token: access.token,
    identity: session.identity,
    timeoutMs: session.config.api_timeout_seconds * 1000,
  });
  try {
    await refreshLibraries(db, serverId, client, signal);
  } catch (err) {
    if (err instanceof PlexAuthError)
      await session.accounts.reportServerUnauthorized(serverId, describeError(err));
    throw err;
  } finally {
    client.close();
  }
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
      const session = openPlexSession(c);
      try {
        const db = session.store.db;
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
                await refreshOne(session, id, signal);
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
        session.close();
      }
    });
}
