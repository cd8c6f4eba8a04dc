// A show library is three flat listings (shows, then every season, then every episode), each in
// large pages: a few dozen requests for thousands of shows instead of one per show and season.
// Parents are resolved from ratingKey maps, so shows must be stored before their seasons, and
// seasons before their episodes.
import { rawString, seasonKey, type ParentMaps, type PhaseSpec } from './phase';

export const SHOW_PHASE: PhaseSpec<'show'> = {
  phase: 'shows',
  kind: 'show',
  withDetail: true,
  needs: [],
  resolveParents: () => ({ ok: true }),
  resolveRawParents: () => undefined,
};

export const SEASON_PHASE: PhaseSpec<'season'> = {
  phase: 'seasons',
  kind: 'season',
  // The list already carries everything a season has (no files, no credits).
  withDetail: false,
  needs: ['shows'],
  resolveParents(item, maps) {
    const showId = maps.shows.get(item.parentRatingKey);
    if (showId === undefined)
      return { ok: false, message: `season's show ${item.parentRatingKey} is not in the library` };
    return { ok: true, parents: { showId } };
  },
  resolveRawParents(raw, maps) {
    const showId = maps.shows.get(rawString(raw, 'parentRatingKey') ?? '');
    return showId === undefined ? undefined : { showId };
  },
};

export const EPISODE_PHASE: PhaseSpec<'episode'> = {
  phase: 'episodes',
  kind: 'episode',
  withDetail: true,
  needs: ['shows', 'seasons'],
  resolveParents(item, maps) {
    const showId = maps.shows.get(item.grandparentRatingKey);
    if (showId === undefined) {
      return { ok: false, message: `episode's show ${item.grandparentRatingKey} is not in the library` };
    }
    const seasonId = item.parentRatingKey
      ? (maps.seasons.get(item.parentRatingKey) ?? null)
      : hiddenSeason(showId, item.parentIndex, item.parentThumb, maps);
    return { ok: true, parents: { showId, seasonId } };
  },
  resolveRawParents(raw, maps) {
    const showId = maps.shows.get(rawString(raw, 'grandparentRatingKey') ?? '');
    if (showId === undefined) return undefined;
    const parent = rawString(raw, 'parentRatingKey');
    if (parent) return { showId, seasonId: maps.seasons.get(parent) ?? null };
    const index = Number(rawString(raw, 'parentIndex'));
    return {
      showId,
      seasonId: hiddenSeason(
        showId,
        Number.isInteger(index) ? index : undefined,
        rawString(raw, 'parentThumb'),
        maps,
      ),
    };
  },
};

/**
 * Shows with hidden seasons (skipChildren) send episodes without parentRatingKey; their season is
 * found as python-plexapi does (`plexapi/video.py` Episode `_season`): by the season number
 * (parentIndex) within the show, else by the season key inside parentThumb.
 */
function hiddenSeason(
  showId: number,
  parentIndex: number | undefined,
  parentThumb: string | undefined,
  maps: ParentMaps,
): number | null {
  if (parentIndex !== undefined) {
    const byNumber = maps.seasonNumbers?.get(seasonKey(showId, parentIndex));
    if (byNumber !== undefined) return byNumber;
  }
  const fromThumb = parentThumb ? /^\/library\/metadata\/([^/]+)\/thumb\b/.exec(parentThumb)?.[1] : undefined;
  return (fromThumb && maps.seasons.get(fromThumb)) || null;
}

export const SHOW_PHASES: readonly PhaseSpec[] = [SHOW_PHASE, SEASON_PHASE, EPISODE_PHASE] as PhaseSpec[];
