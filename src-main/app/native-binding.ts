// Where the Electron-ABI build of better-sqlite3 lives. node_modules keeps the Node build (the CLI
// and the tests run under plain Node); the copy Electron loads is built into dist/native by
// build/electron-native.ts and handed to the core as better-sqlite3's `nativeBinding`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Set by the launcher (`npm start`) for the Electron main: the binding it just built. */
export const SQLITE_BINDING_ENV = 'RETROVUE_SQLITE_BINDING';

export const BINDING_FILE = 'better_sqlite3.node';

export interface NativeTarget {
  electronVersion: string;
  platform: NodeJS.Platform;
  arch: string;
}

/** dist/native/electron-<version>-<platform>-<arch>: one folder per ABI and machine type. */
export function nativeDir(root: string, target: NativeTarget): string {
  return join(root, 'dist', 'native', `electron-${target.electronVersion}-${target.platform}-${target.arch}`);
}

export function bindingPath(root: string, target: NativeTarget): string {
  return join(nativeDir(root, target), BINDING_FILE);
}

export interface BindingLookup {
  env: NodeJS.ProcessEnv;
  /** process.versions.electron; absent under plain Node (tests), where only the variable counts. */
  electronVersion: string | undefined;
  /** process.resourcesPath when packaged: native files sit in app.asar.unpacked beside the archive. */
  packagedResources: string | null;
  /** The project folder when running from a checkout (dist/main/../..). */
  projectDir: string;
  platform?: NodeJS.Platform;
  arch?: string;
}

/**
 * The binding the Electron main hands to openStore: the launcher's, the packaged one, or one built
 * earlier in this checkout. Null means none was built, and the module's own build is tried.
 */
export function locateElectronBinding(lookup: BindingLookup): string | null {
  const fromEnv = lookup.env[SQLITE_BINDING_ENV];
  if (fromEnv) return fromEnv;
  if (!lookup.electronVersion) return null;
  const target = {
    electronVersion: lookup.electronVersion,
    platform: lookup.platform ?? process.platform,
    arch: lookup.arch ?? process.arch,
  };
  if (lookup.packagedResources)
    return bindingPath(join(lookup.packagedResources, 'app.asar.unpacked'), target);
  const local = bindingPath(lookup.projectDir, target);
  return existsSync(local) ? local : null;
}
