// Older config files are upgraded in memory, one version step at a time, before validation.
import { CONFIG_VERSION } from '../../../src-shared/config-schema';
import { ConfigError } from '../errors/errors';
import type { ConfigIssue, RawConfig } from './issues';

/** Keys the seed (version 0) spelt differently, after camelCase has become snake_case. */
const V0_RENAMES: Record<string, string> = {
  api_timeout: 'api_timeout_seconds',
  retry_delay: 'retry_delay_seconds',
  max_retries: 'retry_attempts',
  error_cooldown: 'error_cooldown_minutes',
  plex_url: 'plex_tv_url',
};

function snakeCase(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * The seed wrote mappings as "FROM=TO" strings (or a {FROM: TO} object); version 1 has
 * {from, to} objects. A string without "=" cannot be guessed at and is reported, not kept.
 */
function convertMappings(value: unknown, issues: ConfigIssue[]): unknown[] {
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : value && typeof value === 'object'
      ? Object.entries(value).map(([from, to]) => [from, `${from}=${String(to)}`])
      : [];
  if (entries.length === 0 && value !== undefined && !Array.isArray(value)) {
    issues.push({
      key: 'path_mappings',
      reason: 'expected a list of "FROM=TO" strings',
      source: 'migration',
    });
  }
  const out: unknown[] = [];
  for (const [label, entry] of entries) {
    if (entry && typeof entry === 'object') {
      out.push(entry);
      continue;
    }
    const text = String(entry);
    const eq = text.indexOf('=');
    if (eq <= 0 || eq === text.length - 1) {
      issues.push({
        key: `path_mappings[${label}]`,
        reason: `expected "FROM=TO", got ${JSON.stringify(text)}; entry dropped`,
        source: 'migration',
      });
      continue;
    }
    out.push({ from: text.slice(0, eq).trim(), to: text.slice(eq + 1).trim() });
  }
  return out;
}

function v0ToV1(raw: RawConfig, issues: ConfigIssue[]): RawConfig {
  const out: RawConfig = {};
  let mappings: unknown[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const snake = snakeCase(key);
    if (snake === 'path_mappings') {
      mappings = convertMappings(value, issues);
      continue;
    }
    out[V0_RENAMES[snake] ?? snake] = value;
  }
  if (mappings.length > 0) {
    const existing = Array.isArray(out.path_replacements) ? out.path_replacements : [];
    out.path_replacements = [...existing, ...mappings];
  }
  out.version = 1;
  return out;
}

/** The file comes from a newer app: it must be left exactly as it is. */
export class ConfigTooNewError extends ConfigError {
  constructor(fileName: string, version: number) {
    super(
      'version',
      `${fileName} is version ${version}, written by a newer RetroVue (this one reads up to ${CONFIG_VERSION}); it was left untouched`,
    );
  }
}

const STEPS: Record<number, (raw: RawConfig, issues: ConfigIssue[]) => RawConfig> = {
  0: v0ToV1,
};

export interface MigratedConfig {
  data: RawConfig;
  /** The file's version before migration; equal to CONFIG_VERSION when nothing changed. */
  from: number;
  issues: ConfigIssue[];
}

/** Upgrades a parsed config file to CONFIG_VERSION. A file from a newer app is refused. */
export function migrateConfig(parsed: unknown, fileName: string): MigratedConfig {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(fileName, 'expected a JSON object at the top level');
  }
  const raw = parsed as RawConfig;
  const version = raw.version === undefined ? 0 : raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new ConfigError('version', `expected a whole number, got ${JSON.stringify(version)}`);
  }
  if (version > CONFIG_VERSION) {
    throw new ConfigTooNewError(fileName, version);
  }
  const issues: ConfigIssue[] = [];
  let data = raw;
  for (let v = version; v < CONFIG_VERSION; v++) {
    const step = STEPS[v];
    if (!step) throw new ConfigError('version', `no migration from version ${v}`);
    data = step(data, issues);
  }
  return { data, from: version, issues };
}
