import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { PathReplacement } from '../../../src-shared/config-schema';
import type { LibrarySyncResult, RetryWait, RunCounts, SyncProgress } from '../../../src-shared/sync-types';
import { createEmitter } from '../../../src-shared/typed-emitter';
import { retryWait, type RetryAttemptInfo } from '../../core/errors/retry';
import type { ServerAccess } from '../../core/discovery/server-access';
import {
  PAUSE,
  PlexAuthError,
  PlexNetworkError,
  PlexTimeoutError,
  UserError,
} from '../../core/errors/errors';
import { SyncEngine } from '../../core/sync/engine';
import { getServer, type ServerRow } from '../../core/store/repositories/server-repository';
import type { PlexSection } from '../../core/store/repositories/library-repository';
import { fetchSections } from '../../core/sync/sections';
import { registerServerByUrl, selectLibraries } from '../../core/sync/server-setup';
import type { CliContext } from '../context';
import { emit, table } from '../output';
import { addTokenOptions, readToken, TOKEN_SOURCES, type TokenFlags } from '../token-input';

interface SyncFlags extends TokenFlags {
  serverUrl?: string;
  server?: string;
  library?: string[];
  deep?: boolean;
  full?: boolean;
  confirmDeletions?: boolean;
  wait?: boolean;
  pathMap?: string[];
}

export interface SyncSummary {
  ok: boolean;
  server: { id: number; name: string; url: string };
  libraries: LibrarySyncResult[];
  totals: RunCounts;
  durationMs: number;
}

function parsePathMap(values: string[] | undefined): PathReplacement[] {
  return (values ?? []).map((v) => {
    const i = v.indexOf('=');
    if (i <= 0 || i === v.length - 1) throw new UserError(`--path-map needs FROM=TO, got "${v}"`);
    return { from: v.slice(0, i), to: v.slice(i + 1) };
  });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function directServer(serverUrl: string, token: string | undefined): { url: string; token: string } {
  if (!token) throw new UserError(`a Plex token is required with --server-url: ${TOKEN_SOURCES}`);
  try {
    return { url: new URL(serverUrl).toString(), token };
  } catch {
    throw new UserError(`--server-url is not a URL: ${serverUrl}`);
  }
}

function parseServerId(value: string): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id <= 0) throw new UserError(`--server needs a server id, got "${value}"`);
  return id;
}

export function registerSync(program: Command, ctx: () => CliContext): void {
  addTokenOptions(program.command('sync'))
    .description(
      "sync a server into the database: the stored login's server, or one given by --server-url and --token",
    )
    .option(
      '--server-url <url>',
      'server address, e.g. http://192.168.1.10:32400 (default: the stored login)',
    )
    .option('--server <id>', 'which stored server to sync (see `retrovue servers`) when there are several')
    .option(
      '--library <key>',
      'library section key or title to sync (repeatable; default: all movie and show libraries)',
      collect,
    )
    .option('--deep', 'deep scan: fetch every item again and re-check every file', false)
    .option('--full', 'list every library even when Plex says it has not changed', false)
    .option(
      '--confirm-deletions',
      'apply deletions held because one listing would remove more than mass_delete_threshold of a library',
      false,
    )
    .option('--wait', 'if another process is syncing a library, wait for it instead of stopping', false)
    .option(
      '--path-map <from=to>',
      'path replacement, Plex path prefix = local prefix (repeatable, tried first)',
      collect,
    )
    .action(async (flags: SyncFlags) => {
      const c = ctx();
      const direct = flags.serverUrl !== undefined ? directServer(flags.serverUrl, readToken(flags)) : null;
      const serverId = flags.server !== undefined ? parseServerId(flags.server) : undefined;
      const pathMap = parsePathMap(flags.pathMap);
      const core = c.services();
      const config = core.config();
      const store = core.store;
      const controller = new AbortController();
      const onSigint = () => controller.abort(PAUSE);
      process.once('SIGINT', onSigint);
      let stored: ServerAccess | null = null;
      try {
        // No /identity probe: the sections request below tells whether the connection still works.
        if (!direct) stored = await core.serverAccess(serverId, controller.signal, { verify: false });
      } catch (err) {
        process.removeListener('SIGINT', onSigint);
        core.close();
        throw err;
      }
      // Retry waits reach the run's progress: the bar, or a line on stderr without a terminal.
      const retries = createEmitter<{ wait: RetryWait }>();
      const onRetry = (info: RetryAttemptInfo) => retries.emit('wait', retryWait(info));
      let client = core.serverClientFor(
        direct ? { baseUrl: direct.url, token: direct.token } : stored!,
        onRetry,
      );
      const bar = process.stdout.isTTY && !c.json ? new ProgressBar() : null;
      const started = Date.now();
      try {
        let server: ServerRow;
        let sections: PlexSection[];
        if (direct) {
          ({ server, sections } = await registerServerByUrl(store, client, {
            ...(flags.library ? { select: flags.library } : {}),
            signal: controller.signal,
          }));
        } else {
          try {
            sections = await fetchSections(client, controller.signal);
          } catch (err) {
            if (!(err instanceof PlexNetworkError || err instanceof PlexTimeoutError)) throw err;
            // The remembered connection stopped answering: check it and pick another.
            stored = await core.serverAccess(stored!.serverId, controller.signal);
            client.close();
            client = core.serverClientFor(stored, onRetry);
            sections = await fetchSections(client, controller.signal);
          }
          server = getServer(store.db, stored!.serverId)!;
          const known = server;
          store.transaction(() => selectLibraries(store, known, sections, flags.library));
        }
        const engine = new SyncEngine({
          store,
          config: { ...config, path_replacements: [...pathMap, ...config.path_replacements] },
          clientFor: () => client,
        });
        const results = await engine.syncServer(server.id, {
          sections,
          kind: flags.deep ? 'deep' : flags.full ? 'full' : 'incremental',
          confirmDeletions: flags.confirmDeletions === true,
          trigger: 'cli',
          signal: controller.signal,
          wait: flags.wait ?? false,
          retryWaits: (listener) => retries.on('wait', listener),
          ...(bar
            ? { onProgress: (p: SyncProgress) => bar.update(p) }
            : c.json
              ? {}
              : { onProgress: reportRetryWaits((line) => process.stderr.write(`${line}\n`)) }),
        });
        bar?.stop();
        const sum = (k: keyof SyncSummary['totals']) => results.reduce((n, r) => n + r[k], 0);
        const summary: SyncSummary = {
          ok: results.every((r) => r.status === 'succeeded' || r.status === 'skipped'),
          server: { id: server.id, name: server.name, url: client.baseUrl },
          libraries: results,
          totals: {
            added: sum('added'),
            updated: sum('updated'),
            removed: sum('removed'),
            unchanged: sum('unchanged'),
            errors: sum('errors'),
            // Registration requests (/identity, /, /library/sections) count too.
            apiCalls: client.stats().apiCalls,
          },
          durationMs: Date.now() - started,
        };
        emit(c, summary, renderSummary);
        if (!summary.ok) process.exitCode = 1;
      } catch (err) {
        // A dead token: mark the server so nothing keeps retrying it, and say what to do.
        if (err instanceof PlexAuthError && stored) {
          await core.account.accounts.reportServerUnauthorized(stored.serverId, err.message);
          throw new UserError(
            `${stored.name} refused the stored token: run \`retrovue servers signin ${stored.serverId}\` to sign in again`,
          );
        }
        throw err;
      } finally {
        bar?.stop();
        process.removeListener('SIGINT', onSigint);
        client.close();
        core.close();
      }
    });
}

