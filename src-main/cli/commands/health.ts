import type { Command } from 'commander';
import type { HealthStatus } from '../../../src-shared/service-events';
import { readHealth, serviceStateOf } from '../../core/service/health';
import { fetchDaemonHealth } from '../../core/service/health-server';
import { DEFAULT_SERVICE_NAME } from '../../core/service/sync-service';
import { getService, parsePublished } from '../../core/store/repositories/service-repository';
import type { CliContext } from '../context';
import { emit, table } from '../output';

export interface HealthReport extends HealthStatus {
  /** Where the answer came from: the running daemon's endpoint, or the database alone. */
  source: 'daemon' | 'database';
}

/** The running service's own answer when one is up and serving, else what the database says. */
export async function collectHealth(c: CliContext): Promise<HealthReport> {
  const core = c.services({ readonly: true });
  const store = core.store;
  try {
    const row = getService(store.db, DEFAULT_SERVICE_NAME);
    const published = row ? parsePublished(row) : {};
    const { healthPort: port, healthToken: token } = published;
    if (row && port && token && serviceStateOf(row, Date.now()) !== 'stopped') {
      const live = await fetchDaemonHealth(port, token);
      if (live) return { ...live, source: 'daemon' };
    }
    return { ...readHealth(store.db, DEFAULT_SERVICE_NAME, null), source: 'database' };
  } finally {
    core.close();
  }
}

export function registerHealth(program: Command, ctx: () => CliContext): void {
  program
    .command('health')
    .description(
      'service state, server reachability and tokens, last success per library, queue; exit 1 when unhealthy',
    )
    .action(async () => {
      const c = ctx();
      const report = await collectHealth(c);
      emit(c, report, renderHealth);
      if (!report.ok) process.exitCode = 1;
    });
}

const when = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

function ago(ms: number | null, now: number): string {
  if (ms === null) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function renderHealth(h: HealthReport): string {
  const out: string[] = [];
  const service =
    h.service === 'stopped'
      ? 'not running (start it with `retrovue daemon` or the desktop app)'
      : `${h.service} since ${when(h.startedAt)} (heartbeat ${ago(h.heartbeatAt, h.checkedAt)})`;
  out.push(`service:   ${service}`);
  out.push(`database:  ${h.databaseOk ? 'ok' : 'NOT OK'}`);
  out.push(
    `account:   ${h.account ? `${h.account.username}${h.account.needsLogin ? ' (NEEDS LOGIN)' : ''}` : 'none (run `retrovue login`)'}`,
  );
  if (h.servers.length > 0) {
    out.push('', 'servers:');
    out.push(
      table([
        [
          'id',
          'name',
          'state',
          'reachable',
          'token',
          'live push',
          'errors in a row',
          'cooling down until',
          'connection',
        ],
        ...h.servers.map((s) => [
          String(s.serverId),
          s.name,
          s.state,
          s.reachable === null ? 'unknown' : s.reachable ? 'yes' : 'NO',
          s.tokenOk ? 'ok' : 'NEEDS LOGIN',
          s.livePush ?? 'off',
          String(s.consecutiveErrors),
          s.cooldownUntil === null ? '-' : when(s.cooldownUntil),
          s.chosenUri ?? '-',
        ]),
      ]),
    );
  }
  if (h.libraries.length > 0) {
    out.push('', 'libraries:');
    out.push(
      table([
        ['id', 'title', 'last success', 'last status', 'next run'],
        ...h.libraries.map((l) => [
          String(l.libraryId),
          l.title,
          ago(l.lastSuccessAt, h.checkedAt),
          l.lastStatus ?? '-',
          when(l.nextRunAt),
        ]),
      ]),
    );
  }
  if (h.queue.length > 0) {
    out.push('', 'queue:');
    out.push(
      table([
        ['library', 'kind', 'trigger', 'status', 'run'],
        ...h.queue.map((q) => [
          q.libraryTitle,
          q.kind,
          q.trigger,
          q.status === 'retrying' && q.retryAt !== undefined ? `retrying at ${when(q.retryAt)}` : q.status,
          q.runId === null ? '-' : String(q.runId),
        ]),
      ]),
    );
  }
  if (h.reasons.length > 0) out.push('', `${h.state}:`, ...h.reasons.map((r) => `  ${r}`));
  out.push(
    '',
    h.ok ? (h.state === 'degraded' ? 'healthy, with problems to look at' : 'healthy') : 'PROBLEMS FOUND',
  );
  return out.join('\n');
}
