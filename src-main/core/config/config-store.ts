// The live configuration: config.json in the data folder, upgraded from older versions, validated
// key by key, with RETROVUE_* environment overrides on top. Runtime updates are validated, written
// atomically and announced to subscribers, so nothing needs a restart.
//
// Failure rules: a bad value is reported with its key and replaced by the last good value; an
// unreadable file keeps the last good configuration; the user's file is never replaced by
// defaults, and before the app first writes over a file that had problems it keeps a copy.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, watch as watchFolder } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CONFIG_VERSION, configSchema, type Config } from '../../../src-shared/config-schema';
import { ConfigError, FileSystemError } from '../errors/errors';
import { getLogger } from '../logging/logger';
import { readEnvOverrides } from './env-overrides';
import { describeIssues, sanitizeLayer, type ConfigIssue, type RawConfig } from './issues';
import { ConfigTooNewError, migrateConfig } from './migrations';

export const CONFIG_FILE = 'config.json';

export interface ConfigChange {
  config: Config;
  previous: Config;
  changed: (keyof Config)[];
}

export type ConfigListener = (change: ConfigChange) => void;

export interface UpdateResult extends ConfigChange {
  /** Keys written to the file but still overridden by a RETROVUE_* variable. */
  shadowedByEnv: string[];
}

export interface OpenConfigOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  fileName?: string;
}

type FileState = 'missing' | 'ok' | 'invalid' | 'unreadable' | 'too_new';

const log = getLogger('config');

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

