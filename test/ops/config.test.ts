import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigStore, type ConfigChange } from '../../src-main/core/config/config-store';
import { migrateConfig } from '../../src-main/core/config/migrations';
import { ConfigError } from '../../src-main/core/errors/errors';
import { CONFIG_VERSION, DEFAULT_CONFIG } from '../../src-shared/config-schema';
import { tempDir } from '../helpers/temp';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function folder(): string {
  const t = tempDir('retrovue-config-');
  cleanups.push(t.cleanup);
  return t.dir;
}

function writeConfig(dir: string, value: unknown): string {
  const path = join(dir, 'config.json');
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

describe('config: loading and validation', () => {
  it('uses the seed defaults when there is no file, and does not create one', () => {
    const dir = folder();
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    expect(store.config.refresh_interval_hours).toBe(6);
    expect(store.config.deep_scan_interval_days).toBe(7);
    expect(store.config.concurrent_scans).toBe(2);
    expect(store.config.api_timeout_seconds).toBe(30);
    expect(store.config.retry_attempts).toBe(3);
    expect(store.config.retry_delay_seconds).toBe(5);
    expect(store.config.max_consecutive_errors).toBe(5);
    expect(store.config.error_cooldown_minutes).toBe(15);
    expect(store.config.path_replacements).toEqual([]);
    expect(store.issues).toEqual([]);
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
  });

  it('reads a valid file', () => {
    const dir = folder();
    writeConfig(dir, {
      version: 1,
      concurrent_scans: 4,
      log_level: 'debug',
      path_replacements: [{ from: '/data', to: '/mnt' }],
    });
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    expect(store.config.concurrent_scans).toBe(4);
    expect(store.config.log_level).toBe('debug');
    expect(store.config.path_replacements).toEqual([{ from: '/data', to: '/mnt' }]);
    expect(store.issues).toEqual([]);
  });

  it('reports each bad value with its key and reason, keeps the good ones, leaves the file alone', () => {
    const dir = folder();
    const text = JSON.stringify({
      version: 1,
      concurrent_scans: 99,
      batch_size: 'lots',
      log_level: 'debug',
      colour: 'red',
    });
    const path = writeConfig(dir, text);
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    const byKey = Object.fromEntries(store.issues.map((i) => [i.key, i.reason]));
    expect(Object.keys(byKey).sort()).toEqual(['batch_size', 'colour', 'concurrent_scans']);
    expect(byKey.concurrent_scans).toMatch(/8/);
    expect(byKey.concurrent_scans).toMatch(/got 99/);
    expect(byKey.batch_size).toMatch(/number/);
    expect(byKey.colour).toBe('unknown setting');
    expect(store.config.concurrent_scans).toBe(DEFAULT_CONFIG.concurrent_scans);
    expect(store.config.batch_size).toBe(DEFAULT_CONFIG.batch_size);
    expect(store.config.log_level).toBe('debug');
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a corrupt file keeps the last good configuration and is never overwritten with defaults', () => {
    const dir = folder();
    const path = writeConfig(dir, { version: 1, concurrent_scans: 3 });
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    expect(store.config.concurrent_scans).toBe(3);
    writeFileSync(path, '{"version": 1, "concurrent_scans": 5,');
    const issues = store.reload();
    expect(issues).toHaveLength(1);
    expect(issues[0]!.key).toBe('config.json');
    expect(issues[0]!.reason).toMatch(/not valid JSON/);
    expect(store.config.concurrent_scans).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "concurrent_scans": 5,');
    // A corrupt file at startup: defaults in memory, the file untouched.
    const fresh = ConfigStore.open({ dataDir: dir, env: {} });
    expect(fresh.config.concurrent_scans).toBe(2);
    expect(fresh.issues[0]!.key).toBe('config.json');
    expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "concurrent_scans": 5,');
  });

  it('a bad value on reload falls back to the last good value for that key only', () => {
    const dir = folder();
    const path = writeConfig(dir, { version: 1, concurrent_scans: 3, batch_size: 200 });
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    writeFileSync(path, JSON.stringify({ version: 1, concurrent_scans: -1, batch_size: 300 }));
    store.reload();
    expect(store.config.concurrent_scans).toBe(3);
    expect(store.config.batch_size).toBe(300);
    expect(store.issues.map((i) => i.key)).toEqual(['concurrent_scans']);
  });

  it('refuses a file written by a newer version and never writes over it', async () => {
    const dir = folder();
    const text = JSON.stringify({ version: CONFIG_VERSION + 1, concurrent_scans: 3, future: true });
    const path = writeConfig(dir, text);
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    expect(store.issues[0]!.key).toBe('version');
    expect(store.issues[0]!.reason).toMatch(/newer RetroVue/);
    await expect(store.update({ concurrent_scans: 4 })).rejects.toBeInstanceOf(ConfigError);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});

describe('config: environment overrides', () => {
  it('RETROVUE_* variables override the file, typed by the schema', () => {
    const dir = folder();
    writeConfig(dir, { version: 1, concurrent_scans: 4, plex_tv_url: 'https://plex.tv' });
    const store = ConfigStore.open({
      dataDir: dir,
      env: {
        RETROVUE_CONCURRENT_SCANS: '3',
        RETROVUE_PLEX_TV_URL: 'http://127.0.0.1:4100',
        RETROVUE_PATH_REPLACEMENTS: '[{"from":"/data/movies","to":"/Volumes/movies"}]',
        RETROVUE_CLOSE_TO_TRAY: 'no',
        RETROVUE_DEBUG: '1',
      },
    });
    expect(store.config.concurrent_scans).toBe(3);
    expect(store.config.plex_tv_url).toBe('http://127.0.0.1:4100');
    expect(store.config.path_replacements).toEqual([{ from: '/data/movies', to: '/Volumes/movies' }]);
    expect(store.config.close_to_tray).toBe(false);
    expect(store.overriddenKeys.sort()).toEqual([
      'close_to_tray',
      'concurrent_scans',
      'path_replacements',
      'plex_tv_url',
    ]);
    expect(store.issues).toEqual([]);
  });

  it('a bad override is reported against its key and ignored', () => {
    const dir = folder();
    writeConfig(dir, { version: 1, concurrent_scans: 4 });
    const store = ConfigStore.open({
      dataDir: dir,
      env: {
        RETROVUE_CONCURRENT_SCANS: 'many',
        RETROVUE_PATH_REPLACEMENTS: '/a=/b',
        RETROVUE_PLEX_TV_URL: 'not a url',
      },
    });
    expect(store.config.concurrent_scans).toBe(4);
    expect(store.config.plex_tv_url).toBe('https://plex.tv');
    expect(store.config.path_replacements).toEqual([]);
    const keys = store.issues.map((i) => `${i.source}:${i.key}`).sort();
    expect(keys).toEqual(['env:concurrent_scans', 'env:path_replacements', 'env:plex_tv_url']);
    expect(store.issues.find((i) => i.key === 'path_replacements')!.reason).toMatch(
      /RETROVUE_PATH_REPLACEMENTS is not valid JSON/,
    );
    expect(store.issues.find((i) => i.key === 'concurrent_scans')!.reason).toMatch(/got "many"/);
  });
});

describe('config: runtime updates', () => {
  it('validates, writes atomically, notifies subscribers, applies without restart', async () => {
    const dir = folder();
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    const seen: ConfigChange[] = [];
    const unsubscribe = store.subscribe((c) => seen.push(c));
    const result = await store.update({ concurrent_scans: 5, log_level: 'verbose' });
    expect(result.changed.sort()).toEqual(['concurrent_scans', 'log_level']);
    expect(store.config.concurrent_scans).toBe(5);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.previous.concurrent_scans).toBe(2);
    expect(seen[0]!.config.concurrent_scans).toBe(5);
    const onDisk = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(onDisk).toEqual({ version: CONFIG_VERSION, concurrent_scans: 5, log_level: 'verbose' });
    // No temp files left behind by the atomic write.
    expect(readdirSync(dir)).toEqual(['config.json']);
    // null returns a key to its default.
    await store.update({ log_level: null });
    expect(store.config.log_level).toBe('info');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      version: 1,
      concurrent_scans: 5,
    });
    unsubscribe();
    await store.update({ concurrent_scans: 6 });
    expect(seen).toHaveLength(2);
  });

  it('rejects an invalid update as a whole, naming the key; nothing changes', async () => {
    const dir = folder();
    writeConfig(dir, { version: 1, batch_size: 100 });
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    const seen: ConfigChange[] = [];
    store.subscribe((c) => seen.push(c));
    const err = await store.update({ batch_size: 200, retry_attempts: 50 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('retry_attempts');
    expect((err as ConfigError).message).toMatch(/^config retry_attempts: .*10/);
    await expect(store.update({ nonsense: 1 })).rejects.toThrow(/config nonsense: unknown setting/);
    await expect(store.update({ version: 2 })).rejects.toThrow(/config version/);
    expect(store.config.batch_size).toBe(100);
    expect(seen).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      version: 1,
      batch_size: 100,
    });
  });

  it('an update over a file that had problems keeps a copy of the original first', async () => {
    const dir = folder();
    const path = writeConfig(dir, '{ broken');
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    await store.update({ concurrent_scans: 3 });
    const copies = readdirSync(dir).filter((f) => f.startsWith('config.json.bad-'));
    expect(copies).toHaveLength(1);
    expect(readFileSync(join(dir, copies[0]!), 'utf8')).toBe('{ broken');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, concurrent_scans: 3 });
    expect(store.issues).toEqual([]);
  });

  it('an updated key still overridden by the environment is reported as shadowed', async () => {
    const dir = folder();
    const store = ConfigStore.open({ dataDir: dir, env: { RETROVUE_CONCURRENT_SCANS: '3' } });
    const result = await store.update({ concurrent_scans: 6 });
    expect(result.shadowedByEnv).toEqual(['concurrent_scans']);
    expect(store.config.concurrent_scans).toBe(3);
    expect(store.fileSettings.concurrent_scans).toBe(6);
  });

  it('creates the data folder on first write', async () => {
    const dir = join(folder(), 'not', 'yet');
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    await store.update({ close_to_tray: false });
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      version: 1,
      close_to_tray: false,
    });
  });

  it('concurrent updates apply in order and both land', async () => {
    const dir = folder();
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    await Promise.all([store.update({ concurrent_scans: 3 }), store.update({ batch_size: 50 })]);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      version: 1,
      concurrent_scans: 3,
      batch_size: 50,
    });
  });
});

