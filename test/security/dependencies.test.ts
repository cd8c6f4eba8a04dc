// plex-api is the chosen PMS client and pulls in the deprecated `request` stack. The vulnerable
// packages under it are forced to fixed versions with package.json `overrides`; this checks that the
// copies `request` actually loads are the fixed ones, so a lockfile change cannot quietly bring them back.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeIdentity } from '../../src-main/core/plex/identity';
import { createServerClient } from '../../src-main/core/plex/server-client';

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

describe('the PMS client over request', () => {
  it('never follows a redirect (request would follow it to any host or protocol)', async () => {
    let elsewhere = 0;
    const target = createServer((_req, res) => {
      elsewhere++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"MediaContainer":{}}');
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const targetPort = (target.address() as AddressInfo).port;
    const redirecting = createServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${targetPort}/stolen` }).end();
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', () => r()));
    const client = createServerClient({
      baseUrl: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`,
      token: 'secret-token-not-to-forward',
      identity: makeIdentity('redirect-test'),
      timeoutMs: 2000,
      retry: { retries: 0, baseDelayMs: 0, maxDelayMs: 0 },
    });
    try {
      await expect(client.get('/library/sections')).rejects.toThrow();
      expect(elsewhere).toBe(0);
    } finally {
      client.close();
      await new Promise((r) => redirecting.close(r));
      await new Promise((r) => target.close(r));
    }
  });
});
