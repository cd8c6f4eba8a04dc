// electron-builder.yml, checked with electron-builder's own loader and schema validation, and the
// assets and hook it points to.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ICON_SIZES, makeIcons, TRAY_STATES } from '../../src-main/app/build/make-icons';
import { APP_USER_MODEL_ID } from '../../src-main/app/app-id';
import type { RebuildStep } from '../../src-main/app/build/electron-native';
import { locateElectronBinding } from '../../src-main/app/native-binding';
import { workerEntry } from '../../src-main/core/service/worker-runner';
import { tempDir } from '../helpers/temp';
import { compileStep, fakeProject, NODE_BUILD_BYTES, type RecordedStep } from './native-fixtures';

const ROOT = join(__dirname, '..', '..');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: (string | { filter?: string[] })[];
  extraResources?: (string | { from?: string; to?: string; filter?: string[] })[];
  asarUnpack?: string[];
  npmRebuild?: boolean;
  beforePack?: string;
  linux?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
  mac?: { target?: string[]; icon?: string };
}

async function loadConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = requireFromRoot('app-builder-lib/out/util/config/config') as {
    getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<BuilderConfig>;
    validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = requireFromRoot('builder-util') as {
    DebugLogger: new (enabled: boolean) => unknown;
  };
  const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('packaging', () => {
  it('passes electron-builder’s schema validation with the agreed targets', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe('tv.retrovue.plexsync');
    expect(config.appId).toBe(APP_USER_MODEL_ID);
    expect(config.productName).toBe('RetroVue');
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.npmRebuild).toBe(false);
  });

  it('ships the built app, the migrations inside and outside the archive, and unpacks better-sqlite3', async () => {
    const config = await loadConfig();
    // The loader normalises patterns into {filter: [...]} sets.
    const files = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(files).toEqual(expect.arrayContaining(['dist/**', 'drizzle/**', 'package.json']));
    expect(config.extraResources).toContainEqual(
      expect.objectContaining({ from: 'drizzle/', to: 'drizzle' }),
    );
    // Tray and window icons ship as plain files beside the archive (resources/assets).
    expect(config.extraResources).toContainEqual(
      expect.objectContaining({ from: 'assets/tray/', to: 'assets/tray' }),
    );
    expect(config.extraResources).toContainEqual(
      expect.objectContaining({ from: 'assets/icons/', to: 'assets/icons' }),
    );
    // The Electron build of better-sqlite3 ships from dist/native (unpacked), the staging copy does not.
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['dist/native/**', '**/*.node']));
    expect(files).toContain('!dist/native/*/staging/**');
    expect(existsSync(join(ROOT, 'drizzle', 'meta', '_journal.json'))).toBe(true);
    expect(readdirSync(join(ROOT, 'drizzle')).some((f) => f.endsWith('.sql'))).toBe(true);
    // package.json's entry point is what the packaged app starts.
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).main).toBe('dist/main/main.js');
  });

  it('points at icons that exist in every size, and at tray icons for every state', async () => {
    const config = await loadConfig();
    for (const icon of [config.win?.icon, config.mac?.icon]) {
      expect(icon && existsSync(join(ROOT, icon)), icon).toBe(true);
    }
    expect(pngSize(join(ROOT, config.mac!.icon!)).width).toBeGreaterThanOrEqual(512);
    expect(pngSize(join(ROOT, config.win!.icon!)).width).toBeGreaterThanOrEqual(256);
    for (const size of ICON_SIZES) {
      expect(pngSize(join(ROOT, config.linux!.icon!, `${size}x${size}.png`))).toEqual({
        width: size,
        height: size,
      });
    }
    for (const state of Object.keys(TRAY_STATES)) {
      expect(pngSize(join(ROOT, 'assets', 'tray', `tray-${state}.png`)).width).toBe(32);
      expect(pngSize(join(ROOT, 'assets', 'tray', `tray-${state}@2x.png`)).width).toBe(64);
    }
  });

  it('keeps the committed icons in step with assets/icon.svg', () => {
    const { dir, cleanup } = tempDir('retrovue-icons-');
    try {
      const svg = readFileSync(join(ROOT, 'assets', 'icon.svg'));
      writeFileSync(join(dir, 'icon.svg'), svg);
      const written = makeIcons(dir);
      expect(written).toHaveLength(ICON_SIZES.length + Object.keys(TRAY_STATES).length * 2);
      for (const file of written) {
        const committed = join(ROOT, 'assets', file.slice(dir.length + 1));
        expect(readFileSync(file).equals(readFileSync(committed)), committed).toBe(true);
      }
    } finally {
      cleanup();
    }
  });

  it('builds better-sqlite3 for the packaged Electron version and architecture into dist/native, not node_modules', async () => {
    const config = await loadConfig();
    const { dir, cleanup } = tempDir('retrovue-pack-');
    try {
      const { projectDir, moduleDir } = fakeProject(dir);
      const hook = requireFromRoot(join(ROOT, config.beforePack!)) as {
        default: (ctx: unknown) => Promise<unknown>;
        beforePack: (
          ctx: unknown,
          rebuild: (step: RebuildStep) => Promise<void>,
        ) => Promise<{ binding: string; built: boolean }>;
      };
      expect(typeof hook.default).toBe('function');
      const calls: RecordedStep[] = [];
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      // Arch 3 is arm64 in electron-builder's enum.
      const context = { packager: { config: {}, projectDir }, arch: 3, electronPlatformName: 'linux' };
      const result = await hook.beforePack(context, compileStep(calls));
      write.mockRestore();
      const electronVersion = (requireFromRoot('electron/package.json') as { version: string }).version;
      const staging = join(
        projectDir,
        'dist',
        'native',
        `electron-${electronVersion}-linux-arm64`,
        'staging',
      );
      expect(calls.map((c) => c.step)).toEqual([
        {
          buildPath: staging,
          projectRootPath: staging,
          electronVersion,
          arch: 'arm64',
          platform: 'linux',
          onlyModules: ['better-sqlite3'],
          force: true,
        },
      ]);
      expect(result).toEqual({
        binding: join(
          projectDir,
          'dist',
          'native',
          `electron-${electronVersion}-linux-arm64`,
          'better_sqlite3.node',
        ),
        built: true,
      });
      // node_modules keeps the Node build, so the tests and the CLI still run after packaging.
      expect(readFileSync(join(moduleDir, 'build', 'Release', 'better_sqlite3.node'), 'utf8')).toBe(
        NODE_BUILD_BYTES,
      );

      // The packaged main looks for it where asarUnpack puts it.
      const relative = result.binding
        .slice(projectDir.length + 1)
        .split(sep)
        .join('/');
      expect(config.asarUnpack).toContain('dist/native/**');
      expect(relative.startsWith('dist/native/')).toBe(true);
      expect(
        locateElectronBinding({
          env: {},
          electronVersion,
          packagedResources: '/app/resources',
          projectDir: '/nowhere',
          platform: 'linux',
          arch: 'arm64',
        }),
      ).toBe(`/app/resources/app.asar.unpacked/${relative}`);
    } finally {
      cleanup();
    }
  });

  it('ships the sync worker inside the archive beside the main bundle, and finds it there', async () => {
    const config = await loadConfig();
    const { minimatch } = requireFromRoot('minimatch') as {
      minimatch(path: string, pattern: string): boolean;
    };
    const patterns = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    const shipped = (path: string) =>
      patterns.some((p) => !p.startsWith('!') && minimatch(path, p)) &&
      !patterns.some((p) => p.startsWith('!') && minimatch(path, p.slice(1)));
    const worker = 'dist/main/sync-worker.js';
    expect(shipped(worker)).toBe(true);
    expect(shipped('dist/main/main.js')).toBe(true);
    // It stays in app.asar, where the node_modules its requires need are (Electron reads asar in
    // worker threads); unpacked it would find none. Only native code is unpacked.
    expect((config.asarUnpack ?? []).some((p) => minimatch(worker, p))).toBe(false);

    // tsup builds the worker next to the main bundle, whose __dirname is where the runner looks.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      tsup: { entry: Record<string, string> };
    };
    expect(pkg.main).toBe('dist/main/main.js');
    expect(pkg.tsup.entry['main/main']).toBe('src-main/app/main.ts');
    expect(pkg.tsup.entry['main/sync-worker']).toBe('src-main/core/service/sync-worker.ts');

    const packaged = join('/opt', 'RetroVue', 'resources', 'app.asar', 'dist', 'main');
    expect(workerEntry(packaged, (p) => p === join(packaged, 'sync-worker.js'))).toEqual({
      script: join(packaged, 'sync-worker.js'),
      eval: false,
    });
    // Never the development fallback inside a package (tsx is not shipped).
    expect(() => workerEntry(packaged, () => false)).toThrow(/sync worker is missing from the app package/);
    const sources = join(ROOT, 'src-main', 'core', 'service');
    expect(workerEntry(sources, () => false)).toMatchObject({ eval: true });
    expect(workerEntry(sources, () => false).script).toContain("require('tsx/cjs/api').register()");
  });
});