describe('config: migration from version 0', () => {
  const seed = {
    refreshIntervalHours: 12,
    concurrentScans: 3,
    api_timeout: 45,
    maxRetries: 5,
    path_mappings: ['/data/movies=/Volumes/Movies', 'broken-entry', '/data/tv = /Volumes/TV'],
    logLevel: 'warn',
  };

  it('upgrades camelCase keys, renamed keys and "FROM=TO" mappings', () => {
    const m = migrateConfig(seed, 'config.json');
    expect(m.from).toBe(0);
    expect(m.data).toEqual({
      version: 1,
      refresh_interval_hours: 12,
      concurrent_scans: 3,
      api_timeout_seconds: 45,
      retry_attempts: 5,
      log_level: 'warn',
      path_replacements: [
        { from: '/data/movies', to: '/Volumes/Movies' },
        { from: '/data/tv', to: '/Volumes/TV' },
      ],
    });
    expect(m.issues).toEqual([expect.objectContaining({ key: 'path_mappings[1]', source: 'migration' })]);
  });

  it('a clean old file is upgraded on disk, with the original kept as a backup', () => {
    const dir = folder();
    const clean = { ...seed, path_mappings: { '/data/movies': '/Volumes/Movies' } };
    const original = JSON.stringify(clean);
    const path = writeConfig(dir, original);
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    expect(store.issues).toEqual([]);
    expect(store.config.refresh_interval_hours).toBe(12);
    expect(store.config.path_replacements).toEqual([{ from: '/data/movies', to: '/Volumes/Movies' }]);
    expect(readFileSync(`${path}.v0.bak`, 'utf8')).toBe(original);
    const upgraded = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(upgraded.version).toBe(1);
    expect(upgraded.concurrent_scans).toBe(3);
    expect(upgraded).not.toHaveProperty('concurrentScans');
  });

  it('an old file with problems is upgraded in memory only; the user file stays as it was', () => {
    const dir = folder();
    const original = JSON.stringify(seed);
    const path = writeConfig(dir, original);
    const store = ConfigStore.open({ dataDir: dir, env: {} });
    expect(store.issues.map((i) => i.key)).toEqual(['path_mappings[1]']);
    expect(store.config.concurrent_scans).toBe(3);
    expect(store.config.path_replacements).toHaveLength(2);
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect(existsSync(`${path}.v0.bak`)).toBe(false);
  });
});

describe('config: changes from another process', () => {
  it('a watching store picks up an update written by another (the CLI beside the app)', async () => {
    const dir = folder();
    const app = ConfigStore.open({ dataDir: dir, env: {} });
    const seen: ConfigChange[] = [];
    app.subscribe((c) => seen.push(c));
    const stop = app.watch(20);
    cleanups.push(stop);
    const cli = ConfigStore.open({ dataDir: dir, env: {} });
    await cli.update({ concurrent_scans: 7 });
    await vi.waitFor(() => expect(app.config.concurrent_scans).toBe(7), { timeout: 3000, interval: 20 });
    expect(seen.map((c) => c.changed)).toEqual([['concurrent_scans']]);
    // The app's own write is not reloaded as an outside change.
    await app.update({ batch_size: 60 });
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toHaveLength(2);
    // A broken hand edit keeps the last good values.
    writeFileSync(join(dir, 'config.json'), '{"concurrent_scans": ');
    await vi.waitFor(() => expect(app.issues.map((i) => i.key)).toEqual(['config.json']), {
      timeout: 3000,
      interval: 20,
    });
    expect(app.config.concurrent_scans).toBe(7);
    expect(app.config.batch_size).toBe(60);
  });
});
