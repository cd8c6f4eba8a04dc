// Which stored library a person means on the command line: its Plex section key or its title, as
// `retrovue libraries` lists them, on one server when --server is given. Mistakes name the fix.
import { UserError } from '../core/errors/errors';
import type { Db } from '../core/store/database';
import { listLibraries, type LibraryRow } from '../core/store/repositories/library-repository';
import { listServers } from '../core/store/repositories/server-repository';

export function parseServerId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0)
    throw new UserError(`--server expects a server id (see \`retrovue servers\`), got ${value}`);
  return id;
}

export function resolveLibrary(db: Db, target: string, serverId?: number): LibraryRow {
  const all = listLibraries(db, serverId);
  if (all.length === 0) {
    throw new UserError(
      'no libraries stored yet: run `retrovue libraries --refresh` to read them from your server',
    );
  }
  const wanted = target.trim().toLowerCase();
  const matches = all.filter((l) => l.plexKey === target.trim() || l.title.toLowerCase() === wanted);
  const names = new Map(listServers(db).map((s) => [s.id, s.name]));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    const where = matches.map((l) => `${names.get(l.serverId) ?? l.serverId} (--server ${l.serverId})`);
    throw new UserError(`"${target}" is a library on several servers: add ${where.join(' or ')}`);
  }
  const known = all.map((l) => `${l.plexKey} (${l.title})`).join(', ');
  throw new UserError(
    `no library "${target}"${serverId !== undefined ? ` on ${names.get(serverId) ?? `server ${serverId}`}` : ''}: use a key or title from \`retrovue libraries\` (${known}), or read them again with \`retrovue libraries --refresh\``,
  );
}
