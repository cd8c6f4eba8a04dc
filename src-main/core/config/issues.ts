import type { z } from 'zod';
import { configSchema } from '../../../src-shared/config-schema';

/** One thing wrong with a configuration source: which key, why, and where it came from. */
export interface ConfigIssue {
  /** Setting name (path joined with dots), or the file name when the file as a whole is bad. */
  key: string;
  reason: string;
  source: 'file' | 'env' | 'update' | 'migration';
}

export type RawConfig = Record<string, unknown>;

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** zod's issues as one entry per offending key, with the offending value when there is one. */
export function describeIssues(
  error: z.ZodError,
  raw: RawConfig,
  source: ConfigIssue['source'],
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ key, reason: 'unknown setting', source });
      continue;
    }
    const key = issue.path.map(String).join('.') || '(root)';
    const top = issue.path[0];
    const value = typeof top === 'string' ? valueAt(raw, issue.path) : undefined;
    const got = value === undefined ? '' : ` (got ${show(value)})`;
    out.push({ key, reason: `${issue.message}${got}`, source });
  }
  return out;
}

function valueAt(raw: RawConfig, path: PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function topKey(issue: ConfigIssue): string {
  return issue.key.split('.')[0] ?? issue.key;
}

/**
 * Validates a layer of settings key by key: every key that fails is reported and replaced by its
 * value in `fallback` (the last good layer) or dropped, so one bad value never costs the others.
 * `blame` limits which keys may be dropped (the env layer sits on top of an already valid file).
 */
export function sanitizeLayer(
  layer: RawConfig,
  opts: {
    base?: RawConfig;
    fallback?: RawConfig;
    source: ConfigIssue['source'];
  },
): { layer: RawConfig; issues: ConfigIssue[] } {
  const clean: RawConfig = { ...layer };
  const issues: ConfigIssue[] = [];
  const blamed = new Set<string>();
  for (let round = 0; round <= Object.keys(layer).length; round++) {
    const candidate = { ...opts.base, ...clean };
    const parsed = configSchema.safeParse(candidate);
    if (parsed.success) return { layer: clean, issues };
    const found = describeIssues(parsed.error, candidate, opts.source);
    let progressed = false;
    for (const issue of found) {
      const key = topKey(issue);
      if (!(key in clean) || blamed.has(key)) continue;
      blamed.add(key);
      issues.push(issue);
      if (opts.fallback && key in opts.fallback) clean[key] = opts.fallback[key];
      else delete clean[key];
      progressed = true;
    }
    if (!progressed) break;
  }
  // Only reachable if the base itself is invalid, which callers never pass.
  return { layer: {}, issues };
}
