import type { Command } from 'commander';
import type { AccountView, PinView, ServerView as AppServerView } from '../../../src-shared/ipc/contract';
import { accountHandlers } from '../../core/api/account';
import { LoginSession } from '../../core/api/login-session';
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
  type ServerRow,
} from '../../core/store/repositories/server-repository';
import type { CliContext } from '../context';
import { emit, table } from '../output';
import { withInterrupt } from '../interrupt';
import { addTokenOptions, readToken, TOKEN_SOURCES, type TokenFlags } from '../token-input';
import { announcePin } from '../pin-prompt';

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
  for (const s of servers.filter((x) => x.needsLogin)) {
    out.push(
      '',
      `${s.name} no longer accepts RetroVue's sign-in: run \`retrovue servers signin ${s.id}\` to sign in again`,
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

  servers
    .command('signin [server]')
    .description(
      'sign in to Plex again (PIN in the browser, as the app\'s "Sign in again") for a server that refuses the old sign-in',
    )
    .action(async (target: string | undefined) => {
      const c = ctx();
      const core = c.services();
      try {
        const db = core.store.db;
        const server = target !== undefined ? findServer(db, target) : null;
        const account = core.account.accounts.current();
        if (server && !server.needsLogin && account && !account.needsLogin) {
          emit(
            c,
            { ok: true, server: serverViews(db).find((s) => s.id === server.id)!, signedIn: false },
            () => `${server.name} accepts RetroVue's sign-in: nothing to do`,
          );
          return;
        }
        const before = new Set(
          listServers(db)
            .filter((s) => s.needsLogin)
            .map((s) => s.id),
        );
        const signedIn = await withInterrupt((signal) => pinSignIn(core, c.json, signal));
        if (!signedIn) {
          process.stderr.write('retrovue: sign-in cancelled\n');
          process.exitCode = 130;
          return;
        }
        // As the app does after "Sign in again": the servers are read again with the new sign-in.
        await cliServerHandlers(core)['servers:refresh'](undefined);
        const views = serverViews(db);
        const wanted = server ? [server.id] : [...before];
        const still = views.filter((s) => wanted.includes(s.id) && s.needsLogin);
        const fixed = views.filter((s) => wanted.includes(s.id) && !s.needsLogin);
        if (still.length > 0) process.exitCode = 1;
        emit(c, { ok: still.length === 0, account: signedIn, servers: views }, (v) =>
          [
            `signed in as ${v.account.username}`,
            ...fixed.map((s) => `${s.name} accepts the new sign-in and syncs again`),
            ...still.map(
              (s) =>
                `${s.name} still refuses RetroVue's sign-in: it is not on the Plex account ${v.account.username}. Sign in with the account that owns or shares it (\`retrovue servers signin ${s.id}\`), or add it with \`retrovue servers add URL --token-file FILE\``,
            ),
          ].join('\n'),
        );
      } finally {
        core.close();
      }
    });
}

/** A stored server by id or name (as `retrovue servers` lists them). */
function findServer(db: Db, target: string): ServerRow {
  const all = listServers(db);
  const byId = /^\d+$/.test(target) ? all.find((s) => s.id === Number(target)) : undefined;
  const byName = all.filter((s) => s.name.toLowerCase() === target.trim().toLowerCase());
  const found = byId ?? (byName.length === 1 ? byName[0] : undefined);
  if (found) return found;
  if (byName.length > 1)
    throw new UserError(`several servers are called ${target}: give its id (see \`retrovue servers\`)`);
  throw new UserError(`no server ${target}: see \`retrovue servers\` for ids and names`);
}

/**
 * The app's PIN sign-in (login:start and its state events, through the same login session) with
 * the code printed here; resolves the account once approved, or null when cancelled.
 */
function pinSignIn(core: CoreServices, json: boolean, signal: AbortSignal): Promise<AccountView | null> {
  return new Promise((resolve, reject) => {
    let shown: string | null = null;
    const show = (v: PinView) => {
      if (v.status !== 'waiting' || !v.code || !v.authUrl || !v.expiresAt || v.code === shown) return;
      announcePin(json, { code: v.code, authUrl: v.authUrl, expiresAt: v.expiresAt }, shown !== null);
      shown = v.code;
    };
    const session = new LoginSession({
      account: core.account.accounts,
      onState: (v) => {
        show(v);
        if (v.status === 'linked' && v.account) resolve(v.account);
        else if (v.status === 'cancelled') resolve(null);
        else if (v.status === 'expired')
          reject(new UserError('the code expired before it was approved: run the command again'));
        else if (v.status === 'error')
          reject(new UserError(`plex.tv refused the sign-in: ${v.message ?? 'no reason given'}`));
      },
    });
    const handlers = accountHandlers({ account: core.account.accounts, login: session });
    signal.addEventListener('abort', () => handlers['login:cancel'](undefined), { once: true });
    Promise.resolve(handlers['login:start'](undefined)).then(show, reject);
  });
}
