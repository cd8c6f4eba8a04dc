import type { Command } from 'commander';
import { describeError, UserError } from '../../core/errors/errors';
import { openWithSystem } from '../../web/open-external';
import { startServeMode } from '../../web/serve-mode';
import type { CliContext } from '../context';
import { emit } from '../output';

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`--port ${value}: expected 0-65535`);
  return port;
}

/** Runs until Ctrl-C / SIGTERM; then stops the service at a safe point and exits. */
export function registerServe(program: Command, ctx: () => CliContext): void {
  program
    .command('serve')
    .description('run the sync service and the app in your browser (127.0.0.1 only, with an access token)')
    .option('--port <n>', 'port on 127.0.0.1 (default: any free port)', parsePort)
    .option('--open', 'open the app in the default browser', false)
    .action(async (opts: { port?: number; open: boolean }) => {
      const c = ctx();
      const mode = await startServeMode({
        dataDir: c.dataDir,
        dbPath: c.dbPath,
        ...(opts.port !== undefined ? { port: opts.port } : {}),
      });
      emit(
        c,
        { ok: true, url: mode.server.url, port: mode.server.port, database: c.dbPath },
        (v) =>
          `RetroVue is running at\n\n  ${v.url}\n\nOpen it in your browser (the link carries your access token; keep it private). Ctrl-C stops.`,
      );
      if (opts.open) {
        await openWithSystem(mode.server.url).catch((err: unknown) =>
          process.stderr.write(`retrovue: could not open a browser: ${describeError(err)}\n`),
        );
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          resolve();
        };
        process.on('SIGINT', done);
        process.on('SIGTERM', done);
      });
      process.stderr.write('retrovue: stopping...\n');
      await mode.stop();
    });
}
