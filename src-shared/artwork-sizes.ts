// The one place that says how big artwork is drawn. The UI lays posters out at these sizes and the
// main process asks Plex's photo transcoder for exactly these pixels (twice the CSS size, for
// high-density screens), so what is cached is what is shown and no original is ever downloaded.

export interface ArtworkSize {
  /** CSS pixels the UI draws. */
  cssWidth: number;
  cssHeight: number;
  /** Pixels asked of Plex. */
  width: number;
  height: number;
}

const at2x = (cssWidth: number, cssHeight: number): ArtworkSize => ({
  cssWidth,
  cssHeight,
  width: cssWidth * 2,
  height: cssHeight * 2,
});

/** What each picture is, by where it is shown. */
export const ARTWORK_ROLES = ['poster', 'background', 'episode_thumb'] as const;
export type ArtworkRole = (typeof ARTWORK_ROLES)[number];

export const ARTWORK_SIZES: Record<ArtworkRole, ArtworkSize> = {
  /** Grid tile and item detail; the list column and library cards draw it smaller. */
  poster: at2x(150, 225),
  /** Behind the item detail only. */
  background: at2x(640, 360),
  episode_thumb: at2x(160, 90),
};

/** CSS sizes of the smaller poster spots (they scale the same cached poster down). */
export const POSTER_LIST_CSS = { width: 32, height: 48 } as const;
export const POSTER_CARD_CSS = { width: 60, height: 90 } as const;
