// One listing phase of one library run: page through Plex's flat list, skip what has not changed,
// fetch details for the rest in batches, and commit each page (items, errors, seen keys,
// checkpoint) in one transaction, so a kill at any moment loses at most the page in flight.
import pLimit, { type LimitFunction } from 'p-limit';
import type { ItemKind } from '../../../src-shared/domain';
import { CancelledError, PlexNotFoundError } from '../errors/errors';
import { parseItem, TYPE_CODES, type ParsedItem, type PlexItem, type PlexItemType } from '../plex/payloads';
import type { Page, ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import type { ExistingItem, MediaWriter } from '../store/repositories/media-repository';
import { insertSyncError, updateRun } from '../store/repositories/run-repository';
import { encodeCheckpoint, type CheckpointState } from './checkpoint';
import { detailEtag, listEtag } from './etag';
import { mapItem } from './item-mapper';
import type { ParentIds, ParentMaps, PhaseSpec } from './phase';
import type { RunProgress } from './progress';
import { isSettled } from './states';

export interface RunCounters {
  added: number;
  updated: number;
  unchanged: number;
  errors: number;
  removed: number;
  itemsDone: number;
  itemsTotal: number;
}

export interface LibraryRunContext {
  store: Store;
  client: ServerClient;
  writer: MediaWriter;
  runId: number;
  serverId: number;
  libraryId: number;
  sectionKey: string;
  deep: boolean;
  pageSize: number;
  detailBatchSize: number;
  detailLimit: LimitFunction;
  signal?: AbortSignal;
  progress: RunProgress;
  counters: RunCounters;
  checkpoint: CheckpointState;
  maps: ParentMaps;
}

export function createDetailLimit(concurrency: number): LimitFunction {
  return pLimit(concurrency);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const r: unknown = signal.reason;
    throw r instanceof CancelledError ? r : new CancelledError(typeof r === 'string' ? r : 'cancelled');
  }
}

/** Reads one page ahead, so the next list request overlaps the current page's details and writes. */
async function* prefetched<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = source.next();
      yield r.value;
    }
  } finally {
    next.catch(() => undefined);
    await source.return(undefined).catch(() => undefined);
  }
}

interface Candidate {
  item: PlexItem;
  etag: string;
  existing: ExistingItem | undefined;
}

/** Runs one listing phase from the checkpoint's offset to the end of the list. */
export async function runListingPhase(ctx: LibraryRunContext, spec: PhaseSpec): Promise<void> {
  const kind = spec.kind as ItemKind;
  if (spec.needs.includes('shows')) ctx.maps.shows = ctx.writer.idsByRatingKey('show', ctx.libraryId);
  if (spec.needs.includes('seasons')) ctx.maps.seasons = ctx.writer.idsByRatingKey('season', ctx.libraryId);
  const start = ctx.checkpoint.phase === spec.phase ? ctx.checkpoint.offset : 0;
  ctx.progress.setPhase(spec.phase, 0, start);
  const pages = ctx.client.paginate(`/library/sections/${encodeURIComponent(ctx.sectionKey)}/all`, {
    pageSize: ctx.pageSize,
    start,
    signal: ctx.signal,
    query: { type: TYPE_CODES[spec.kind], includeGuids: 1 },
  });
  for await (const page of prefetched(pages)) {
    throwIfAborted(ctx.signal);
    if (page.totalSize !== null) ctx.progress.setTotal(page.totalSize);
    await processPage(ctx, spec, kind, page);
  }
}

