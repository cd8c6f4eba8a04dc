// retrovue-art://artwork/<kind>/<id>/<thumb|art>: posters and backgrounds for the renderer from the
// local cache (fetched at once when missing). The main process holds the Plex token; the renderer
// only ever sees these URLs.
import type { Protocol } from 'electron';
import { ARTWORK_SCHEME } from '../../src-shared/artwork-url';
import { artworkReply, type ArtworkSource } from '../core/artwork/artwork-route';

/** Before the app is ready: a standard, secure scheme that <img> may load. */
export function registerArtworkScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: ARTWORK_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveArtwork(protocol: Pick<Protocol, 'handle'>, source: ArtworkSource | null): void {
  protocol.handle(ARTWORK_SCHEME, async (request) => {
    const url = new URL(request.url);
    const reply = await artworkReply(source, `${url.host}${url.pathname}`);
    return new Response(new Uint8Array(reply.body), { status: reply.status, headers: reply.headers });
  });
}
