// A show library is three flat listings (shows, then every season, then every episode), each in
// large pages: a few dozen requests for thousands of shows instead of one per show and season.
// Parents are resolved from ratingKey maps, so shows must be stored before their seasons, and
// seasons before their episodes.
import { rawString, type PhaseSpec } from './phase';

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
    // Shows with hidden seasons send no parentRatingKey: the episode hangs off the show alone.
    const seasonId = item.parentRatingKey ? (maps.seasons.get(item.parentRatingKey) ?? null) : null;
    return { ok: true, parents: { showId, seasonId } };
  },
  resolveRawParents(raw, maps) {
    const showId = maps.shows.get(rawString(raw, 'grandparentRatingKey') ?? '');
    if (showId === undefined) return undefined;
    return { showId, seasonId: maps.seasons.get(rawString(raw, 'parentRatingKey') ?? '') ?? null };
  },
};

export const SHOW_PHASES: readonly PhaseSpec[] = [SHOW_PHASE, SEASON_PHASE, EPISODE_PHASE] as PhaseSpec[];
