// Headless web mode: the core with the CLI's file vault, plus the web server in front of it. Used by
// `retrovue serve` and by `npm start` when the Electron binary is missing.
import { join } from 'node:path';
import { createFileVault, VAULT_FILE } from '../core/account/file-vault';
import { createAppCore, type AppCore } from '../core/app-core';
import { UserError } from '../core/errors/errors';
import { locateRenderer } from './static-files';
import { openWithSystem } from './open-external';
import { startWebServer, type WebServer } from './web-server';

export interface ServeModeOptions {
  dataDir: string;
  dbPath?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Fixed access token (tests). */
  accessToken?: string;
  rendererDir?: string;
  healthPort?: number | null;
  gdm?: boolean;
  fileLogging?: boolean;
}

export interface ServeMode {
  core: AppCore;
  server: WebServer;
  stop(): Promise<void>;
}

export async function startServeMode(options: ServeModeOptions): Promise<ServeMode> {
  const env = options.env ?? process.env;
  const rendererDir = options.rendererDir ?? locateRenderer(env);
  if (!rendererDir) {
    throw new UserError(
      'the web interface is not built (dist/renderer is missing): run `npm run build` first',
      'RENDERER_MISSING',
    );
  }
  const core = createAppCore({
    dataDir: options.dataDir,
    ...(options.dbPath ? { dbPath: options.dbPath } : {}),
    vault: createFileVault(join(options.dataDir, VAULT_FILE)),
    shell: 'web',
    openPath: openWithSystem,
    env,
    ...(options.healthPort !== undefined ? { healthPort: options.healthPort } : {}),
    ...(options.gdm !== undefined ? { gdm: options.gdm } : {}),
    ...(options.fileLogging !== undefined ? { fileLogging: options.fileLogging } : {}),
  });
  let server: WebServer;
  try {
    await core.start();
    server = await startWebServer({
      handlers: core.handlers,
      events: core.events,
      artwork: core.artwork,
      rendererDir,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    });
  } catch (err) {
    await core.stop();
    throw err;
  }
  return {
    core,
    server,
    async stop() {
      await server.close();
      await core.stop();
    },
  };
}
