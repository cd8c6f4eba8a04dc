// The fake Plex is a module of its own (issue 16 point 7): tests, the bench and scripts outside
// test/fake-plex import it only through its entry point (index.ts), and the product never imports it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const FAKE = join(ROOT, 'test', 'fake-plex');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|cjs|mjs|js)$/.test(e.name) ? [path] : [];
  });
}

/** Every module specifier in a file that names the fake Plex folder. */
function fakePlexImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import|require)\s*\(?\s*['"]([^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  return specifiers.filter((s) => /(^|\/)fake-plex(\/|$)/.test(s));
}

describe('the fake Plex entry point', () => {
  it('is the only file of test/fake-plex imported from outside the folder', () => {
    const outside = sourceFiles(join(ROOT, 'test')).filter((f) => !f.startsWith(FAKE + '/'));
    const reaching = outside.flatMap((f) =>
      fakePlexImports(f)
        .filter((s) => !/(^|\/)fake-plex(\/index)?$/.test(s))
        .map((s) => `${relative(ROOT, f)} imports ${s}`),
    );
    expect(outside.some((f) => fakePlexImports(f).length > 0)).toBe(true);
    expect(reaching).toEqual([]);
  });

  it('is never imported by the product', () => {
    const product = ['src-main', 'src-renderer', 'src-shared'].flatMap((d) => sourceFiles(join(ROOT, d)));
    expect(product.length).toBeGreaterThan(50);
    expect(
      product.flatMap((f) => fakePlexImports(f).map((s) => `${relative(ROOT, f)} imports ${s}`)),
    ).toEqual([]);
  });
});
