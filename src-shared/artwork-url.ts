// Where the renderer finds a picture: a path into our own artwork cache, never a Plex URL (which
// would need the Plex token). The Electron shell serves it on a custom protocol, `retrovue serve`
// under /artwork/ behind its access token; a picture not cached yet is fetched while the request
// waits, so it appears when it lands.
import { ARTWORK_KINDS, ITEM_KINDS, type ArtworkKind, type ItemKind } from './domain';

export const ARTWORK_SCHEME = 'retrovue-art';
/** The path prefix in web mode and the host part of the Electron protocol's URLs. */
export const ARTWORK_ROUTE = 'artwork';

export interface ArtworkRef {
  itemKind: ItemKind;
  itemId: number;
  kind: ArtworkKind;
}

export function artworkPath(ref: ArtworkRef): string {
  return `${ref.itemKind}/${ref.itemId}/${ref.kind}`;
}

/** `movie/12/thumb` (with or without a leading `/artwork/`) -> the picture it names, or null. */
export function parseArtworkPath(path: string): ArtworkRef | null {
  const m = new RegExp(`^/?(?:${ARTWORK_ROUTE}/)?([a-z]+)/(\\d{1,12})/([a-z]+)$`).exec(path);
  if (!m) return null;
  const itemKind = m[1] as ItemKind;
  const kind = m[3] as ArtworkKind;
  if (!ITEM_KINDS.includes(itemKind) || !ARTWORK_KINDS.includes(kind)) return null;
  return { itemKind, itemId: Number(m[2]), kind };
}
