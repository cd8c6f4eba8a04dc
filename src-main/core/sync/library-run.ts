// One listing phase of one library run: page through Plex's flat list, skip what has not changed,
// fetch details for the rest in batches, and commit each page (items, errors, seen keys,
// checkpoint) in one transaction, so a kill at any moment loses at most the page in flight.
import pLimit, { type LimitFunction } from 'p-limit';
import type { ItemKind } from '../../../src-shared/domain';
import {
  CancelledError,
  describeError,
  ItemDataError,
  PlexDataError,
  PlexError,
  PlexNotFoundError,
} from '../errors/errors';
import { parseItem, TYPE_CODES, type ParsedItem, type PlexItem, type PlexItemType } from '../plex/payloads';
import type { Page, ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import type { ExistingItem } from '../store/repositories/media-writer';
import type { ItemWriter } from '../media/item-writer';
import { recordSyncError, resolveItemErrors } from '../store/repositories/error-repository';
import { seasonIdsByNumber } from '../store/repositories/identity-repository';
import { adoptRekeyed } from './rekey';
import type { CheckpointState } from '../store/checkpoint';
import type { RunJournal } from '../store/run-journal';
import { DriftWatch, type ListingRange } from './listing-drift';
import { detailEtag, listEtag, rawField, rawRatingKey } from './etag';
import { mapItem } from '../media/item-mapper';
import type { MappedItem } from '../store/repositories/media-rows';
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
  /** Items whose details were asked for, and those whose details could not be fetched or read. */
  detailsTried: number;
  detailFailures: number;
}

export interface LibraryRunContext {
  store: Store;
  client: ServerClient;
  writer: ItemWriter;
  journal: RunJournal;
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
  /** Items whose details came back, and items whose details could not be had, in this run so far. */
  detailHealth: { fetched: number; failed: number };
}

/**
 * Past this many items without details, and more of them than with, the run stops: isolating each
 * one costs about two requests, so a server that answers no detail would otherwise be asked twice
 * per item of the whole library for nothing.
 */
export const DETAIL_FAILURES_TO_STOP = 50;

/**
 * Fewer items than this without details never fail a run, however few were asked for: two shows
 * of three deleted between the listing and their details are item errors (retried next run), not a
 * server that answers no details (chaos seed 360).
 */
export const DETAIL_FAILURES_TO_FAIL = 5;

/** Most of a run's detail requests fail: the run is a failed run, never a sync that stored nothing. */
export class DetailsFailedError extends PlexError {
  constructor(failed: number, tried: number, stopped: boolean) {
    super(
      `details of ${failed} of ${tried} items could not be fetched; ` +
        `${stopped ? 'the run stopped, ' : ''}nothing was removed and they are fetched again next run`,
      'not_found',
      'PLEX_DETAILS_FAILED',
    );
  }
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
/** Real servers refuse larger pages (400 "limit of 1000"; plex-api-notes §8). */
export const PLEX_MAX_PAGE_SIZE = 1000;
// `id` (the ratingKey) is a sort field PMS has without advertising it (python-plexapi
// `LibrarySection._manualSorts`: "id", "Rating Key"); fields join with `,`, ascending by default
// (developer.plex.tv "Sorting", LukeHagar/plex-api-spec description.md).
const LISTING_SORT = 'addedAt,id';
/** Rounds of re-listing shifted stretches when the total keeps moving; then the next run catches up. */
const MAX_RELISTS = 3;

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
  /** Nothing here says what the item under this key is now: a stored one keeps its last good data. */
  keepStored?: boolean;
}

/** Runs one listing phase from the checkpoint's offset to the end of the list. */
export async function runListingPhase(ctx: LibraryRunContext, spec: PhaseSpec): Promise<void> {
  const kind = spec.kind as ItemKind;
  if (spec.needs.includes('shows')) ctx.maps.shows = ctx.writer.idsByRatingKey('show', ctx.libraryId);
  if (spec.needs.includes('seasons')) {
    ctx.maps.seasons = ctx.writer.idsByRatingKey('season', ctx.libraryId);
    ctx.maps.seasonNumbers = seasonIdsByNumber(ctx.store.sqlite, ctx.libraryId);
  }
  const start = ctx.checkpoint.phase === spec.phase ? ctx.checkpoint.offset : 0;
  ctx.progress.setPhase(spec.phase, 0, start);
  // A listing whose total moved while it was paged may have skipped items: the stretches that can
  // have shifted are listed again (listing-drift.ts), and the listing decides no deletions.
  const drift = new DriftWatch();
  let ranges: ListingRange[] = [{ start, end: null }];
  for (let pass = 0; ranges.length > 0 && pass <= MAX_RELISTS; pass++) {
    for (const range of ranges) await listPages(ctx, spec, kind, range, drift);
    ranges = drift.takeRanges();
    // Recorded before any stretch is listed again: a run killed meanwhile resumes flawed too.
    if (drift.drifted && !ctx.checkpoint.flawed) markFlawed(ctx);
  }
}

