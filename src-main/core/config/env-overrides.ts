// RETROVUE_<SETTING> environment variables override the file, e.g. RETROVUE_CONCURRENT_SCANS=3,
// RETROVUE_PLEX_TV_URL=http://127.0.0.1:4000, RETROVUE_PATH_REPLACEMENTS='[{"from":"/a","to":"/b"}]'.
import { configSchema, DEFAULT_CONFIG } from '../../../src-shared/config-schema';
import type { ConfigIssue, RawConfig } from './issues';

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

export function envName(key: string): string {
  return `RETROVUE_${key.toUpperCase()}`;
}

/** Setting names that may be overridden: every schema key except the file's own version. */
export function overridableKeys(): string[] {
  return Object.keys(configSchema.shape).filter((k) => k !== 'version');
}

/**
 * Converts the env strings to the types the schema expects. A value that cannot be converted
 * stays a string so validation reports it against its key with the value shown.
 */
function convert(key: string, text: string, issues: ConfigIssue[]): unknown {
  const sample = (DEFAULT_CONFIG as RawConfig)[key];
  if (typeof sample === 'number') {
    const n = Number(text.trim());
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  if (typeof sample === 'boolean') {
    const t = text.trim().toLowerCase();
    if (TRUE.has(t)) return true;
    if (FALSE.has(t)) return false;
    return text;
  }
  if (sample !== null && typeof sample === 'object') {
    try {
      return JSON.parse(text);
    } catch (err) {
      issues.push({
        key,
        reason: `${envName(key)} is not valid JSON: ${(err as Error).message}`,
        source: 'env',
      });
      return undefined;
    }
  }
  return text;
}

/** The override layer from an environment, before validation. */
export function readEnvOverrides(env: NodeJS.ProcessEnv): { layer: RawConfig; issues: ConfigIssue[] } {
  const layer: RawConfig = {};
  const issues: ConfigIssue[] = [];
  for (const key of overridableKeys()) {
    const text = env[envName(key)];
    if (text === undefined) continue;
    const value = convert(key, text, issues);
    if (value !== undefined) layer[key] = value;
  }
  return { layer, issues };
}
