// electron-builder.yml, checked with electron-builder's own loader and schema validation, and the
// assets and hook it points to.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ICON_SIZES, makeIcons, TRAY_STATES } from '../../src-main/app/build/make-icons';
import { APP_USER_MODEL_ID } from '../../src-main/app/app-id';
import { tempDir } from '../helpers/temp';

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
  const { DebugLogger } = requireFromRoot('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
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
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'drizzle/', to: 'drizzle' }));
    // Tray and window icons ship as plain files beside the archive (resources/assets).
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'assets/tray/', to: 'assets/tray' }));
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'assets/icons/', to: 'assets/icons' }));
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
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
      expect(pngSize(join(ROOT, config.linux!.icon!, `${size}x${size}.png`))).toEqual({ width: size, height: size });
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

  it('rebuilds better-sqlite3 for the packaged Electron version and architecture before packing', async () => {
    const config = await loadConfig();
    const hookPath = join(ROOT, config.beforePack!);
    const rebuild = vi.fn(async () => undefined);
    const rebuildPath = requireFromRoot.resolve('@electron/rebuild');
    const saved = requireFromRoot.cache[rebuildPath];
    requireFromRoot.cache[rebuildPath] = { exports: { rebuild } } as never;
    delete requireFromRoot.cache[hookPath];
    try {
      const hook = (requireFromRoot(hookPath) as { default: (ctx: unknown) => Promise<void> }).default;
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      await hook({ packager: { config: {}, projectDir: ROOT }, arch: 1, electronPlatformName: 'linux' });
      write.mockRestore();
      const electronVersion = (requireFromRoot('electron/package.json') as { version: string }).version;
      expect(rebuild).toHaveBeenCalledWith({ buildPath: ROOT, electronVersion, arch: 'x64', onlyModules: ['better-sqlite3'], force: true });
    } finally {
      if (saved) requireFromRoot.cache[rebuildPath] = saved;
      else delete requireFromRoot.cache[rebuildPath];
      delete requireFromRoot.cache[hookPath];
    }
  });
});
