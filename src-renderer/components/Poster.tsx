import { useState } from 'react';
import { ARTWORK_SIZES } from '../../src-shared/artwork-sizes';
import type { ItemKind } from '../../src-shared/domain';
import { artworkSrc } from '../lib/artwork';
import '../posters.css';

interface PosterProps {
  itemKind: ItemKind;
  itemId: number;
  title: string;
  /** Plex has a poster for it (ItemRow.pictures): otherwise nothing is asked for. */
  available: boolean;
  /** CSS size to draw at; default the poster size the cache holds. */
  width?: number;
  height?: number;
  className?: string;
}

/**
 * An item's poster (an episode's thumbnail) from the local cache. One not cached yet is fetched
 * while the image loads, so it appears when it lands; an item without one shows its initial.
 */
export function Poster({ itemKind, itemId, title, available, width, height, className }: PosterProps) {
  const [failed, setFailed] = useState(false);
  const size = ARTWORK_SIZES[itemKind === 'episode' ? 'episode_thumb' : 'poster'];
  const w = width ?? size.cssWidth;
  const h = height ?? (width ? Math.round((width * size.cssHeight) / size.cssWidth) : size.cssHeight);
  const classes = ['poster', className].filter(Boolean).join(' ');
  if (failed || !available)
    return (
      <span className={`${classes} poster-empty`} style={{ width: w, height: h }} aria-hidden="true">
        {title.trim().charAt(0).toUpperCase() || '?'}
      </span>
    );
  return (
    <img
      className={classes}
      src={artworkSrc({ itemKind, itemId, kind: 'thumb' })}
      width={w}
      height={h}
      alt=""
      loading="lazy"
      decoding="async"
      onError={() => setFailed(true)}
    />
  );
}

/** An item's background, behind the item detail only; nothing when it has none. */
export function Backdrop({ itemKind, itemId }: { itemKind: ItemKind; itemId: number }) {
  const [failed, setFailed] = useState(false);
  if (failed) return null;
  return (
    <img
      className="backdrop"
      src={artworkSrc({ itemKind, itemId, kind: 'art' })}
      alt=""
      decoding="async"
      onError={() => setFailed(true)}
    />
  );
}
