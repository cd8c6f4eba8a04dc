// plex-api is the chosen PMS client and pulls in the deprecated `request` stack. The vulnerable
// packages under it are forced to fixed versions with package.json `overrides`; this checks that the
// copies `request` actually loads are the fixed ones, so a lockfile change cannot quietly bring them back.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const fromRoot = createRequire(join(ROOT, 'package.json'));
const fromRequest = createRequire(fromRoot.resolve('request'));

function version(load: NodeJS.Require, name: string): number[] {
  const { version } = load(`${name}/package.json`) as { version: string };
  return version.split('.').map(Number);
}

function atLeast(actual: number[], wanted: number[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    if ((actual[i] ?? 0) !== wanted[i]) return (actual[i] ?? 0) > wanted[i]!;
  }
  return true;
}

describe('dependencies shipped through plex-api', () => {
  it('request loads form-data >= 2.5.4 (GHSA-fjxv-7rqg-78g4, unsafe multipart boundary)', () => {
    expect(atLeast(version(fromRequest, 'form-data'), [2, 5, 4])).toBe(true);
  });

  it('request loads tough-cookie >= 4.1.3 (GHSA-72xf-g2v4-qvf3, prototype pollution)', () => {
    expect(atLeast(version(fromRequest, 'tough-cookie'), [4, 1, 3])).toBe(true);
  });

  it('plex-api loads xml2js >= 0.5 (GHSA-776f-qx25-q3cc, prototype pollution)', () => {
    const fromPlexApi = createRequire(fromRoot.resolve('plex-api'));
    expect(atLeast(version(fromPlexApi, 'xml2js'), [0, 5, 0])).toBe(true);
  });
});
