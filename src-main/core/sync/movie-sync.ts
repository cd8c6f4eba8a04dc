// A movie library is one listing phase: every movie, with details for the new and changed ones.
import type { PhaseSpec } from './phase';

export const MOVIE_PHASE: PhaseSpec<'movie'> = {
  phase: 'movies',
  kind: 'movie',
  withDetail: true,
  needs: [],
  resolveParents: () => ({ ok: true }),
  resolveRawParents: () => undefined,
};

export const MOVIE_PHASES: readonly PhaseSpec[] = [MOVIE_PHASE as PhaseSpec];
