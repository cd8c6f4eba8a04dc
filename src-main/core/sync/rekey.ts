// Plex gives an item a new ratingKey when its file is replaced or it is re-matched; its guid stays
// (Tunarr #464; Kometa wiki). A listed item we do not know whose guid (plex://, else imdb/tmdb/tvdb
// ids; title+year for shows) matches a stored row whose own key is gone from Plex takes over that
// row: same id, history and state, the old key kept as an alias. Movies, shows, seasons, episodes.
import type { ItemKind } from '../../../src-shared/domain';
import { PlexNotFoundError } from '../errors/errors';
import {
  adoptUnderNewKey,
  findRekeyCandidates,
  hasRowsNotSeen,
} from '../store/repositories/identity-repository';
import type { ExistingItem } from '../store/repositories/media-writer';
import { rawField } from './etag';
import { mapGuids } from '../media/item-mapper';
import type { ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import type { CheckpointState } from '../store/checkpoint';

/** What adoption needs of a library run (library-run.ts hands its context). */
export interface RekeyContext {
  store: Store;
  client: ServerClient;
  libraryId: number;
  signal?: AbortSignal;
  checkpoint: Pick<CheckpointState, 'chainRunId'>;
}

export interface RekeyCandidateItem {
  raw: unknown;
  ratingKey: string;
  existing: ExistingItem | undefined;
}

function externalIds(raw: unknown): Array<{ provider: string; value: string }> {
  const list = raw && typeof raw === 'object' ? (raw as { Guid?: unknown }).Guid : undefined;
  if (!Array.isArray(list)) return [];
  const usable = list.filter(
    (g): g is { id: string } =>
      !!g && typeof g === 'object' && typeof (g as { id?: unknown }).id === 'string',
  );
  return mapGuids({ Guid: usable, type: 'movie' });
}

/**
 * Whether the library had rows of this kind before this run chain listed any: asked on the phase's
 * first page, before anything of it is committed. Without such rows (a first sync) every stored row
 * was listed by this chain, so none can be a candidate and the lookups are skipped.
 */
const hadRows = new WeakMap<RekeyContext, Map<ItemKind, boolean>>();
function mayHaveCandidates(ctx: RekeyContext, kind: ItemKind): boolean {
  let perKind = hadRows.get(ctx);
  if (!perKind) hadRows.set(ctx, (perKind = new Map()));
  let had = perKind.get(kind);
  if (had === undefined) {
    had = hasRowsNotSeen(ctx.store.sqlite, kind, ctx.libraryId, ctx.checkpoint.chainRunId);
    perKind.set(kind, had);
  }
  return had;
}

/** Gives each new item of `changed` the row of the item it replaces, when there is one. */
export async function adoptRekeyed(
  ctx: RekeyContext,
  kind: ItemKind,
  changed: RekeyCandidateItem[],
): Promise<void> {
  if (!changed.some((c) => !c.existing) || !mayHaveCandidates(ctx, kind)) return;
  const claimed = new Set<number>();
  for (const c of changed) {
    if (c.existing) continue;
    const guid = rawField(c.raw, 'guid');
    const title = rawField(c.raw, 'title');
    const year = rawField(c.raw, 'year');
    const candidates = findRekeyCandidates(ctx.store.sqlite, kind, ctx.libraryId, ctx.checkpoint.chainRunId, {
      guid: typeof guid === 'string' ? guid : null,
      externalIds: externalIds(c.raw),
      title: typeof title === 'string' ? title : null,
      year: typeof year === 'number' ? year : null,
    }).filter((cand) => cand.ratingKey !== c.ratingKey && !claimed.has(cand.id));
    for (const cand of candidates) {
      if (cand.state !== 'file_not_found' && !(await isGoneFromPlex(ctx, cand.ratingKey))) continue;
      ctx.store.transaction(() =>
        adoptUnderNewKey(ctx.store.sqlite, kind, ctx.libraryId, cand.id, cand.ratingKey, c.ratingKey),
      );
      claimed.add(cand.id);
      c.existing = { ...cand, ratingKey: c.ratingKey };
      break;
    }
  }
}

async function isGoneFromPlex(ctx: RekeyContext, ratingKey: string): Promise<boolean> {
  try {
    await ctx.client.get(`/library/metadata/${encodeURIComponent(ratingKey)}`, { signal: ctx.signal });
    return false;
  } catch (err) {
    if (err instanceof PlexNotFoundError) return true;
    throw err;
  }
}
