// Plex reports file paths as its host sees them; this machine may see the same files elsewhere
// (a NAS share, another drive letter). Ordered prefix replacements translate them, then an
// existence check tells normal (found here) from remote_only (no rule, not found) and unavailable
// (a rule says where it should be, but it is not reachable). Paths are used as given, never
// resolved against the working folder: a relative one, or one with a NUL, is `invalid`.
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { PathReplacement } from '../../../src-shared/config-schema';

export type FileCheck = 'found' | 'missing' | 'unmapped' | 'invalid';

export interface MappedPath {
  localPath: string;
  /** True when a configured replacement matched. */
  mapped: boolean;
}

export interface FileCheckResult {
  /** Null for a path that cannot name a file here (`invalid`). */
  localPath: string | null;
  mapped: boolean;
  state: FileCheck;
  /** Why the path is `invalid`. */
  reason?: string;
}

export interface PathMapper {
  map(plexPath: string): MappedPath;
  /** Maps and checks one file. */
  check(plexPath: string): FileCheckResult;
}

/** A NUL cannot be in a real path; U+FFFD is what a stored path keeps in its place. */
const hasUnreadable = (p: string) => p.includes('\u0000') || p.includes('\uFFFD');

const isForeignAbsolute = (p: string) =>
  process.platform === 'win32' ? p.startsWith('/') : /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');

const isWindowsPath = (p: string) => /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\') || p.includes('\\');

interface CompiledRule {
  from: string;
  to: string;
  caseInsensitive: boolean;
  toWindows: boolean;
}

/** Separators unified to `/`, trailing separators dropped. */
function normalise(p: string): string {
  const unified = p.replace(/\\/g, '/');
  return unified.length > 1 ? unified.replace(/\/+$/, '') : unified;
}

function compile(rule: PathReplacement): CompiledRule {
  return {
    from: normalise(rule.from),
    to: rule.to.replace(/[\\/]+$/, ''),
    caseInsensitive: isWindowsPath(rule.from),
    toWindows: isWindowsPath(rule.to),
  };
}

/**
 * Rules apply in order; the first whose `from` is a prefix of the path at a folder boundary wins.
 * Windows `from` prefixes match case-insensitively (drive letters, NTFS); POSIX ones exactly.
 * Rules with a `server` apply only to that machine identifier.
 */
export function createPathMapper(
  rules: readonly PathReplacement[],
  machineIdentifier: string | null,
  exists: (path: string) => boolean = existsSync,
): PathMapper {
  const compiled = rules.filter((r) => !r.server || r.server === machineIdentifier).map(compile);

  function map(plexPath: string): MappedPath {
    const path = normalise(plexPath);
    for (const rule of compiled) {
      const head = path.slice(0, rule.from.length);
      const matches = rule.caseInsensitive
        ? head.toLowerCase() === rule.from.toLowerCase()
        : head === rule.from;
      const boundary =
        path.length === rule.from.length || path[rule.from.length] === '/' || rule.from.endsWith('/');
      if (!matches || !boundary) continue;
      const rest = path.slice(rule.from.length).replace(/^\/+/, '');
      const sep = rule.toWindows ? '\\' : '/';
      const tail = rule.toWindows ? rest.replace(/\//g, '\\') : rest;
      return { localPath: tail ? `${rule.to}${sep}${tail}` : rule.to, mapped: true };
    }
    return { localPath: plexPath, mapped: false };
  }

  return {
    map,
    check(plexPath) {
      if (hasUnreadable(plexPath)) {
        return {
          localPath: null,
          mapped: false,
          state: 'invalid',
          reason: 'file path from Plex has a NUL character',
        };
      }
      const m = map(plexPath);
      const missing = m.mapped ? 'missing' : 'unmapped';
      // Another system's absolute path (a Windows server's, seen here on Linux): not checkable here.
      if (isForeignAbsolute(m.localPath)) return { ...m, state: missing };
      if (!isAbsolute(m.localPath)) {
        return {
          localPath: null,
          mapped: m.mapped,
          state: 'invalid',
          reason: `file path is not absolute: ${JSON.stringify(m.localPath.slice(0, 300))}`,
        };
      }
      return { ...m, state: exists(m.localPath) ? 'found' : missing };
    },
  };
}

/** An item's availability from its files: any file here makes it available. */
export function combineFileChecks(checks: readonly FileCheck[]): FileCheck | 'none' {
  if (checks.length === 0) return 'none';
  if (checks.includes('found')) return 'found';
  if (checks.includes('missing') || checks.includes('invalid')) return 'missing';
  return 'unmapped';
}
