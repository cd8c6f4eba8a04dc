import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** One runtime per folder: the same rule the ESLint config enforces, checked on the tree itself. */
describe('layering', () => {
  it('src-main/core never imports electron or the Electron shell', () => {
    const offenders = sources(join(ROOT, 'src-main', 'core')).flatMap((f) =>
      importsOf(f)
        .filter((i) => i === 'electron' || i.startsWith('electron/') || /(^|\/)app\//.test(i))
        .map((i) => `${relative(ROOT, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('src-shared imports neither Node nor the DOM-side or main-side code', () => {
    const offenders = sources(join(ROOT, 'src-shared')).flatMap((f) =>
      importsOf(f)
        .filter(
          (i) =>
            i.startsWith('node:') || i === 'electron' || i.includes('src-main') || i.includes('src-renderer'),
        )
        .map((i) => `${relative(ROOT, f)} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the top level holds exactly the agreed folders and files', () => {
    const allowed = new Set([
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'electron-builder.yml',
      'src-main',
      'src-renderer',
      'src-shared',
      'drizzle',
      'test',
      'assets',
      'README.md',
      '.ci',
      'eslint.config.js',
      '.prettierrc.json',
      '.prettierignore',
      '.gitignore',
      '.git',
      // build and install output, never committed
      'node_modules',
      'dist',
      'release',
      'test-artifacts',
      'coverage',
    ]);
    const extra = readdirSync(ROOT).filter((n) => !allowed.has(n));
    expect(extra).toEqual([]);
  });
});
