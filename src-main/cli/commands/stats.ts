import type { Command } from 'commander';
import { parseSince, readStats, type StatsReport } from '../../core/metrics/stats';
import { artworkStats, type ArtworkStats } from '../../core/store/repositories/artwork-repository';
import type { CliContext } from '../context';
import { collectHealth, type HealthReport } from './health';
import { emit, table } from '../output';

function iso(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z');
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function registerStats(program: Command, ctx: () => CliContext): void {
  program
    .command('stats')
    .description('sync statistics, performance, errors and health for a time range')
    .option('--since <span>', 'start of the range: 7d, 24h, 30m or an ISO date', '7d')
    .option('--until <date>', 'end of the range (ISO date; default now)')
    .option('--bucket <size>', 'performance buckets: day or hour', 'day')
    .action(async (opts: { since: string; until?: string; bucket: string }) => {
      const c = ctx();
      const now = Date.now();
      const range = {
        since: parseSince(opts.since, now),
        until: opts.until ? parseSince(opts.until, now) : now + 1,
      };
      const bucket = opts.bucket === 'hour' ? 'hour' : 'day';
      const core = c.services({ readonly: true });
      const store = core.store;
      const episodeThumbs = core.config().artwork_prefetch_episode_thumbs;
      let numbers: StatsReport & { artwork: ArtworkStats };
      try {
        // Artwork failures are counted here, never as sync errors.
        numbers = {
          ...readStats(store.db, range, { bucket }),
          artwork: artworkStats(store.sqlite, { episodeThumbs }, now),
        };
      } finally {
        core.close();
      }
      // The same answer as `retrovue health`: one health function, one stale limit.
      const health = await collectHealth(c);
      emit(c, { ok: true, ...numbers, health }, renderStats);
    });
}

function renderStats(r: StatsReport & { artwork: ArtworkStats; ok: boolean; health: HealthReport }): string {
  const s = r.sync;
  const o = s.operations;
  const out = [
    `range: ${iso(r.range.since)} .. ${iso(r.range.until)}`,
    '',
    `runs: ${s.runs.total} (${
      Object.entries(s.runs.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    })`,
    `items: +${s.runs.added} ~${s.runs.updated} -${s.runs.removed} =${s.runs.unchanged}, errors ${s.runs.errors}`,
    `operations: ${o.count}, total ${(o.totalDurationMs / 1000).toFixed(1)} s, avg ${o.avgDurationMs} ms, max ${o.maxDurationMs} ms`,
    `throughput: ${o.itemsProcessed} items (${o.itemsPerSecond}/s), ${o.apiCalls} API calls, ${mb(o.bytesReceived)} received, ${o.rowsWritten} rows written`,
  ];
  if (r.performance.length > 0) {
    out.push('', 'performance:');
    out.push(
      table([
        ['from', 'ops', 'avg ms', 'items', 'items/s', 'api', 'errors'],
        ...r.performance.map((p) => [
          iso(p.at),
          String(p.operations),
          String(p.avgDurationMs),
          String(p.itemsProcessed),
          String(p.itemsPerSecond),
          String(p.apiCalls),
          String(p.errors),
        ]),
      ]),
    );
  }
  out.push(
    '',
    `errors: ${r.errors.total} new, ${r.errors.unresolved} unresolved${
      Object.keys(r.errors.byClass).length
        ? ` (${Object.entries(r.errors.byClass)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
        : ''
    }`,
  );
  if (r.errors.top.length > 0) {
    out.push(
      table([
        ['times', 'class', 'last', 'message'],
        ...r.errors.top.map((e) => [
          String(e.occurrences),
          e.errorClass,
          iso(e.lastAt),
          e.message.slice(0, 80),
        ]),
      ]),
    );
  }
  const a = r.artwork;
  out.push(
    '',
    `artwork: ${a.cached}/${a.prefetchable} posters cached (${mb(a.cachedBytes)}), ${a.queued} queued, ${a.retrying} failed and retrying, ${a.missing} missing`,
  );
  out.push('', `health: ${r.health.state}`);
  for (const h of r.health.servers)
    out.push(`  ${h.name}: ${h.state}${h.reasons.length ? ` (${h.reasons.join('; ')})` : ''}`);
  for (const l of r.health.libraries) out.push(`  ${l.title}: last good sync ${iso(l.lastSuccessAt)}`);
  return out.join('\n');
}
