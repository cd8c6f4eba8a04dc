// `npm start` (dist/main/launch.js): the desktop app when the Electron binary is installed (with
// better-sqlite3 built for Electron's ABI into dist/native first); when it is not
// (ELECTRON_SKIP_BINARY_DOWNLOAD, a headless box), a clear message and the headless web mode in
// this process instead of a stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describeError } from '../core/errors/errors';
import { defaultDataDir, DB_FILE } from '../core/paths';
import { startServeMode } from '../web/serve-mode';
import { ensureElectronSqlite, type ElectronSqliteOptions } from './build/electron-native';
import { SQLITE_BINDING_ENV } from './native-binding';

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
  if (typeof resolved !== 'string')
    return { ok: false, reason: 'the electron package did not give a binary path' };
  if (!existsSync(resolved)) return { ok: false, reason: `${resolved} does not exist` };
  return { ok: true, path: resolved };
}

export interface ElectronLaunchOptions {
  binary: string;
  args: string[];
  /** The checkout: node_modules and dist/ (default: two folders up from dist/main). */
  projectDir?: string;
  /** Default: the installed electron package's version. */
  electronVersion?: string;
  /** The script Electron runs (default dist/main/main.js beside this file). */
  mainScript?: string;
  env?: NodeJS.ProcessEnv;
  /** Builds (or finds) the Electron-ABI better-sqlite3; replaceable in tests. */
  ensureBinding?: (options: ElectronSqliteOptions) => Promise<{ binding: string; built: boolean }>;
}

function installedElectronVersion(projectDir: string): string {
  const load = createRequire(join(projectDir, 'package.json'));
  return (load('electron/package.json') as { version: string }).version;
}

/**
 * Builds better-sqlite3 for Electron's ABI when needed (node_modules keeps the Node build), then
 * runs Electron with the binding's path in RETROVUE_SQLITE_BINDING. Resolves with the exit code.
 */
export async function launchElectron(options: ElectronLaunchOptions): Promise<number> {
  const projectDir = options.projectDir ?? join(__dirname, '..', '..');
  const ensure = options.ensureBinding ?? ensureElectronSqlite;
  let binding: string;
  try {
    const electronVersion = options.electronVersion ?? installedElectronVersion(projectDir);
    binding = (
      await ensure({
        projectDir,
        electronVersion,
        log: (line) => process.stderr.write(`RetroVue: ${line}\n`),
      })
    ).binding;
  } catch (err) {
    process.stderr.write(`RetroVue: ${describeError(err)}\n`);
    return 1;
  }
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), [SQLITE_BINDING_ENV]: binding };
  // Set in some shells/IDEs; it would make the binary run as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(options.binary, [options.mainScript ?? join(__dirname, 'main.js'), ...options.args], {
    stdio: 'inherit',
    env,
  });
  const forwarders = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const forward = () => child.kill(signal);
    process.on(signal, forward);
    return () => process.off(signal, forward);
  });
  return new Promise<number>((resolve) => {
    const done = (code: number) => {
      for (const off of forwarders) off();
      resolve(code);
    };
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
    child.on('error', (err) => {
      process.stderr.write(`RetroVue: could not start Electron (${err.message})\n`);
      done(1);
    });
  });
}

export async function launchHeadless(reason: string): Promise<void> {
  process.stderr.write(
    `RetroVue: Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?) — starting headless web mode\n` +
      `  (${reason})\n`,
  );
  const dataDir = defaultDataDir();
  const mode = await startServeMode({ dataDir, dbPath: join(dataDir, DB_FILE) });
  process.stdout.write(
    `\nRetroVue is running at\n\n  ${mode.server.url}\n\nOpen it in your browser. Ctrl-C stops.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('RetroVue: stopping...\n');
  await mode.stop();
}

if (require.main === module) {
  const binary = findElectronBinary();
  if (binary.ok) {
    void launchElectron({ binary: binary.path, args: process.argv.slice(2) }).then((code) => {
      process.exitCode = code;
    });
  } else {
    launchHeadless(binary.reason).catch((err: unknown) => {
      process.stderr.write(`RetroVue: ${describeError(err)}\n`);
      process.exitCode = 1;
    });
  }
}