async function processPage(ctx: LibraryRunContext, spec: PhaseSpec, kind: ItemKind, page: Page): Promise<void> {
  const invalid: Array<{ raw: unknown; ratingKey: string | null; title: string | null; message: string }> = [];
  const valid: PlexItem[] = [];
  for (const raw of page.items) {
    const parsed = parseItem(spec.kind, raw);
    if (parsed.ok) valid.push(parsed.item);
    else invalid.push({ raw, ratingKey: parsed.ratingKey, title: parsed.title, message: parsed.message });
  }
  const keys = [...valid.map((i) => i.ratingKey), ...invalid.flatMap((i) => (i.ratingKey ? [i.ratingKey] : []))];
  const existing = ctx.writer.existing(kind, ctx.libraryId, keys);

  const changed: Candidate[] = [];
  let unchanged = 0;
  for (const item of valid) {
    const etag = listEtag(item);
    const ex = existing.get(item.ratingKey);
    if (ex && ex.etag === etag && isSettled(ex.state) && !ctx.deep) unchanged += 1;
    else changed.push({ item, etag, existing: ex });
  }

  if (spec.kind === 'show') await adoptRekeyedShows(ctx, changed);

  const toMark = changed.flatMap((c) => (c.existing ? [c.existing] : []));
  if (toMark.length > 0) ctx.store.transaction(() => ctx.writer.markScanning(kind, toMark));

  const details = spec.withDetail && changed.length > 0 ? await fetchDetails(ctx, changed.map((c) => c.item.ratingKey)) : null;
  throwIfAborted(ctx.signal);

  let added = 0;
  let updated = 0;
  let errors = 0;
  let lastTitle: string | null = null;
  ctx.store.transaction(() => {
    ctx.writer.markSeen(ctx.checkpoint.chainRunId, ctx.libraryId, kind, keys);
    for (const bad of invalid) {
      errors += 1;
      recordItemError(ctx, kind, bad.ratingKey, bad.title, bad.message, existing.get(bad.ratingKey ?? ''), spec.resolveRawParents(bad.raw, ctx.maps));
    }
    for (const c of changed) {
      let payload: PlexItem = c.item;
      let dEtag: string | null = null;
      if (details) {
        const raw = details.get(c.item.ratingKey);
        if (raw === undefined) {
          // Listed, then gone before its details came: not seen after all.
          ctx.writer.unmarkSeen(ctx.checkpoint.chainRunId, kind, c.item.ratingKey);
          continue;
        }
        const parsed = parseItem(spec.kind, raw);
        if (!parsed.ok) {
          errors += 1;
          recordItemError(ctx, kind, c.item.ratingKey, c.item.title, parsed.message, c.existing, spec.resolveRawParents(raw, ctx.maps));
          continue;
        }
        payload = parsed.item;
        dEtag = detailEtag(payload);
      }
      const parents = spec.resolveParents(payload as ParsedItem<PlexItemType> as never, ctx.maps);
      if (!parents.ok) {
        errors += 1;
        recordItemError(ctx, kind, c.item.ratingKey, c.item.title, parents.message, c.existing, undefined);
        continue;
      }
      const result = ctx.writer.writeItem({
        kind,
        libraryId: ctx.libraryId,
        item: mapItem(payload, details !== null),
        existing: c.existing,
        etag: c.etag,
        detailEtag: dEtag,
        runId: ctx.runId,
        ...(parents.parents ? { parents: parents.parents } : {}),
        writeChildren: !c.existing || !details || c.existing.detailEtag !== dEtag,
      });
      if (kind === 'show') ctx.maps.shows.set(payload.ratingKey, result.id);
      if (kind === 'season') ctx.maps.seasons.set(payload.ratingKey, result.id);
      if (result.inserted) added += 1;
      else if (c.existing && (c.existing.etag !== c.etag || !isSettled(c.existing.state) || c.existing.detailEtag !== dEtag)) updated += 1;
      else unchanged += 1;
      lastTitle = payload.title;
    }
    const counters = ctx.counters;
    counters.added += added;
    counters.updated += updated;
    counters.unchanged += unchanged;
    counters.errors += errors;
    counters.itemsDone += page.items.length;
    counters.itemsTotal = Math.max(counters.itemsTotal, counters.itemsDone);
    ctx.checkpoint = { ...ctx.checkpoint, phase: spec.phase, offset: page.nextOffset };
    updateRun(ctx.store.db, ctx.runId, {
      phase: spec.phase,
      checkpointJson: encodeCheckpoint(ctx.checkpoint),
      added: counters.added,
      updated: counters.updated,
      unchanged: counters.unchanged,
      errors: counters.errors,
      itemsDone: counters.itemsDone,
      itemsTotal: counters.itemsTotal,
      apiCalls: ctx.client.stats().apiCalls,
    });
  });
  ctx.progress.advance(page.items.length, lastTitle ?? valid.at(-1)?.title ?? null);
}

