// The `body` fault kind: a hand-made raw answer for matching paths, for the malformed-payload corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlex, type FakePlex } from './index';
import { plexGet } from './test-helpers';

let fake: FakePlex;
beforeAll(async () => {
  fake = await startFakePlex({ seed: 5, movies: 3, shows: 0, episodes: 0 });
});
afterAll(() => fake.stop());

describe('body fault', () => {
  it('answers the matching path with the raw body, status and type given, and leaves other paths alone', async () => {
    fake.control.addFault({
      kind: 'body',
      path: '/library/sections/1/all',
      body: '{"MediaContainer":{"Metadata":"six"}}',
    });
    const bad = await plexGet(fake, '/library/sections/1/all', { token: fake.token });
    expect(bad.status).toBe(200);
    expect(bad.headers.get('content-type')).toBe('application/json');
    expect(await bad.text()).toBe('{"MediaContainer":{"Metadata":"six"}}');
    expect(fake.requestLog.entries.at(-1)).toMatchObject({ fault: 'body', status: 200 });
    const other = await plexGet(fake, '/library/sections', { token: fake.token });
    expect(await other.text()).toContain('Movies');

    fake.control.clearFaults();
    fake.control.addFault({
      kind: 'body',
      path: /^\/identity$/,
      body: '<html/>',
      status: 502,
      contentType: 'text/html',
    });
    const html = await plexGet(fake, '/identity');
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toBe('<html/>');
    fake.control.clearFaults();
    expect((await plexGet(fake, '/library/sections/1/all', { token: fake.token })).status).toBe(200);
  });
});
