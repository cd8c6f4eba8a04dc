// Builds better-sqlite3 for Electron's ABI into dist/native without touching node_modules: the
// module is copied to a staging folder and compiled there (@electron/rebuild: Electron's headers,
// node-gyp), and only the resulting .node file is kept, once per Electron version and machine type.
// Used by the launcher before it starts Electron and by the packaging hook; never by npm install.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describeError, RetroVueError } from '../../core/errors/errors';
import { bindingPath, nativeDir, type NativeTarget } from '../native-binding';

const MODULE = 'better-sqlite3';

/** What @electron/rebuild's rebuild() is given. */
export interface RebuildStep {
  buildPath: string;
  /** Keeps @electron/rebuild from walking up into the project's own node_modules. */
  projectRootPath: string;
  electronVersion: string;
  arch: string;
  platform: NodeJS.Platform;
  onlyModules: string[];
  force: boolean;
}

export interface ElectronSqlitePlan {
  target: NativeTarget;
  moduleVersion: string;
  /** node_modules/better-sqlite3: read, never written. */
  source: string;
  outDir: string;
  binding: string;
  /** What the cached binding was built from; a different better-sqlite3 version rebuilds it. */
  stampFile: string;
  staging: string;
  stagedModule: string;
  /** Where node-gyp leaves the compiled module inside the staging copy. */
  stagedBinary: string;
  cached: boolean;
  rebuild: RebuildStep;
}

export interface ElectronSqliteOptions {
  projectDir: string;
  electronVersion: string;
  platform?: NodeJS.Platform;
  arch?: string;
  /** The compile step; default @electron/rebuild from the project's devDependencies. */
  rebuild?: (step: RebuildStep) => Promise<void>;
  /** NODE_MODULE_VERSION of an Electron version; default node-abi (@electron/rebuild's own table). */
  electronAbi?: (electronVersion: string) => string;
  log?: (line: string) => void;
}

export class NativeBuildError extends RetroVueError {
  constructor(target: NativeTarget, reason: string) {
    super(
      `could not build ${MODULE} for Electron ${target.electronVersion} (${target.platform}-${target.arch}): ${reason}. ` +
        'This happens once per Electron version; it downloads Electron’s headers from electronjs.org and needs a C++ ' +
        'toolchain (python3, make, a compiler). `retrovue serve` runs the app in a browser without it.',
      { code: 'NATIVE_BUILD', userFacing: true },
    );
  }
}

interface Stamp {
  module: string;
  moduleVersion: string;
  electronVersion: string;
  platform: string;
  arch: string;
}

function readStamp(file: string): Stamp | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

export function planElectronSqlite(options: ElectronSqliteOptions): ElectronSqlitePlan {
  const target: NativeTarget = {
    electronVersion: options.electronVersion,
    platform: options.platform ?? process.platform,
    arch: options.arch ?? process.arch,
  };
  const source = join(options.projectDir, 'node_modules', MODULE);
  const moduleVersion = (
    JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const outDir = nativeDir(options.projectDir, target);
  const binding = bindingPath(options.projectDir, target);
  const stampFile = join(outDir, 'build.json');
  const staging = join(outDir, 'staging');
  const stagedModule = join(staging, 'node_modules', MODULE);
  const stamp = readStamp(stampFile);
  return {
    target,
    moduleVersion,
    source,
    outDir,
    binding,
    stampFile,
    staging,
    stagedModule,
    stagedBinary: join(stagedModule, 'build', 'Release', 'better_sqlite3.node'),
    cached:
      existsSync(binding) &&
      stamp?.moduleVersion === moduleVersion &&
      stamp.electronVersion === target.electronVersion,
    rebuild: {
      buildPath: staging,
      projectRootPath: staging,
      electronVersion: target.electronVersion,
      arch: target.arch,
      platform: target.platform,
      onlyModules: [MODULE],
      force: true,
    },
  };
}

/** @electron/rebuild, resolved from the project (a devDependency: never bundled, never packaged). */
function electronRebuild(projectDir: string): (step: RebuildStep) => Promise<void> {
  return async (step) => {
    const load = createRequire(join(projectDir, 'package.json'));
    const { rebuild } = load('@electron/rebuild') as { rebuild: (options: RebuildStep) => Promise<void> };
    await rebuild(step);
  };
}

function electronAbiFromNodeAbi(projectDir: string): (electronVersion: string) => string {
  return (electronVersion) => {
    const fromProject = createRequire(join(projectDir, 'package.json'));
    const fromRebuild = createRequire(fromProject.resolve('@electron/rebuild'));
    const { getAbi } = fromRebuild('node-abi') as { getAbi: (target: string, runtime: string) => string };
    return getAbi(electronVersion, 'electron');
  };
}

/** The NODE_MODULE_VERSION a compiled module registers itself under (absent for Node-API modules). */
export function moduleAbi(binary: Buffer): string | null {
  return /node_register_module_v(\d+)/.exec(binary.toString('latin1'))?.[1] ?? null;
}

/** The Electron-ABI binding, built now unless an earlier build for the same versions is there. */
export async function ensureElectronSqlite(
  options: ElectronSqliteOptions,
): Promise<{ binding: string; built: boolean }> {
  const plan = planElectronSqlite(options);
  if (plan.cached) return { binding: plan.binding, built: false };
  const log = options.log ?? (() => undefined);
  const rebuild = options.rebuild ?? electronRebuild(options.projectDir);
  log(
    `building ${MODULE} ${plan.moduleVersion} for Electron ${plan.target.electronVersion} (${plan.target.platform}-${plan.target.arch}); ` +
      'once per Electron version, it takes a minute or two',
  );
  rmSync(plan.staging, { recursive: true, force: true });
  try {
    // The Node build in build/ is what we must not reuse; deps/ (SQLite's sources) is needed.
    const nodeBuild = join(plan.source, 'build');
    cpSync(plan.source, plan.stagedModule, { recursive: true, filter: (from) => from !== nodeBuild });
    writeFileSync(
      join(plan.staging, 'package.json'),
      JSON.stringify({
        name: 'retrovue-native-staging',
        private: true,
        dependencies: { [MODULE]: plan.moduleVersion },
      }),
    );
    try {
      await rebuild(plan.rebuild);
    } catch (err) {
      throw new NativeBuildError(plan.target, describeError(err));
    }
    if (!existsSync(plan.stagedBinary))
      throw new NativeBuildError(plan.target, `the build left no ${plan.stagedBinary}`);
    // node-gyp quietly compiles against local Node headers when a `nodedir` is configured
    // (~/.npmrc, npm_config_nodedir): such a module would crash Electron at its first open.
    const built = moduleAbi(readFileSync(plan.stagedBinary));
    const expected =
      built === null
        ? null
        : (options.electronAbi ?? electronAbiFromNodeAbi(options.projectDir))(plan.target.electronVersion);
    if (built !== expected) {
      throw new NativeBuildError(
        plan.target,
        `the build is for NODE_MODULE_VERSION ${built}, not Electron's ${expected} (is \`nodedir\` set in .npmrc or npm_config_nodedir?)`,
      );
    }
    mkdirSync(plan.outDir, { recursive: true });
    // Copy then rename: a launch that is interrupted never leaves half a binary behind.
    const partial = `${plan.binding}.partial`;
    cpSync(plan.stagedBinary, partial);
    renameSync(partial, plan.binding);
    const stamp: Stamp = { module: MODULE, moduleVersion: plan.moduleVersion, ...plan.target };
    writeFileSync(plan.stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
  } finally {
    rmSync(plan.staging, { recursive: true, force: true });
  }
  return { binding: plan.binding, built: true };
}
