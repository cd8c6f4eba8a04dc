import type { Command } from 'commander';
import type { ServiceEvent } from '../../../src-shared/service-events';
import { UserError } from '../../core/errors/errors';
import { getLogger } from '../../core/logging/logger';
import type { StopReport } from '../../core/service/sync-service';
import type { CliContext } from '../context';

/** After a stop, anything still holding the event loop open gets this long before we exit anyway. */
const EXIT_GRACE_MS = 2_000;

function parseSeconds(flag: string, raw: string, max: number): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > max)
    throw new UserError(`${flag} ${JSON.stringify(raw)}: expected seconds between 0 and ${max}`);
  return n;
}

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UserError(`--health-port ${JSON.stringify(raw)}: expected a port 0-65535 (0: any free port)`);
  return n;
}

/** One line per event for people; progress is left to the health endpoint and the app. */
export function describeEvent(e: ServiceEvent): string | null {
  switch (e.type) {
    case 'state':
      return `service ${e.state}`;
    case 'queued':
      return `queued library ${e.libraryId} (${e.kind}, ${e.trigger}) at position ${e.position}`;
    case 'started':
      return `run ${e.runId}: library ${e.libraryId} started (${e.kind}, ${e.trigger})`;
    case 'progress':
      return null;
    case 'finished': {
      const r = e.result;
      if (r.skippedUnchanged) return `run ${r.runId}: ${r.libraryTitle} unchanged on the server`;
      return `run ${r.runId}: ${r.libraryTitle} ${r.status} in ${(r.durationMs / 1000).toFixed(1)} s: +${r.added} ~${r.updated} -${r.removed} =${r.unchanged}, ${r.errors} error(s)`;
    }
    case 'failed':
      return `library ${e.libraryId} failed${e.errorClass ? ` (${e.errorClass})` : ''}: ${e.message}`;
    case 'skipped':
      return `library ${e.libraryId} skipped: ${e.reason}`;
    case 'paused':
      return 'paused';
    case 'resumed':
      return 'resumed';
    case 'operation':
      return `${e.operation} ${e.status}${e.message ? `: ${e.message}` : ''}`;
    case 'needs_login':
      return `needs login (${e.scope}${e.serverId !== null ? ` ${e.serverId}` : ''}): ${e.message}`;
    case 'server_cooldown':
      return `server ${e.serverId} cooling down until ${new Date(e.until).toISOString()}`;
  }
}

export function registerDaemon(program: Command, ctx: () => CliContext): void {
  program
    .command('daemon')
    .description(
      'run the sync service headless (schedules and live push) until SIGINT/SIGTERM; serves /health on 127.0.0.1',
    )
    .option(
      '--health-port <port>',
      'loopback health endpoint port (default: config health_port; 0 = any free port)',
    )
    .option('--stop-timeout <seconds>', 'how long a stop waits for runs in flight before exiting', '15')
    .action(async (opts: { healthPort?: string; stopTimeout: string }) => {
      const c = ctx();
      const stopTimeoutMs = parseSeconds('--stop-timeout', opts.stopTimeout, 600) * 1000;
      const healthPort = opts.healthPort !== undefined ? parsePort(opts.healthPort) : undefined;
      // The file log in the data folder is set up for every command by the CLI's entry point.
      const core = c.services({
        serviceLogger: getLogger('daemon'),
        ...(healthPort !== undefined ? { healthPort } : {}),
      });
      const service = core.sync;
      const print = (line: string) => process.stdout.write(`${line}\n`);
      service.on((event) => {
        if (c.json) print(JSON.stringify(event));
        else {
          const line = describeEvent(event);
          if (line) print(`${new Date(event.at).toISOString()} ${line}`);
        }
      });

      let stopping: Promise<StopReport> | null = null;
      const stopped = new Promise<StopReport>((resolve, reject) => {
        const onSignal = (signal: NodeJS.Signals) => {
          if (stopping) {
            // A second signal: the person wants out now; the next start resumes from checkpoints.
            process.stderr.write(`retrovue: ${signal} again, exiting without waiting\n`);
            process.exit(130);
          }
          if (!c.json)
            print(`${signal}: stopping (waiting up to ${stopTimeoutMs / 1000} s for runs in flight)`);
          stopping = service.stop({ timeoutMs: stopTimeoutMs });
          stopping.then(resolve, reject);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });

      try {
        await service.start();
      } catch (err) {
        core.close();
        throw err;
      }
      const ready = {
        ok: true,
        event: 'ready',
        pid: process.pid,
        database: c.dbPath,
        healthUrl: service.healthUrl,
      };
      print(
        c.json
          ? JSON.stringify(ready)
          : `retrovue daemon running (pid ${process.pid}); health: ${service.healthUrl ?? 'off'}; Ctrl-C to stop`,
      );

      const report = await stopped;
      core.close();
      if (c.json) print(JSON.stringify({ ok: true, event: 'exit', ...report }));
      else {
        print(
          `stopped: ${report.interrupted.length} run(s) interrupted (they resume on the next start)` +
            (report.unfinished.length > 0
              ? `, ${report.unfinished.length} still busy when time ran out`
              : ''),
        );
      }
      setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref();
    });
}
