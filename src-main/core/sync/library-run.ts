// One listing phase of one library run: page through Plex's flat list, skip what has not changed,
// fetch details for the rest in batches, and commit each page (items, errors, seen keys,
// checkpoint) in one transaction, so a kill at any moment loses at most the page in flight.
import pLimit, { type LimitFunction } from 'p-limit';
import type { ItemKind } from '../../../src-shared/domain';
import { CancelledError, ItemDataError, PlexNotFoundError } from '../errors/errors';
import { parseItem, TYPE_CODES, type ParsedItem, type PlexItem, type PlexItemType } from '../plex/payloads';
import type { Page, ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import type { ExistingItem, MediaWriter } from '../store/repositories/media-repository';
import { recordSyncError, resolveItemErrors } from '../store/repositories/error-repository';
import { updateRun } from '../store/repositories/run-repository';
import { encodeCheckpoint, type CheckpointState } from './checkpoint';
import { detailEtag, listEtag, rawField, rawRatingKey } from './etag';
import { mapItem, type MappedItem } from '../media/item-mapper';
import type { ParentIds, ParentMaps, ParentResult, PhaseSpec } from './phase';
import type { RunProgress } from './progress';
import { isSettled } from '../media/states';

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

/** List pages in flight: hides the per-request latency while a page is being processed. */
const LIST_PAGES_AHEAD = 3;
/** Pages classified but not yet committed, at most. */
const DETAIL_PAGES_AHEAD = 8;
const LIST_EXCLUDED_ELEMENTS = 'Genre,Director,Writer,Country,Role,Producer,Collection,Label,Similar';

interface Candidate {
  raw: unknown;
  ratingKey: string;
  etag: string;
  existing: ExistingItem | undefined;
}

interface Invalid {
  raw: unknown;
  ratingKey: string | null;
  title: string | null;
  message: string;
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
    concurrency: LIST_PAGES_AHEAD,
    query: {
      type: TYPE_CODES[spec.kind],
      includeGuids: 1,
      // Abbreviated credits are useless here (details carry the full ones, and editing them moves
      // updatedAt): leaving them out makes a listing sweep markedly cheaper to send and parse.
      ...(spec.withDetail ? { excludeElements: LIST_EXCLUDED_ELEMENTS } : {}),
    },
  });
  // Pages are committed in order, each once its details have come. While earlier pages wait for
  // theirs, later pages are classified and their details requested: sparse changes (a few items
  // per page) have their detail requests in flight together, not one page after another. Detail
  // payloads held stay within two pages' worth of items.
  const budget = 2 * ctx.pageSize;
  const waiting: Array<{ changed: number; committed: Promise<void> }> = [];
  let pendingChanged = 0;
  let tail: Promise<void> = Promise.resolve();
  try {
    for await (const page of pages) {
      throwIfAborted(ctx.signal);
      if (page.totalSize !== null) ctx.progress.setTotal(page.totalSize);
      while (
        waiting.length > 0 &&
        (waiting.length >= DETAIL_PAGES_AHEAD || pendingChanged + page.items.length > budget)
      ) {
        await waiting[0]!.committed;
      }
      const prepared = await preparePage(ctx, spec, kind, page);
      const changed = prepared.changed.length;
      tail = tail.then(async () => commitPage(ctx, spec, kind, page, prepared, await prepared.details));
      const entry = { changed, committed: tail };
      pendingChanged += changed;
      waiting.push(entry);
      tail.then(
        () => {
          pendingChanged -= changed;
          waiting.splice(waiting.indexOf(entry), 1);
        },
        () => undefined,
      );
    }
    await tail;
  } catch (err) {
    // Never leave a page commit running behind a run that is being wound up.
    await tail.catch(() => undefined);
    throw err;
  }
}

/**
 * An item validated, mapped and given its parents as soon as its payload arrives, so the raw
 * detail payloads (the bulk of a sync's memory) are dropped batch by batch, not held per page.
 */
type ReadyItem =
  | { ok: true; title: string; mapped: MappedItem; detailEtag: string | null; parents: ParentResult }
  | { ok: false; title: string | null; message: string; parents: ParentIds | undefined };