function markFlawed(ctx: LibraryRunContext): void {
  ctx.checkpoint = { ...ctx.checkpoint, flawed: true };
  const checkpoint = ctx.checkpoint;
  ctx.store.transaction(() => ctx.journal.listingFlawed(checkpoint));
}

/** Walks `range` of the listing, telling `drift` each page's totalSize. */
async function listPages(
  ctx: LibraryRunContext,
  spec: PhaseSpec,
  kind: ItemKind,
  range: ListingRange,
  drift: DriftWatch,
): Promise<void> {
  const pageSize = Math.min(ctx.pageSize, PLEX_MAX_PAGE_SIZE);
  const bounded = range.end !== null;
  const pages = ctx.client.paginate(`/library/sections/${encodeURIComponent(ctx.sectionKey)}/all`, {
    pageSize: bounded ? Math.max(1, Math.min(pageSize, range.end! - range.start)) : pageSize,
    start: range.start,
    signal: ctx.signal,
    // A stretch listed again is short: no pages ahead past its end.
    concurrency: bounded ? 1 : LIST_PAGES_AHEAD,
    query: {
      type: TYPE_CODES[spec.kind],
      // Plex's default order is undocumented: a stable one keeps pages from overlapping or skipping
      // (watchstate pins sort=addedAt); new items, added now, land at the end.
      sort: LISTING_SORT,
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
  let previousKeys: string | null = null;
  try {
    for await (const page of pages) {
      throwIfAborted(ctx.signal);
      previousKeys = checkPaging(ctx, spec, page, previousKeys);
      if (page.totalSize !== null && !bounded) ctx.progress.setTotal(page.totalSize);
      drift.see(range, page.offset, page.totalSize);
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
      // The stretch is covered: no request for the page after it.
      if (range.end !== null && page.nextOffset >= range.end) break;
    }
    await tail;
  } catch (err) {
    // Never leave a page commit running behind a run that is being wound up.
    await tail.catch(() => undefined);
    throw err;
  }
}

/**
 * A server that ignores X-Plex-Container-Start/Size makes a listing loop, or look complete while it
 * repeats its first items: a page longer than asked for, at another offset than asked for, or the
 * same as the page before ends the listing with an error. Returns this page's keys for the next check.
 */
function checkPaging(
  ctx: LibraryRunContext,
  spec: PhaseSpec,
  page: Page,
  previousKeys: string | null,
): string {
  const where = `listing of ${spec.phase} at offset ${page.offset}`;
  if (page.items.length > ctx.pageSize) {
    throw new PlexDataError(
      `${where}: the server sent ${page.items.length} items for a page of ${ctx.pageSize} (it ignores paging); listing stopped`,
    );
  }
  const reported = page.container.offset;
  if (typeof reported === 'number' && reported !== page.offset) {
    throw new PlexDataError(
      `${where}: the server answered from offset ${reported} (it ignores X-Plex-Container-Start); listing stopped`,
    );
  }
  const keys = page.items.map((raw) => rawRatingKey(raw) ?? '').join('\n');
  if (page.items.length > 0 && keys === previousKeys) {
    throw new PlexDataError(
      `${where}: the server sent the previous page again (it ignores X-Plex-Container-Start); listing stopped`,
    );
  }
  return keys;
}

/**
 * An item validated, mapped and given its parents as soon as its payload arrives, so the raw
 * detail payloads (the bulk of a sync's memory) are dropped batch by batch, not held per page.
 */
type ReadyItem =
  | { ok: true; title: string; mapped: MappedItem; detailEtag: string | null; parents: ParentResult }
  | { ok: false; title: string | null; message: string; parents: ParentIds | undefined }
  /** Its details could not be fetched or read: the item is still listed, so it stays as stored. */
  | { ok: false; unfetched: true; error: unknown };

function readyItem(spec: PhaseSpec, raw: unknown, maps: ParentMaps): ReadyItem {
  try {
    return readItem(spec, raw, maps);
  } catch (err) {
    // A payload the schema let through but the mapper could not read: this item's error only.
    return {
      ok: false,
      title: titleOf(raw),
      message: `payload could not be read: ${describeError(err)}`,
      parents: undefined,
    };
  }
}

function readItem(spec: PhaseSpec, raw: unknown, maps: ParentMaps): ReadyItem {
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
  /** An entry had no usable key, or two entries one key: this listing cannot decide deletions. */
  flawed: boolean;
  keys: string[];
  existing: Map<string, ExistingItem>;
  /** List etag of each entry with a key of its own. */
  etags: Map<string, string>;
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
  const all: Array<{ raw: unknown; ratingKey: string }> = [];
  const seen = new Map<string, number>();
  for (const raw of page.items) {
    const ratingKey = rawRatingKey(raw);
    if (ratingKey) {
      all.push({ raw, ratingKey });
      seen.set(ratingKey, (seen.get(ratingKey) ?? 0) + 1);
    } else
      invalid.push({
        raw,
        ratingKey: null,
        title: titleOf(raw),
        message: `invalid ${spec.kind} payload: ratingKey missing or malformed (${describeKey(raw)})`,
      });
  }
  // The same entry twice is one item (stored once) in a listing that cannot decide deletions. Two
  // different entries claiming one key: neither can be trusted to be the item stored under it.
  const listed: typeof all = [];
  let repeatedEntry = false;
  for (const [ratingKey, n] of seen) {
    const entries = all.filter((l) => l.ratingKey === ratingKey);
    if (n === 1 || sameEntries(entries.map((l) => l.raw))) {
      listed.push(entries[0]!);
      repeatedEntry ||= n > 1;
      continue;
    }
    invalid.push({
      raw: entries[0]!.raw,
      ratingKey,
      title: null,
      message: duplicateMessage(spec, ratingKey, n),
      keepStored: true,
    });
  }
  const keys = [...seen.keys()];
  const existing = ctx.writer.existing(kind, ctx.libraryId, keys);
  const changed: Candidate[] = [];
  let unchanged = 0;
  const etags = new Map<string, string>();
  for (const l of listed) {
    const etag = listEtag(l.raw);
    etags.set(l.ratingKey, etag);
    const ex = existing.get(l.ratingKey);
    if (ex && ex.etag === etag && isSettled(ex.state) && !ctx.deep) unchanged += 1;
    else changed.push({ raw: l.raw, ratingKey: l.ratingKey, etag, existing: ex });
  }
  await adoptRekeyed(ctx, kind, changed);
  // Nothing is marked `scanning` while its details are fetched: a row changes only when the page
  // commits, so a process killed here leaves no row saying what no live run is doing (issue 14).
  const details =
    spec.withDetail && changed.length > 0
      ? fetchDetails(
          ctx,
          spec,
          changed.map((c) => c.ratingKey),
        )
      : Promise.resolve(null);
  details.catch(() => undefined);
  return {
    invalid,
    flawed: invalid.length > 0 || repeatedEntry,
    keys,
    existing,
    etags,
    changed,
    unchanged,
    details,
  };
}

function sameEntries(raws: unknown[]): boolean {
  const first = JSON.stringify(raws[0]);
  return raws.every((r) => JSON.stringify(r) === first);
}

const duplicateMessage = (spec: PhaseSpec, ratingKey: string, n: number) =>
  `ratingKey ${ratingKey} listed twice: ${n} ${spec.kind} entries claim it; not updated until Plex lists it once`;

function describeKey(raw: unknown): string {
  const rk = raw && typeof raw === 'object' ? (raw as { ratingKey?: unknown }).ratingKey : undefined;
  if (rk === undefined || rk === null) return 'none';
  if (typeof rk === 'string') return rk.length === 0 ? 'empty' : 'unusable string';
  return `a ${Array.isArray(rk) ? 'array' : typeof rk}`;
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
  const tally = { added: 0, updated: 0, unchanged: prepared.unchanged, errors: 0, tried: 0, failed: 0 };
  let flawed = prepared.flawed;
  let lastTitle: string | null = null;
  const counters = ctx.counters;
  let next: { counters: RunCounters; checkpoint: CheckpointState } | null = null;
  try {
    ctx.store.transaction(() => {
      // Read again: the previous page was committed after this one was classified.
      const current = ctx.writer.existing(
        kind,
        ctx.libraryId,
        changed.map((c) => c.ratingKey),
      );
      // A key an earlier page of this listing already had. The same entry again is a listing that
      // shifted (items added meanwhile; Plex's stamps moved, so it decides no deletions): already
      // stored. Another entry under that key is a second item claiming it.
      const repeated = ctx.writer.seen.seenAmong(ctx.checkpoint.chainRunId, kind, keys);
      const repeatedRows = ctx.writer.existing(kind, ctx.libraryId, [...repeated]);
      const claimed = new Set<string>();
      for (const key of repeated) {
        const etag = prepared.etags.get(key);
        if (etag === undefined || repeatedRows.get(key)?.etag !== etag) claimed.add(key);
      }
      ctx.writer.seen.markSeen(ctx.checkpoint.chainRunId, ctx.libraryId, kind, keys);
      for (const bad of invalid) {
        tally.errors += 1;
        recordItemError(
          ctx,
          kind,
          bad.ratingKey,
          bad.title,
          bad.message,
          bad.ratingKey ? prepared.existing.get(bad.ratingKey) : undefined,
          spec.resolveRawParents(bad.raw, ctx.maps),
          bad.keepStored,
        );
      }
      for (const key of repeated) {
        const counted =
          !changed.some((c) => c.ratingKey === key) && !invalid.some((i) => i.ratingKey === key);
        if (counted) tally.unchanged -= 1;
        if (!claimed.has(key)) continue;
        flawed = true;
        tally.errors += 1;
        const stored = repeatedRows.get(key);
        recordItemError(ctx, kind, key, null, duplicateMessage(spec, key, 2), stored, undefined, true);
      }
      for (const c of changed) {
        if (repeated.has(c.ratingKey)) continue;
        const stored = current.get(c.ratingKey);
        if (spec.withDetail) tally.tried += 1;
        const ready = spec.withDetail
          ? (details?.get(c.ratingKey) ?? noDetails())
          : readyItem(spec, c.raw, ctx.maps);
        if (!ready.ok && 'unfetched' in ready) {
          tally.errors += 1;
          tally.failed += 1;
          recordFetchFailure(ctx, kind, spec, c, stored, ready.error);
          continue;
        }
        if (!ready.ok) {
          tally.errors += 1;
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
          tally.errors += 1;
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
        if (result.inserted) tally.added += 1;
        else if (
          before &&
          (before.etag !== c.etag || !isSettled(before.state) || before.detailEtag !== dEtag)
        )
          tally.updated += 1;
        else tally.unchanged += 1;
        lastTitle = ready.title;
      }
      ctx.writer.flush();
      const itemsDone = counters.itemsDone + page.items.length;
      // Counted in memory only once the page has committed: a page that rolls back counts nothing.
      const nextCounters: RunCounters = {
        ...counters,
        added: counters.added + tally.added,
        updated: counters.updated + tally.updated,
        unchanged: counters.unchanged + tally.unchanged,
        errors: counters.errors + tally.errors,
        detailsTried: counters.detailsTried + tally.tried,
        detailFailures: counters.detailFailures + tally.failed,
        itemsDone,
        itemsTotal: Math.max(counters.itemsTotal, itemsDone),
      };
      const checkpoint: CheckpointState = {
        ...ctx.checkpoint,
        phase: spec.phase,
        offset: page.nextOffset,
        flawed: ctx.checkpoint.flawed || flawed,
      };
      ctx.journal.pageCommitted(checkpoint, {
        added: nextCounters.added,
        updated: nextCounters.updated,
        unchanged: nextCounters.unchanged,
        errors: nextCounters.errors,
        itemsDone: nextCounters.itemsDone,
        itemsTotal: nextCounters.itemsTotal,
        apiCalls: ctx.client.stats().apiCalls,
      });
      next = { counters: nextCounters, checkpoint };
    });
  } catch (err) {
    // The rolled-back page's buffered child rows would point at ids that no longer exist.
    ctx.writer.discard();
    throw err;
  }
  const committed = next as { counters: RunCounters; checkpoint: CheckpointState } | null;
  if (committed) {
    Object.assign(counters, committed.counters);
    ctx.checkpoint = committed.checkpoint;
  }
  ctx.progress.advance(page.items.length, lastTitle ?? titleOf(page.items.at(-1)));
}

const noDetails = (): ReadyItem => ({
  ok: false,
  unfetched: true,
  error: new PlexDataError('the detail request answered without this item'),
});

/**
 * Its details could not be fetched: a stored item keeps its row and state (it is still listed, and
 * its etag is left as it was, so the next run fetches it again); a new one becomes an error row.
 */
function recordFetchFailure(
  ctx: LibraryRunContext,
  kind: ItemKind,
  spec: PhaseSpec,
  c: Candidate,
  stored: ExistingItem | undefined,
  error: unknown,
): void {
  const message = `details could not be fetched: ${describeError(error)}`;
  const title = titleOf(c.raw);
  const parents = spec.resolveRawParents(c.raw, ctx.maps);
  if (stored) ctx.writer.noteFetchFailure(kind, stored.id, message, ctx.runId);
  else
    ctx.writer.writeItemError(
      {
        kind,
        libraryId: ctx.libraryId,
        ratingKey: c.ratingKey,
        title,
        message,
        runId: ctx.runId,
        ...(parents ? { parents } : {}),
      },
      undefined,
    );
  recordSyncError(ctx.store.db, {
    runId: ctx.runId,
    serverId: ctx.serverId,
    libraryId: ctx.libraryId,
    itemKind: kind,
    ratingKey: c.ratingKey,
    error,
    details: { title, detail: true },
  });
}

function recordItemError(
  ctx: LibraryRunContext,
  kind: ItemKind,
  ratingKey: string | null,
  title: string | null,
  message: string,
  existing: ExistingItem | undefined,
  parents: ParentIds | undefined,
  keepStored = false,
): void {
  if (ratingKey && keepStored && existing) {
    ctx.writer.noteFetchFailure(kind, existing.id, message, ctx.runId);
  } else if (ratingKey) {
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

/** One more item without details; past the limit, most of them failing stops the run. */
function noteDetailFailure(ctx: LibraryRunContext): void {
  const health = ctx.detailHealth;
  health.failed += 1;
  if (health.failed >= DETAIL_FAILURES_TO_STOP && health.failed > health.fetched)
    throw new DetailsFailedError(health.failed, health.failed + health.fetched, true);
}

/**
 * `/library/metadata/1,2,3?includeChapters=1` in batches, a few at a time. A batch answered with a
 * 404, a body that cannot be read or an answer without some of its items is split until the items
 * at fault are isolated; those come back as `unfetched` (item errors, never deletions: only a
 * listing decides what is gone). Other failures (network, auth) fail the run.
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

  const split = async (keys: string[]): Promise<void> => {
    const mid = Math.ceil(keys.length / 2);
    await Promise.all([fetchBatch(keys.slice(0, mid)), fetchBatch(keys.slice(mid))]);
  };
  const fetchBatch = async (keys: string[]): Promise<void> => {
    // Batches still queued when the run ended must not go out.
    throwIfAborted(ctx.signal);
    try {
      const { data } = await ctx.client.get(`/library/metadata/${keys.map(encodeURIComponent).join(',')}`, {
        query: { includeChapters: 1, includeMarkers: 1, includeGuids: 1 },
        signal: ctx.signal,
      });
      const items = data.MediaContainer.Metadata ?? [];
      if (!Array.isArray(items)) throw new PlexDataError('detail answer: Metadata is not an array');
      const wanted = new Set(keys);
      for (const raw of items) {
        const key = rawRatingKey(raw);
        if (key !== null && wanted.has(key)) out.set(key, readyItem(spec, raw, ctx.maps));
      }
      ctx.detailHealth.fetched += items.length;
    } catch (err) {
      const isolatable = err instanceof PlexNotFoundError || err instanceof PlexDataError;
      if (!isolatable || ctx.signal?.aborted) throw err;
      if (keys.length > 1) return split(keys);
      out.set(keys[0]!, { ok: false, unfetched: true, error: err });
      noteDetailFailure(ctx);
      return;
    }
    // An answer that leaves items out (an entry it could not name, another item in its place, an
    // item deleted meanwhile) is asked again for the items it left out, split when it answered
    // none of them, until each missing item has been asked for alone.
    const missing = keys.filter((k) => !out.has(k));
    if (missing.length === 0) return;
    if (keys.length === 1) {
      out.set(keys[0]!, noDetails());
      noteDetailFailure(ctx);
    } else if (missing.length < keys.length) await fetchBatch(missing);
    else await split(keys);
  };
  await Promise.all(batches.map((b) => ctx.detailLimit(() => fetchBatch(b))));
  return out;
}