/** Without a terminal only the retry waits are told, each once: "Movies: waiting 8 s after a server error, try 2 of 4". */
function reportRetryWaits(write: (line: string) => void): (p: SyncProgress) => void {
  let last = 0;
  return (p) => {
    if (!p.retry || p.retry.until === last) return;
    last = p.retry.until;
    write(`${p.libraryTitle}: ${retryWaitWords(p.retry)}`);
  };
}

function retryWaitWords(wait: RetryWait): string {
  return `waiting ${wait.seconds} s after ${wait.reason}, try ${wait.attempt} of ${wait.maxAttempts}`;
}

/** A terminal progress bar fed by the engine's throttled snapshots. */
class ProgressBar {
  private readonly bar = new SingleBar(
    {
      format: '{library} {phase} |{bar}| {value}/{total} {rate}/s ETA {eta_s}s {title}',
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  private started = false;
  private stopped = false;

  update(p: SyncProgress): void {
    if (this.stopped) return;
    const payload = {
      library: p.libraryTitle,
      phase: p.retry && p.retry.until > Date.now() ? retryWaitWords(p.retry) : p.phase,
      rate: p.itemsPerSecond,
      eta_s: p.etaSeconds ?? '?',
      title: (p.currentTitle ?? '').slice(0, 40),
    };
    if (!this.started) {
      this.bar.start(Math.max(p.total, 1), p.done, payload);
      this.started = true;
    } else {
      this.bar.setTotal(Math.max(p.total, 1));
      this.bar.update(p.done, payload);
    }
  }

  stop(): void {
    if (this.started && !this.stopped) this.bar.stop();
    this.stopped = true;
  }
}

function renderSummary(s: SyncSummary): string {
  const rows = [
    ['library', 'status', 'added', 'updated', 'removed', 'unchanged', 'errors', 'api calls', 'seconds'],
    ...s.libraries.map((r) => [
      r.libraryTitle,
      r.skippedUnchanged ? 'unchanged' : r.resumedFromRunId ? `${r.status} (resumed)` : r.status,
      String(r.added),
      String(r.updated),
      String(r.removed),
      String(r.unchanged),
      String(r.errors),
      String(r.apiCalls),
      (r.durationMs / 1000).toFixed(1),
    ]),
  ];
  const t = s.totals;
  const lines = [
    `server: ${s.server.name} (${s.server.url})`,
    table(rows),
    `total: ${t.added} added, ${t.updated} updated, ${t.removed} removed, ${t.unchanged} unchanged, ${t.errors} errors, ` +
      `${t.apiCalls} API calls, ${(s.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const r of s.libraries) if (r.errorMessage) lines.push(`${r.libraryTitle}: ${r.errorMessage}`);
  return lines.join('\n');
}
