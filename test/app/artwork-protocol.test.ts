// The Electron shell's retrovue-art:// protocol and the web server's /artwork/ route answer from the
// artwork queue (cache, else fetched at once), with the Plex token kept out of the answer.
import { afterEach, describe, expect, it } from 'vitest';
import { ARTWORK_SIZES } from '../../src-shared/artwork-sizes';
import { registerArtworkScheme, serveArtwork } from '../../src-main/app/artwork-protocol';
import { startWebServer } from '../../src-main/web/web-server';
import { createEventBus } from '../../src-main/core/api/event-bus';
import type { ApiHandlers } from '../../src-shared/ipc/contract';
import { artworkQueue } from '../artwork/helpers';
import { setupSync, type SyncSetup } from '../sync/helpers';
import { tempDir } from '../helpers/temp';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const firstMovie = (setup: SyncSetup) =>
  (
    setup.store.sqlite
      .prepare(`select item_id as id from artwork where item_kind = 'movie' and kind = 'thumb'`)
      .get() as {
      id: number;
    }
  ).id;

describe('artwork for the renderer', () => {
  it('retrovue-art:// serves a poster fetched on demand, then from the cache; unknown paths are 404', async () => {
    s = await setupSync({ movies: 3, shows: 0, episodes: 0 });
    await s.engine.syncServer(s.serverId);
    const { queue } = artworkQueue(s);
    const handlers = new Map<string, (r: { url: string }) => Promise<Response>>();
    const privileged: unknown[] = [];
    registerArtworkScheme({ registerSchemesAsPrivileged: (x) => void privileged.push(...x) });
    expect(privileged).toEqual([
      { scheme: 'retrovue-art', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    serveArtwork(
      { handle: (scheme: string, h: unknown) => void handlers.set(scheme, h as never) } as never,
      queue,
    );
    const handle = handlers.get('retrovue-art')!;
    const id = firstMovie(s);
    s.fake.requestLog.reset();
    const res = await handle({ url: `retrovue-art://artwork/movie/${id}/thumb` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const body = Buffer.from(await res.arrayBuffer());
    expect(
      Math.abs(body.length - (ARTWORK_SIZES.poster.width * ARTWORK_SIZES.poster.height) / 12),
    ).toBeLessThan(16);
    expect(s.fake.requestLog.entries.map((e) => e.path)).toEqual(['/photo/:/transcode']);
    const again = await handle({ url: `retrovue-art://artwork/movie/${id}/thumb` });
    expect(Buffer.from(await again.arrayBuffer()).equals(body)).toBe(true);
    expect(s.fake.requestLog.entries).toHaveLength(1);
    expect((await handle({ url: 'retrovue-art://artwork/movie/999999/thumb' })).status).toBe(404);
    expect((await handle({ url: 'retrovue-art://artwork/../../etc/passwd' })).status).toBe(404);
  });

  it('/artwork/ in web mode needs the access token like every other request', async () => {
    s = await setupSync({ movies: 3, shows: 0, episodes: 0 });
    await s.engine.syncServer(s.serverId);
    const { queue } = artworkQueue(s);
    const renderer = tempDir();
    const web = await startWebServer({
      handlers: {} as ApiHandlers,
      events: createEventBus(),
      rendererDir: renderer.dir,
      accessToken: 'secret-access',
      artwork: queue,
    });
    try {
      const path = `http://127.0.0.1:${web.port}/artwork/movie/${firstMovie(s)}/art`;
      expect((await fetch(path)).status).toBe(403);
      const ok = await fetch(`${path}?access=secret-access`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('image/jpeg');
      const text = Buffer.from(await ok.arrayBuffer()).toString('latin1');
      expect(text).not.toContain(s.fake.token);
    } finally {
      await web.close();
      renderer.cleanup();
    }
  });
});