function recordItemError(
  ctx: LibraryRunContext,
  kind: ItemKind,
  ratingKey: string | null,
  title: string | null,
  message: string,
  existing: ExistingItem | undefined,
  parents: ParentIds | undefined,
): void {
  if (ratingKey) {
    ctx.writer.writeItemError(
      { kind, libraryId: ctx.libraryId, ratingKey, title, message, runId: ctx.runId, ...(parents ? { parents } : {}) },
      existing,
    );
  }
  insertSyncError(ctx.store.db, {
    runId: ctx.runId,
    serverId: ctx.serverId,
    libraryId: ctx.libraryId,
    itemKind: kind,
    ratingKey,
    errorClass: 'data',
    code: 'ITEM_DATA',
    message,
    context: { title },
  });
}

/**
 * `/library/metadata/1,2,3?includeChapters=1` in batches, a few at a time. A 404 for a batch means
 * none of it exists; the batch is split until the missing items are isolated.
 */
async function fetchDetails(ctx: LibraryRunContext, ratingKeys: string[]): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  const batches: string[][] = [];
  for (let i = 0; i < ratingKeys.length; i += ctx.detailBatchSize) batches.push(ratingKeys.slice(i, i + ctx.detailBatchSize));

  const fetchBatch = async (keys: string[]): Promise<void> => {
    try {
      const { data } = await ctx.client.get(`/library/metadata/${keys.map(encodeURIComponent).join(',')}`, {
        query: { includeChapters: 1, includeGuids: 1 },
        signal: ctx.signal,
      });
      const items = data.MediaContainer.Metadata;
      if (!Array.isArray(items)) return;
      const wanted = new Set(keys);
      for (const raw of items) {
        const rk = raw && typeof raw === 'object' ? (raw as { ratingKey?: unknown }).ratingKey : undefined;
        const key = typeof rk === 'string' || typeof rk === 'number' ? String(rk) : undefined;
        if (key !== undefined && wanted.has(key)) out.set(key, raw);
      }
    } catch (err) {
      if (err instanceof PlexNotFoundError && keys.length > 1) {
        const mid = Math.ceil(keys.length / 2);
        await Promise.all([fetchBatch(keys.slice(0, mid)), fetchBatch(keys.slice(mid))]);
        return;
      }
      if (err instanceof PlexNotFoundError) return;
      throw err;
    }
  };
  await Promise.all(batches.map((b) => ctx.detailLimit(() => fetchBatch(b))));
  return out;
}

/**
 * Plex gives a show a new ratingKey when it is removed and added again (a re-match, a moved
 * folder). A new key whose guid (else title and year) matches a stored show whose own key is gone
 * from Plex takes over that row, so the show keeps its identity instead of being duplicated.
 */
async function adoptRekeyedShows(ctx: LibraryRunContext, changed: Candidate[]): Promise<void> {
  const claimed = new Set<number>();
  for (const c of changed) {
    if (c.existing) continue;
    const item = c.item as ParsedItem<'show'>;
    const candidates = ctx.writer
      .findShowCandidates(ctx.libraryId, item.guid ?? null, item.title, item.year ?? null)
      .filter((cand) => cand.ratingKey !== item.ratingKey && !claimed.has(cand.id));
    for (const cand of candidates) {
      if (cand.state !== 'file_not_found' && !(await isGoneFromPlex(ctx, cand.ratingKey))) continue;
      ctx.store.transaction(() => ctx.writer.rekey('show', cand.id, item.ratingKey));
      claimed.add(cand.id);
      c.existing = { ...cand, ratingKey: item.ratingKey };
      break;
    }
  }
}

async function isGoneFromPlex(ctx: LibraryRunContext, ratingKey: string): Promise<boolean> {
  try {
    await ctx.client.get(`/library/metadata/${encodeURIComponent(ratingKey)}`, { signal: ctx.signal });
    return false;
  } catch (err) {
    if (err instanceof PlexNotFoundError) return true;
    throw err;
  }
}
