// The four media tables, by item kind: what every media repository names its SQL after.
import type { ItemKind } from '../../../../src-shared/domain';

export const MEDIA_TABLE: Record<ItemKind, 'movies' | 'shows' | 'seasons' | 'episodes'> = {
  movie: 'movies',
  show: 'shows',
  season: 'seasons',
  episode: 'episodes',
};
