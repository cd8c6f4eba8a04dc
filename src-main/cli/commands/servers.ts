import type { Command } from 'commander';
import type { ServerView as AppServerView } from '../../../src-shared/ipc/contract';
import { serverView } from '../../core/api/views';
import { serverHandlers } from '../../core/api/servers';
import type { CoreServices } from '../../core/core-services';
import type { DiscoveryProblem } from '../../core/discovery/discover';
import { UserError } from '../../core/errors/errors';
import type { Db } from '../../core/store/database';
import {
  listServers,
  parseConnections,
  type ServerConnection,
} from '../../core/store/repositories/server-repository';
import type { CliContext } from '../context';
import { emit, table } from '../output';
import { withInterrupt } from '../interrupt';
import { addTokenOptions, readToken, TOKEN_SOURCES, type TokenFlags } from '../token-input';

/**
 * A server as the CLI shows it: the app's view (an allow-list: no token), plus whether a token is
 * stored and each connection's full check result.
 */
type ServerView = Omit<AppServerView, 'connections' | 'latencyMs'> & {
  hasToken: boolean;
  chosenLatencyMs: number | null;
  connections: ServerConnection[];
};

export function serverViews(db: Db): ServerView[] {
  return listServers(db).map((s) => {
    const { connections: _appConnections, latencyMs: chosenLatencyMs, ...common } = serverView(s);
    return {
      ...common,
      hasToken: s.tokenRef !== null,
      chosenLatencyMs,
      connections: parseConnections(s.connectionsJson),
    };
  });
}

function serverState(s: ServerView): string {
  if (s.needsLogin) return 'needs login';
  if (!s.hasToken) return 'no token';
  return s.chosenUri ? 'ok' : 'unreachable';
}

export function renderServers(servers: ServerView[], problems: DiscoveryProblem[] = []): string {
  if (servers.length === 0) {
    return 'no servers known: run `retrovue login`, or `retrovue servers add URL --token-file FILE`';
  }
  const out: string[] = [
    table([
      ['id', 'name', 'synced', 'owner', 'version', 'found by', 'chosen connection', 'latency', 'state'],
      ...servers.map((s) => [
        String(s.id),
        s.name,
        s.added ? 'added' : 'available',
        s.owned ? 'you' : (s.sourceTitle ?? 'shared'),
        s.version ?? '-',
        s.sources.join(','),
        s.chosenUri ?? '-',
        s.chosenLatencyMs !== null ? `${s.chosenLatencyMs} ms` : '-',
        serverState(s),
      ]),
    ]),
  ];
  for (const s of servers) {
    if (s.connections.length === 0) continue;
    out.push('', `${s.name} connections:`);
    out.push(
      table(
        s.connections.map((c) => [
          c.uri === s.chosenUri ? '*' : ' ',
          c.uri,
          c.kind,
          c.ok === null
            ? 'untested'
            : c.ok
              ? `ok ${c.latencyMs ?? '?'} ms`
              : `failed: ${c.error ?? 'no answer'}`,
        ]),
      ),
    );
  }
  if (problems.length > 0) {
    out.push('', 'problems:');
    for (const p of problems) out.push(`  ${p.source}: ${p.message}`);
  }
  return out.join('\n');
}

/** The app's server handlers over the CLI's services: the same add and remove as the window's. */
function cliServerHandlers(core: CoreServices) {
  return serverHandlers({
    store: core.store,
    servers: core.servers,
    vault: core.vault,
    actor: core.actor,
    sync: core.sync,
  });
}

export function registerServers(program: Command, ctx: () => CliContext): void {
  const servers = program
    .command('servers')
    .description('known Plex servers, their connections, latency and which one is used')
    .option('--refresh', 'ask plex.tv and the local network again and re-test every connection', false)
    .option('--no-gdm', 'skip local network discovery (GDM) when refreshing')
    .action(async (opts: { refresh: boolean; gdm: boolean }) => {
      const c = ctx();
      const core = c.services();
      try {
        let problems: DiscoveryProblem[] = [];
        if (opts.refresh) {
          problems = (await withInterrupt((signal) => core.servers.discover({ signal, gdm: opts.gdm })))
            .problems;
        }
        const views = serverViews(core.store.db);
        emit(c, { ok: true, servers: views, problems }, (v) => renderServers(v.servers, v.problems));
      } finally {
        core.close();
      }
    });

  addTokenOptions(
    servers.command('add <url>').description(`add a server by URL and token (${TOKEN_SOURCES})`),
  ).action(async (url: string, opts: TokenFlags) => {
    const c = ctx();
    const token = readToken(opts);
    if (!token) throw new UserError(`give the server token with ${TOKEN_SOURCES}`);
    const core = c.services();
    try {
      const row = await cliServerHandlers(core)['servers:addManual']({ url, token });
      const view = serverViews(core.store.db).find((s) => s.id === row.id)!;
      emit(
        c,
        { ok: true, server: view },
        (v) => `added ${v.server.name} (id ${v.server.id}) at ${v.server.chosenUri}`,
      );
    } finally {
      core.close();
    }
  });
}
