// Plex servers: the known ones, discovery, one added by URL and token, removal. Discovery stores
// what it finds as available; a server is added when the person types it in or selects a library.
import type { ApiHandlers } from '../../../src-shared/ipc/contract';
import { recordAudit } from '../store/repositories/audit-repository';
import { listLibraries } from '../store/repositories/library-repository';
import { getServer, listServers, removeServer } from '../store/repositories/server-repository';
import { NotFoundError, type ApiContext } from './context';
import { serverView } from './views';

type ServerHandlers = Pick<
  ApiHandlers,
  'servers:list' | 'servers:refresh' | 'servers:addManual' | 'servers:remove'
>;

export type ServerHandlerContext = Pick<ApiContext, 'servers' | 'vault' | 'actor'> & {
  store: Pick<ApiContext['store'], 'db'>;
  sync: Pick<ApiContext['sync'], 'reload' | 'cancel'>;
};

export function serverHandlers(ctx: ServerHandlerContext): ServerHandlers {
  const db = ctx.store.db;
  return {
    'servers:list': () => listServers(db).map(serverView),
    'servers:refresh': async () => {
      await ctx.servers.refresh();
      ctx.sync.reload();
      return listServers(db).map(serverView);
    },
    'servers:addManual': async ({ url, token }) => {
      // Audited as server_added by addManualServer, in the same transaction as the server row.
      const row = await ctx.servers.addManual(url, token);
      ctx.sync.reload();
      return serverView(row);
    },
    'servers:remove': async ({ serverId }) => {
      const server = getServer(db, serverId);
      if (!server) throw new NotFoundError(`server ${serverId}`);
      for (const l of listLibraries(db, serverId)) ctx.sync.cancel(l.id);
      if (server.tokenRef) await ctx.vault.delete(server.tokenRef);
      removeServer(db, serverId);
      ctx.sync.reload();
      recordAudit(db, {
        actor: ctx.actor,
        action: 'server_removed',
        details: { name: server.name, machineIdentifier: server.machineIdentifier },
      });
    },
  };
}