function readyItem(spec: PhaseSpec, raw: unknown, maps: ParentMaps): ReadyItem {
  const parsed = parseItem(spec.kind, raw);
  if (!parsed.ok) {
    return {
      ok: false,
      title: parsed.title,
      message: parsed.message,
      parents: spec.resolveRawParents(raw, maps),
    };
  }
  const item: PlexItem = parsed.item;
  return {
    ok: true,
    title: item.title,
    mapped: mapItem(item, spec.withDetail),
    detailEtag: spec.withDetail ? detailEtag(raw) : null,
    parents: spec.resolveParents(item as ParsedItem<PlexItemType> as never, maps),
  };
}

interface PreparedPage {
  invalid: Invalid[];
  keys: string[];
  existing: Map<string, ExistingItem>;
  changed: Candidate[];
  unchanged: number;
  details: Promise<Map<string, ReadyItem> | null>;
}

/** Classifies a page against the stored etags and starts fetching details of what changed. */
async function preparePage(
  ctx: LibraryRunContext,
  spec: PhaseSpec,
  kind: ItemKind,
  page: Page,
): Promise<PreparedPage> {
  const invalid: Invalid[] = [];
  const listed: Array<{ raw: unknown; ratingKey: string }> = [];
  for (const raw of page.items) {
    const ratingKey = rawRatingKey(raw);
    if (ratingKey) listed.push({ raw, ratingKey });
    else
      invalid.push({
        raw,
        ratingKey: null,
        title: titleOf(raw),
        message: `invalid ${spec.kind} payload: ratingKey missing or malformed`,
      });
  }
  const keys = listed.map((l) => l.ratingKey);
  const existing = ctx.writer.existing(kind, ctx.libraryId, keys);
  const changed: Candidate[] = [];
  let unchanged = 0;
  for (const l of listed) {
    const etag = listEtag(l.raw);
    const ex = existing.get(l.ratingKey);
    if (ex && ex.etag === etag && isSettled(ex.state) && !ctx.deep) unchanged += 1;
    else changed.push({ raw: l.raw, ratingKey: l.ratingKey, etag, existing: ex });
  }
  if (spec.kind === 'show') await adoptRekeyedShows(ctx, changed);
  const toMark = changed.flatMap((c) => (c.existing ? [c.existing] : []));
  if (toMark.length > 0) ctx.store.transaction(() => ctx.writer.markScanning(kind, toMark));
  const details =
    spec.withDetail && changed.length > 0
      ? fetchDetails(
          ctx,
          spec,
          changed.map((c) => c.ratingKey),
        )
      : Promise.resolve(null);
  details.catch(() => undefined);
  return { invalid, keys, existing, changed, unchanged, details };
}

const titleOf = (raw: unknown): string | null => {
  const t = rawField(raw, 'title');
  return typeof t === 'string' && t.length > 0 ? t.slice(0, 500) : null;
};

