// `npm start` (dist/main/launch.js): the desktop app when the Electron binary is installed; when it
// is not (ELECTRON_SKIP_BINARY_DOWNLOAD, a headless box), a clear message and the headless web
// mode in this process instead of a stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../core/errors/errors';
import { defaultDataDir, DB_FILE } from '../core/paths';
import { startServeMode } from '../core/web/serve-mode';

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

/** require('electron') outside Electron is the binary's path, or throws when it was never downloaded. */
// A lazy require on purpose: loading the package is the check (it throws without the binary).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadElectronPackage = (): unknown => require('electron');

export function findElectronBinary(load: () => unknown = loadElectronPackage): ElectronBinary {
  let resolved: unknown;
  try {
    resolved = load();
  } catch (err) {
    return { ok: false, reason: describeError(err) };
  }
  if (typeof resolved !== 'string') return { ok: false, reason: 'the electron package did not give a binary path' };
  if (!existsSync(resolved)) return { ok: false, reason: `${resolved} does not exist` };
  return { ok: true, path: resolved };
}

export function launchElectron(binary: string, args: string[]): void {
  const env = { ...process.env };
  // Set in some shells/IDEs; it would make the binary run as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [join(__dirname, 'main.js'), ...args], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
  child.on('error', (err) => {
    process.stderr.write(`RetroVue: could not start Electron (${err.message})\n`);
    process.exitCode = 1;
  });
}

export async function launchHeadless(reason: string): Promise<void> {
  process.stderr.write(
    `RetroVue: Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?) — starting headless web mode\n` +
      `  (${reason})\n`,
  );
  const dataDir = defaultDataDir();
  const mode = await startServeMode({ dataDir, dbPath: join(dataDir, DB_FILE) });
  process.stdout.write(`\nRetroVue is running at\n\n  ${mode.server.url}\n\nOpen it in your browser. Ctrl-C stops.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('RetroVue: stopping...\n');
  await mode.stop();
}

if (require.main === module) {
  const binary = findElectronBinary();
  if (binary.ok) launchElectron(binary.path, process.argv.slice(2));
  else {
    launchHeadless(binary.reason).catch((err: unknown) => {
      process.stderr.write(`RetroVue: ${describeError(err)}\n`);
      process.exitCode = 1;
    });
  }
}