function changedKeys(a: Config, b: Config): (keyof Config)[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Config>;
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

export class ConfigStore {
  readonly path: string;
  private readonly env: NodeJS.ProcessEnv;
  private fileLayer: RawConfig = {};
  private envLayer: RawConfig = {};
  private fileState: FileState = 'missing';
  private fileIssues: ConfigIssue[] = [];
  private envIssues: ConfigIssue[] = [];
  private effective: Config = configSchema.parse({});
  private readonly listeners = new Set<ConfigListener>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The file's text as last read or written here; a watch event with the same text is ours. */
  private lastText: string | null = null;

  private constructor(opts: OpenConfigOptions) {
    this.path = join(opts.dataDir, opts.fileName ?? CONFIG_FILE);
    this.env = opts.env ?? process.env;
  }

  /** Loads the file and the environment. Never throws for bad content: see `issues`. */
  static open(opts: OpenConfigOptions): ConfigStore {
    const store = new ConfigStore(opts);
    store.reload();
    return store;
  }

  /** The effective configuration (defaults, then the file, then the environment). */
  get config(): Config {
    return this.effective;
  }

  /** Problems found by the last load or reload, each naming its key. Empty when all is well. */
  get issues(): readonly ConfigIssue[] {
    return [...this.fileIssues, ...this.envIssues];
  }

  /** Settings currently decided by RETROVUE_* variables. */
  get overriddenKeys(): string[] {
    return Object.keys(this.envLayer);
  }

  /** Settings the file sets explicitly (the rest are defaults). */
  get fileSettings(): Readonly<RawConfig> {
    return { ...this.fileLayer };
  }

  subscribe(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the file and the environment; on any problem the last good values stay in force. */
  reload(): ConfigIssue[] {
    const fileName = basename(this.path);
    let text: string | null = null;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.fileLayer = {};
        this.fileState = 'missing';
        this.fileIssues = [];
      } else {
        this.fileState = 'unreadable';
        this.fileIssues = [
          { key: fileName, reason: `cannot read: ${(err as Error).message}`, source: 'file' },
        ];
      }
    }
    this.lastText = text;
    if (text !== null) this.loadText(text, fileName);
    this.recompute();
    for (const issue of this.issues) {
      log.warn(`config ${issue.key}: ${issue.reason}`, { source: issue.source, file: this.path });
    }
    return [...this.issues];
  }

  private loadText(text: string, fileName: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.fileState = 'unreadable';
      this.fileIssues = [
        {
          key: fileName,
          reason: `not valid JSON (${(err as Error).message}); keeping the last good configuration`,
          source: 'file',
        },
      ];
      return;
    }
    let migrated;
    try {
      migrated = migrateConfig(parsed, fileName);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.fileState = err instanceof ConfigTooNewError ? 'too_new' : 'unreadable';
      this.fileIssues = [
        { key: err.key, reason: err.message.replace(/^config [^:]+: /, ''), source: 'file' },
      ];
      return;
    }
    const { version: _version, ...data } = migrated.data;
    const clean = sanitizeLayer(data, { fallback: this.fileLayer, source: 'file' });
    this.fileLayer = clean.layer;
    this.fileIssues = [...migrated.issues, ...clean.issues];
    this.fileState = this.fileIssues.length === 0 ? 'ok' : 'invalid';
    if (migrated.from < CONFIG_VERSION && this.fileState === 'ok') {
      // Only a clean upgrade is written back, and the original is kept beside it.
      const backup = `${this.path}.v${migrated.from}.bak`;
      try {
        copyFileSync(this.path, backup);
        this.writeFileSync();
        log.info(`config upgraded from version ${migrated.from} to ${CONFIG_VERSION}`, { backup });
      } catch (err) {
        // The upgrade still applies in memory; the file is upgraded by the next successful write.
        log.warn('config upgrade could not be written', { error: err });
      }
    }
  }

  /**
   * Follows changes made to the file from outside (`retrovue config set` beside the running app,
   * a hand edit) and reloads shortly after each. Returns the function that stops watching.
   */
  watch(debounceMs = 250): () => void {
    const name = basename(this.path);
    let timer: NodeJS.Timeout | null = null;
    let watcher;
    try {
      watcher = watchFolder(dirname(this.path), (_event, file) => {
        if (file !== null && file !== name) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          this.reloadIfChanged();
        }, debounceMs);
      });
    } catch (err) {
      log.warn('cannot watch the config file; changes from outside apply at next start', { error: err });
      return () => undefined;
    }
    watcher.on('error', (err) => log.warn('config watch failed', { error: err }));
    return () => {
      if (timer) clearTimeout(timer);
      watcher.close();
    };
  }

  private reloadIfChanged(): void {
    let text: string | null;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      text = null;
    }
    if (text !== this.lastText) this.reload();
  }

  private recompute(): ConfigChange | null {
    const env = readEnvOverrides(this.env);
    const clean = sanitizeLayer(env.layer, { base: this.fileLayer, source: 'env' });
    this.envLayer = clean.layer;
    this.envIssues = [...env.issues, ...clean.issues];
    const previous = this.effective;
    this.effective = configSchema.parse({ ...this.fileLayer, ...this.envLayer });
    const changed = changedKeys(previous, this.effective);
    if (changed.length === 0) return null;
    const change = { config: this.effective, previous, changed };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        log.error('config listener failed', { error: err });
      }
    }
    return change;
  }

  private serialized(): string {
    return `${JSON.stringify({ version: CONFIG_VERSION, ...this.fileLayer }, null, 2)}\n`;
  }

  private writeFileSync(): void {
    const text = this.serialized();
    try {
      writeFileAtomic.sync(this.path, text);
      this.lastText = text;
    } catch (err) {
      throw new FileSystemError(`cannot write ${this.path}: ${(err as Error).message}`, err);
    }
  }

  /**
   * Validates and applies a change: `{key: value}` sets, `{key: null}` returns a key to its
   * default. All of it is applied or none of it; the first problem is thrown as a ConfigError.
   */
  update(patch: Record<string, unknown>): Promise<UpdateResult> {
    const run = this.queue.then(() => this.applyUpdate(patch));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyUpdate(patch: Record<string, unknown>): Promise<UpdateResult> {
    if (this.fileState === 'too_new') {
      throw new ConfigError('version', `${this.path} was written by a newer RetroVue; not overwriting it`);
    }
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new ConfigError('(update)', 'expected an object of settings');
    }
    if ('version' in patch) throw new ConfigError('version', 'is managed by the app');
    const next: RawConfig = { ...this.fileLayer };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete next[key];
      else next[key] = value;
    }
    const parsed = configSchema.safeParse(next);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error, next, 'update');
      const first = issues[0] ?? { key: '(update)', reason: 'invalid' };
      const more = issues.length > 1 ? `; ${issues.length - 1} more problem(s)` : '';
      throw new ConfigError(first.key, `${first.reason}${more}`);
    }
    if (existsSync(this.path) && statSync(this.path).isDirectory()) {
      throw new FileSystemError(
        `cannot write settings: ${this.path} is a folder, not a file; move it away and try again`,
      );
    }
    if (this.fileState === 'invalid' || this.fileState === 'unreadable') {
      if (existsSync(this.path)) {
        const copy = `${this.path}.bad-${stamp()}`;
        copyFileSync(this.path, copy);
        log.warn('config file had problems; kept a copy before writing', { copy });
      }
    }
    const previousLayer = this.fileLayer;
    this.fileLayer = next;
    const text = this.serialized();
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, text);
      this.lastText = text;
    } catch (err) {
      this.fileLayer = previousLayer;
      throw new FileSystemError(`cannot write ${this.path}: ${(err as Error).message}`, err);
    }
    this.fileState = 'ok';
    this.fileIssues = [];
    const before = this.effective;
    const change = this.recompute() ?? { config: this.effective, previous: before, changed: [] };
    const shadowedByEnv = Object.keys(patch).filter((k) => k in this.envLayer);
    log.info('config updated', { keys: Object.keys(patch), shadowedByEnv });
    return { ...change, shadowedByEnv };
  }
}