/** Validates, maps and writes one page, with its seen keys and checkpoint, in one transaction. */
function commitPage(
  ctx: LibraryRunContext,
  spec: PhaseSpec,
  kind: ItemKind,
  page: Page,
  prepared: PreparedPage,
  details: Map<string, ReadyItem> | null,
): void {
  throwIfAborted(ctx.signal);
  const { invalid, keys, changed } = prepared;
  let added = 0;
  let updated = 0;
  let unchanged = prepared.unchanged;
  let errors = 0;
  let lastTitle: string | null = null;
  try {
    ctx.store.transaction(() => {
      // Read again: the previous page was committed after this one was classified, and a listing
      // that shifted (items added meanwhile) can repeat an item across a page boundary.
      const current = ctx.writer.existing(
        kind,
        ctx.libraryId,
        changed.map((c) => c.ratingKey),
      );
      ctx.writer.markSeen(ctx.checkpoint.chainRunId, ctx.libraryId, kind, keys);
      for (const bad of invalid) {
        errors += 1;
        recordItemError(
          ctx,
          kind,
          bad.ratingKey,
          bad.title,
          bad.message,
          undefined,
          spec.resolveRawParents(bad.raw, ctx.maps),
        );
      }
      for (const c of changed) {
        const now = current.get(c.ratingKey);
        // The state to transition from is the one before this run marked it scanning.
        const stored =
          now && now.state === 'scanning' ? { ...now, state: now.stateBeforeScan ?? 'normal' } : now;
        const ready = spec.withDetail ? details?.get(c.ratingKey) : readyItem(spec, c.raw, ctx.maps);
        if (ready === undefined) {
          // Listed, then gone before its details came: not seen after all.
          ctx.writer.unmarkSeen(ctx.checkpoint.chainRunId, kind, c.ratingKey);
          continue;
        }
        if (!ready.ok) {
          errors += 1;
          recordItemError(
            ctx,
            kind,
            c.ratingKey,
            ready.title ?? titleOf(c.raw),
            ready.message,
            stored,
            ready.parents,
          );
          continue;
        }
        const { parents, detailEtag: dEtag } = ready;
        if (!parents.ok) {
          errors += 1;
          recordItemError(ctx, kind, c.ratingKey, ready.title, parents.message, stored, undefined);
          continue;
        }
        const result = ctx.writer.writeItem({
          kind,
          libraryId: ctx.libraryId,
          item: ready.mapped,
          existing: stored,
          etag: c.etag,
          detailEtag: dEtag,
          runId: ctx.runId,
          ...(parents.parents ? { parents: parents.parents } : {}),
          writeChildren: !stored || !spec.withDetail || stored.detailEtag !== dEtag,
        });
        if (stored?.state === 'error')
          resolveItemErrors(ctx.store.db, {
            libraryId: ctx.libraryId,
            itemKind: kind,
            ratingKey: c.ratingKey,
          });
        if (kind === 'show') ctx.maps.shows.set(c.ratingKey, result.id);
        if (kind === 'season') ctx.maps.seasons.set(c.ratingKey, result.id);
        const before = c.existing ?? stored;
        if (result.inserted) added += 1;
        else if (
          before &&
          (before.etag !== c.etag || !isSettled(before.state) || before.detailEtag !== dEtag)
        )
          updated += 1;
        else unchanged += 1;
        lastTitle = ready.title;
      }
      ctx.writer.flush();
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
  } catch (err) {
    // The rolled-back page's buffered child rows would point at ids that no longer exist.
    ctx.writer.discard();
    throw err;
  }
  ctx.progress.advance(page.items.length, lastTitle ?? titleOf(page.items.at(-1)));
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
      {
        kind,
        libraryId: ctx.libraryId,
        ratingKey,
        title,
        message,
        runId: ctx.runId,
        ...(parents ? { parents } : {}),
      },
      existing,
    );
  }
  recordSyncError(ctx.store.db, {
    runId: ctx.runId,
    serverId: ctx.serverId,
    libraryId: ctx.libraryId,
    itemKind: kind,
    ratingKey,
    error: new ItemDataError(ratingKey, message),
    details: { title },
  });
}

/**
 * `/library/metadata/1,2,3?includeChapters=1` in batches, a few at a time. A 404 for a batch means
 * none of it exists; the batch is split until the missing items are isolated.
 */
async function fetchDetails(
  ctx: LibraryRunContext,
  spec: PhaseSpec,
  ratingKeys: string[],
): Promise<Map<string, ReadyItem>> {
  const out = new Map<string, ReadyItem>();
  const batches: string[][] = [];
  for (let i = 0; i < ratingKeys.length; i += ctx.detailBatchSize)
    batches.push(ratingKeys.slice(i, i + ctx.detailBatchSize));

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
        if (key !== undefined && wanted.has(key)) out.set(key, readyItem(spec, raw, ctx.maps));
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
    const guid = rawField(c.raw, 'guid');
    const title = rawField(c.raw, 'title');
    const year = rawField(c.raw, 'year');
    if (typeof title !== 'string') continue;
    const candidates = ctx.writer
      .findShowCandidates(
        ctx.libraryId,
        typeof guid === 'string' ? guid : null,
        title,
        typeof year === 'number' ? year : null,
      )
      .filter((cand) => cand.ratingKey !== c.ratingKey && !claimed.has(cand.id));
    for (const cand of candidates) {
      if (cand.state !== 'file_not_found' && !(await isGoneFromPlex(ctx, cand.ratingKey))) continue;
      ctx.store.transaction(() => ctx.writer.rekey('show', cand.id, c.ratingKey));
      claimed.add(cand.id);
      c.existing = { ...cand, ratingKey: c.ratingKey };
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
