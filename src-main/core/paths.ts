import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_NAME = 'RetroVue';
export const DB_FILE = 'retrovue.db';

/**
 * The data folder: RETROVUE_DATA_DIR, else the same folder Electron's app.getPath('userData')
 * gives for this product, so the CLI and the desktop app share one database by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RETROVUE_DATA_DIR) return resolve(env.RETROVUE_DATA_DIR);
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_NAME);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_NAME);
  }
}

/**
 * Where drizzle/ is: next to the sources in development and tests, next to dist/ when built,
 * under resources/ when packaged by electron-builder.
 */
export function locateMigrations(): string {
  const candidates = [
    process.env.RETROVUE_MIGRATIONS_DIR,
    join(__dirname, '..', '..', 'drizzle'),
    join(__dirname, '..', '..', '..', 'drizzle'),
    (process as { resourcesPath?: string }).resourcesPath
      ? join((process as { resourcesPath?: string }).resourcesPath as string, 'drizzle')
      : undefined,
    join(process.cwd(), 'drizzle'),
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(join(p, 'meta', '_journal.json')));
  if (!found)
    throw new Error(`cannot find the drizzle/ migrations folder (looked in ${candidates.join(', ')})`);
  return found;
}
