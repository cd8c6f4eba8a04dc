import { join } from 'node:path';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { ArtworkQueue, type ArtworkFillResult } from '../../core/artwork/artwork-queue';
import { ArtworkCache } from '../../core/artwork/cache';
import { PlexAuthError, PlexDataError, UserError } from '../../core/errors/errors';
import type { CoreServices } from '../../core/core-services';
import type { ServerClient } from '../../core/plex/server-client';
import type { Store } from '../../core/store/database';
import { artworkStats, type ArtworkStats } from '../../core/store/repositories/artwork-repository';
import { listLibraries } from '../../core/store/repositories/library-repository';
import { getServerByMachineId } from '../../core/store/repositories/server-repository';
import { PAUSE } from '../../core/errors/errors';
import type { CliContext } from '../context';
import { emit } from '../output';
import { addTokenOptions, readToken, TOKEN_SOURCES, type TokenFlags } from '../token-input';

interface ArtworkFlags extends TokenFlags {
  serverUrl?: string;
  server?: string;
  library?: string[];
}

export interface ArtworkSummary extends ArtworkFillResult {
  ok: boolean;
  libraries: string[];
  durationMs: number;
  cache: ArtworkStats & { limitBytes: number; bytesOnDisk: number };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerArtwork(program: Command, ctx: () => CliContext): void {
  addTokenOptions(program.command('artwork'))
    .description(
      'fill the artwork cache with the posters of synced libraries (scaled by Plex), then exit; `retrovue sync` fetches none',
    )
    .option('--server-url <url>', 'server address (default: the stored login)')
    .option('--server <id>', 'which stored server when there are several')
    .option(
      '--library <key>',
      'library section key or title (repeatable; default: every synced library)',
      collect,
    )
    .action(async (flags: ArtworkFlags) => {
      const c = ctx();
      const core = c.services();
      const config = core.config();
      const store = core.store;
      const controller = new AbortController();
      const onSigint = () => controller.abort(PAUSE);
      process.once('SIGINT', onSigint);
      let client: ServerClient | null = null;
      let unauthorized: ((reason: string) => Promise<void>) | undefined;
      const bar =
        process.stdout.isTTY && !c.json
          ? new SingleBar(
              {
                hideCursor: true,
                clearOnComplete: true,
                format: 'artwork |{bar}| {value}/{total} {fetched} fetched {failed} failed',
              },
              Presets.shades_classic,
            )
          : null;
      try {
        const { serverId, connection, onUnauthorized } = await connect(core, flags, controller.signal);
        client = connection;
        unauthorized = onUnauthorized;
        const libraries = pickLibraries(store, serverId, flags.library);
        const selection = {
          libraryIds: libraries.map((l) => l.id),
          episodeThumbs: config.artwork_prefetch_episode_thumbs,
        };
        const cache = new ArtworkCache(
          join(c.dataDir, 'artwork'),
          () => config.artwork_cache_max_mb * 1_048_576,
        );
        const queue = new ArtworkQueue({
          store,
          cache,
          clientFor: () => Promise.resolve(connection),
          concurrency: () => config.artwork_concurrency,
        });
        const started = Date.now();
        bar?.start(Math.max(1, artworkStats(store.sqlite, selection, started).queued), 0, {
          fetched: 0,
          failed: 0,
        });
        const result = await queue.fill(selection, {
          signal: controller.signal,
          onProgress: (done, r) => bar?.update(done, { fetched: r.fetched, failed: r.failed }),
        });
        bar?.stop();
        const summary: ArtworkSummary = {
          ok: result.failed === 0,
          ...result,
          libraries: libraries.map((l) => l.title),
          durationMs: Date.now() - started,
          cache: {
            ...artworkStats(store.sqlite, selection, Date.now()),
            limitBytes: cache.limitBytes,
            bytesOnDisk: cache.sizeOnDisk(),
          },
        };
        emit(c, summary, render);
        if (!summary.ok) process.exitCode = 1;
      } catch (err) {
        if (err instanceof PlexAuthError && unauthorized) {
          await unauthorized(err.message);
          throw new UserError('the server refused the stored token: run `retrovue login` again');
        }
        throw err;
      } finally {
        bar?.stop();
        process.removeListener('SIGINT', onSigint);
        client?.close();
        core.close();
      }
    });
}

async function connect(
  core: CoreServices,
  flags: ArtworkFlags,
  signal: AbortSignal,
): Promise<{
  serverId: number;
  connection: ServerClient;
  onUnauthorized?: (reason: string) => Promise<void>;
}> {
  const store = core.store;
  if (flags.serverUrl !== undefined) {
    const token = readToken(flags);
    if (!token) throw new UserError(`a Plex token is required with --server-url: ${TOKEN_SOURCES}`);
    const connection = core.serverClientFor({ baseUrl: flags.serverUrl, token });
    try {
      const mc = (await connection.get('/identity', { signal })).data.MediaContainer;
      const id = typeof mc.machineIdentifier === 'string' ? mc.machineIdentifier : null;
      if (!id) throw new PlexDataError(`${connection.baseUrl}/identity has no machineIdentifier`);
      const server = getServerByMachineId(store.db, id);
      if (!server)
        throw new UserError(`${flags.serverUrl} has not been synced yet: run \`retrovue sync\` first`);
      return { serverId: server.id, connection };
    } catch (err) {
      connection.close();
      throw err;
    }
  }
  const serverId = flags.server !== undefined ? Number(flags.server) : undefined;
  if (serverId !== undefined && (!Number.isInteger(serverId) || serverId <= 0))
    throw new UserError(`--server needs a server id, got "${flags.server}"`);
  const stored = await core.serverAccess(serverId, signal);
  return {
    serverId: stored.serverId,
    connection: core.serverClientFor(stored),
    onUnauthorized: (reason) => core.account.accounts.reportServerUnauthorized(stored.serverId, reason),
  };
}

function pickLibraries(store: Store, serverId: number, wanted: string[] | undefined) {
  const all = listLibraries(store.db, serverId);
  if (!wanted?.length) {
    const synced = all.filter((l) => l.selected && l.lastSyncAt !== null);
    if (synced.length === 0)
      throw new UserError('no library of this server has been synced yet: run `retrovue sync` first');
    return synced;
  }
  const unknown = wanted.filter((k) => !all.some((l) => l.plexKey === k || l.title === k));
  if (unknown.length > 0)
    throw new UserError(
      `no library ${unknown.join(', ')}; libraries: ${all.map((l) => `${l.plexKey} (${l.title})`).join(', ')}`,
    );
  return all.filter((l) => wanted.includes(l.plexKey) || wanted.includes(l.title));
}

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

function render(s: ArtworkSummary): string {
  const lines = [
    `artwork: ${s.fetched} fetched, ${s.failed} failed, ${mb(s.bytes)} MB in ${(s.durationMs / 1000).toFixed(1)} s (${s.libraries.join(', ')})`,
    `cache: ${s.cache.cached}/${s.cache.prefetchable} posters, ${mb(s.cache.bytesOnDisk)} of ${mb(s.cache.limitBytes)} MB on disk; ` +
      `${s.cache.retrying} to retry, ${s.cache.missing} missing`,
  ];
  if (s.cache.limitBytes === 0)
    lines.push('artwork_cache_max_mb is 0: nothing is kept on disk, pictures are fetched when shown');
  else if (s.cacheFull)
    lines.push('the cache is full (artwork_cache_max_mb): the rest is fetched when shown');
  return lines.join('\n');
}
