// What differs between listing phases (movies; shows, seasons, episodes): which Plex type, whether
// items need the detail endpoint, and how an item finds its parents.
import type { ItemKind } from '../../../src-shared/domain';
import type { ParsedItem, PlexItemType } from '../plex/payloads';
import type { ListingPhase } from '../store/checkpoint';
import { seasonKey } from '../store/repositories/identity-repository';

export { seasonKey };

export interface ParentIds {
  showId: number;
  seasonId?: number | null;
}

/** Parent lookups of a show library, loaded at the start of a phase and kept current. */
export interface ParentMaps {
  shows: Map<string, number>;
  seasons: Map<string, number>;
  /** Season id by `seasonKey(showId, seasonNumber)`: for episodes of shows with hidden seasons. */
  seasonNumbers?: Map<string, number>;
}

export type ParentResult = { ok: true; parents?: ParentIds } | { ok: false; message: string };

export interface PhaseSpec<K extends PlexItemType = PlexItemType> {
  phase: ListingPhase;
  kind: K & ItemKind;
  /** Fetch `/library/metadata/{ids}` for new or changed items (streams, chapters, full credits). */
  withDetail: boolean;
  /** Which parent maps the phase needs loaded. */
  needs: ReadonlyArray<keyof ParentMaps>;
  resolveParents(item: ParsedItem<K>, maps: ParentMaps): ParentResult;
  /** Best-effort parents for an item whose payload failed validation (so its error row can exist). */
  resolveRawParents(raw: unknown, maps: ParentMaps): ParentIds | undefined;
}

export function rawString(raw: unknown, field: string): string | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const v = (raw as Record<string, unknown>)[field];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}
