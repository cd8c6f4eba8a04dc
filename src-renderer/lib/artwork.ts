// The URL of a picture in our own cache: the Electron shell's custom protocol, or the web server's
// /artwork/ route (its access cookie comes along). Never a Plex URL: the token stays in main.
import { ARTWORK_ROUTE, ARTWORK_SCHEME, artworkPath, type ArtworkRef } from '../../src-shared/artwork-url';

export function artworkSrc(ref: ArtworkRef): string {
  const path = artworkPath(ref);
  return window.retrovue ? `${ARTWORK_SCHEME}://${ARTWORK_ROUTE}/${path}` : `/${ARTWORK_ROUTE}/${path}`;
}
