// sync_errors: every failure with its class, message, context (token-free), when it happened and
// how often it repeated. An unresolved error that happens again (same fingerprint) is the same row
// with a higher retry_count; a later success for the same thing sets resolved_at.
import { createHash } from 'node:crypto';
import { and, count, desc, eq, gte, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { ErrorClass, ItemKind } from '../../../../src-shared/domain';
import { classifyError } from '../../errors/classify';
import { redact, redactValue } from '../../logging/redact';
import type { Db } from '../database';
import { libraries, servers, syncErrors } from '../schema';

export interface ErrorScope {
  runId?: number | null;
  serverId?: number | null;
  libraryId?: number | null;
  itemKind?: ItemKind | null;
  ratingKey?: string | null;
}

export interface RecordErrorInput extends ErrorScope {
  error: unknown;
  /** The request that failed; the URL is stored with any token removed. */
  request?: { method?: string; url?: string } | null;
  /** Retries already spent on it in this run (withRetry's attempts - 1). */
  retryCount?: number;
  /** Anything else worth keeping (item title, phase); redacted before storing. */
  details?: Record<string, unknown>;
  /** Class for failures nothing recognises (a bug while handling an item). Default: data. */
  unclassifiedAs?: ErrorClass;
  at?: number;
}

export interface RecordedError {
  id: number;
  fingerprint: string;
  errorClass: ErrorClass;
  /** True when it updated an unresolved row instead of adding one. */
  repeated: boolean;
  retryCount: number;
}

export type SyncErrorRow = typeof syncErrors.$inferSelect;

function requestPath(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}

/** Same class, code, place and shape of message: the same problem. Numbers are blurred out. */
export function errorFingerprint(parts: {
  errorClass: ErrorClass;
  code: string;
  message: string;
  scope: ErrorScope;
  requestUrl?: string;
}): string {
  const s = parts.scope;
  const key = [
    parts.errorClass,
    parts.code,
    s.serverId ?? '',
    s.libraryId ?? '',
    s.itemKind ?? '',
    s.ratingKey ?? '',
    requestPath(parts.requestUrl),
    parts.message.replace(/\d+/g, '#').slice(0, 200),
  ].join('|');
  return createHash('sha1').update(key).digest('hex');
}

/**
 * Stores a failure. Returns null for cancellations: a pause or shutdown is not an error.
 */
export function recordSyncError(db: Db, input: RecordErrorInput): RecordedError | null {
  const c = classifyError(input.error);
  if (c.cancelled) return null;
  const errorClass = c.errorClass ?? input.unclassifiedAs ?? 'data';
  const at = input.at ?? Date.now();
  const requestUrl = input.request?.url ? redact(input.request.url) : undefined;
  const fingerprint = errorFingerprint({
    errorClass,
    code: c.code,
    message: c.message,
    scope: input,
    requestUrl,
  });
  const context = JSON.stringify(
    redactValue({
      server: input.serverId ?? null,
      library: input.libraryId ?? null,
      item: input.ratingKey ? { kind: input.itemKind ?? null, ratingKey: input.ratingKey } : null,
      request: input.request ? { method: input.request.method ?? 'GET', url: requestUrl ?? null } : null,
      status: c.status,
      ...input.details,
    }),
  );
  const spent = Math.max(0, input.retryCount ?? 0);
  const open = db
    .select({ id: syncErrors.id, retryCount: syncErrors.retryCount })
    .from(syncErrors)
    .where(and(eq(syncErrors.fingerprint, fingerprint), isNull(syncErrors.resolvedAt)))
    .orderBy(desc(syncErrors.id))
    .get();
  if (open) {
    const retryCount = open.retryCount + 1 + spent;
    db.update(syncErrors)
      .set({
        retryCount,
        lastOccurredAt: at,
        message: c.message,
        contextJson: context,
        runId: input.runId ?? null,
      })
      .where(eq(syncErrors.id, open.id))
      .run();
    return { id: open.id, fingerprint, errorClass, repeated: true, retryCount };
  }
  const row = db
    .insert(syncErrors)
    .values({
      runId: input.runId ?? null,
      serverId: input.serverId ?? null,
      libraryId: input.libraryId ?? null,
      itemKind: input.itemKind ?? null,
      plexRatingKey: input.ratingKey ?? null,
      errorClass,
      code: c.code,
      message: c.message,
      contextJson: context,
      fingerprint,
      retryCount: spent,
      occurredAt: at,
    })
    .returning({ id: syncErrors.id })
    .get();
  return { id: row.id, fingerprint, errorClass, repeated: false, retryCount: spent };
}

export function resolveErrorsByFingerprint(db: Db, fingerprint: string, at = Date.now()): number {
  return db
    .update(syncErrors)
    .set({ resolvedAt: at })
    .where(and(eq(syncErrors.fingerprint, fingerprint), isNull(syncErrors.resolvedAt)))
    .run().changes;
}

/** An item that failed before has now been fetched and stored. */
export function resolveItemErrors(
  db: Db,
  item: { libraryId: number; itemKind: ItemKind; ratingKey: string },
  at = Date.now(),
): number {
  return db
    .update(syncErrors)
    .set({ resolvedAt: at })
    .where(
      and(
        eq(syncErrors.libraryId, item.libraryId),
        eq(syncErrors.itemKind, item.itemKind),
        eq(syncErrors.plexRatingKey, item.ratingKey),
        isNull(syncErrors.resolvedAt),
      ),
    )
    .run().changes;
}

/**
 * A run for this library succeeded: its earlier open errors (and the server's own, not tied to a
 * library) are resolved, except those this very run recorded again. Pass `includeItems: false`
 * for runs that did not look at every item (incremental), so item errors stay open.
 */
export function resolveAfterSuccessfulRun(
  db: Db,
  run: { serverId: number; libraryId: number; runId: number; includeItems?: boolean },
  at = Date.now(),
): number {
  const includeItems = run.includeItems ?? true;
  return db.run(sql`
    update sync_errors set resolved_at = ${at}
    where resolved_at is null
      and (run_id is null or run_id <> ${run.runId})
      and (
        (library_id = ${run.libraryId} and (${includeItems ? 1 : 0} = 1 or plex_rating_key is null))
        or (library_id is null and server_id = ${run.serverId})
      )
  `).changes;
}

export interface ErrorListOptions {
  unresolvedOnly?: boolean;
  errorClass?: ErrorClass;
  serverId?: number;
  libraryId?: number;
  /** First occurrence at or after (unix ms). */
  since?: number;
  limit?: number;
  offset?: number;
}

function errorFilter(opts: ErrorListOptions): SQL | undefined {
  return and(
    opts.unresolvedOnly ? isNull(syncErrors.resolvedAt) : undefined,
    opts.errorClass ? eq(syncErrors.errorClass, opts.errorClass) : undefined,
    opts.serverId !== undefined ? eq(syncErrors.serverId, opts.serverId) : undefined,
    opts.libraryId !== undefined ? eq(syncErrors.libraryId, opts.libraryId) : undefined,
    opts.since !== undefined ? gte(syncErrors.occurredAt, opts.since) : undefined,
  );
}

/** Latest occurrence first: an old error that just happened again is news. */
const LATEST_FIRST = [
  desc(sql`coalesce(${syncErrors.lastOccurredAt}, ${syncErrors.occurredAt})`),
  desc(syncErrors.id),
];

export function listSyncErrors(db: Db, opts: ErrorListOptions = {}): SyncErrorRow[] {
  return db
    .select()
    .from(syncErrors)
    .where(errorFilter(opts))
    .orderBy(...LATEST_FIRST)
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0)
    .all();
}

export interface NamedSyncError {
  error: SyncErrorRow;
  serverName: string | null;
  libraryTitle: string | null;
}

/** One page of errors with the server and library names the UI shows, and how many match in all. */
export function pageSyncErrors(db: Db, opts: ErrorListOptions): { rows: NamedSyncError[]; total: number } {
  const where = errorFilter(opts);
  const total = db.select({ n: count() }).from(syncErrors).where(where).get()?.n ?? 0;
  const rows = db
    .select({ error: syncErrors, serverName: servers.name, libraryTitle: libraries.title })
    .from(syncErrors)
    .leftJoin(servers, eq(servers.id, syncErrors.serverId))
    .leftJoin(libraries, eq(libraries.id, syncErrors.libraryId))
    .where(where)
    .orderBy(...LATEST_FIRST)
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0)
    .all();
  return { rows, total };
}

export function getSyncError(db: Db, id: number): SyncErrorRow | undefined {
  return db.select().from(syncErrors).where(eq(syncErrors.id, id)).get();
}

/** A person marked these resolved; returns how many were still open. */
export function resolveErrorsById(db: Db, ids: number[], at = Date.now()): number {
  return db
    .update(syncErrors)
    .set({ resolvedAt: at })
    .where(and(inArray(syncErrors.id, ids), isNull(syncErrors.resolvedAt)))
    .run().changes;
}

/** A person asked for another try: counted on the error. */
export function countErrorRetry(db: Db, id: number): void {
  db.update(syncErrors)
    .set({ retryCount: sql`${syncErrors.retryCount} + 1` })
    .where(eq(syncErrors.id, id))
    .run();
}

export interface TimeRange {
  /** Inclusive, unix ms. */
  since: number;
  /** Exclusive, unix ms. */
  until: number;
}

export interface ErrorDayCount {
  /** UTC day, YYYY-MM-DD, of the error's first occurrence. */
  day: string;
  errorClass: ErrorClass;
  errors: number;
  /** Repeats and retries on top of the first occurrence. */
  retries: number;
  unresolved: number;
}

export function errorCountsByDay(db: Db, range: TimeRange): ErrorDayCount[] {
  return db.all<ErrorDayCount>(sql`
    select strftime('%Y-%m-%d', occurred_at / 1000, 'unixepoch') as day,
           error_class as errorClass,
           count(*) as errors,
           coalesce(sum(retry_count), 0) as retries,
           sum(resolved_at is null) as unresolved
    from sync_errors
    where occurred_at >= ${range.since} and occurred_at < ${range.until}
    group by day, error_class
    order by day, error_class
  `);
}

export interface RecurringError {
  fingerprint: string;
  errorClass: ErrorClass;
  code: string | null;
  message: string;
  serverId: number | null;
  libraryId: number | null;
  ratingKey: string | null;
  /** Times it happened in the range: first occurrences plus repeats. */
  occurrences: number;
  firstAt: number;
  lastAt: number;
  unresolved: boolean;
}

/** The errors that keep coming back, most frequent first. */
export function topRecurringErrors(db: Db, range: TimeRange, limit = 10): RecurringError[] {
  const rows = db.all<Omit<RecurringError, 'unresolved'> & { unresolved: number }>(sql`
    select fingerprint,
           max(error_class) as errorClass,
           max(code) as code,
           (select message from sync_errors m where m.fingerprint = e.fingerprint
              order by coalesce(m.last_occurred_at, m.occurred_at) desc limit 1) as message,
           max(server_id) as serverId,
           max(library_id) as libraryId,
           max(plex_rating_key) as ratingKey,
           count(*) + sum(retry_count) as occurrences,
           min(occurred_at) as firstAt,
           max(coalesce(last_occurred_at, occurred_at)) as lastAt,
           sum(resolved_at is null) as unresolved
    from sync_errors e
    where coalesce(last_occurred_at, occurred_at) >= ${range.since} and occurred_at < ${range.until}
    group by fingerprint
    order by occurrences desc, lastAt desc
    limit ${limit}
  `);
  return rows.map((r) => ({ ...r, unresolved: r.unresolved > 0 }));
}

/** Open errors per server (health). Errors with no server are keyed 0. */
export function unresolvedErrorCounts(
  db: Db,
): Map<number, { errors: number; byClass: Partial<Record<ErrorClass, number>> }> {
  const rows = db.all<{ serverId: number | null; errorClass: ErrorClass; n: number }>(sql`
    select server_id as serverId, error_class as errorClass, count(*) as n
    from sync_errors where resolved_at is null
    group by server_id, error_class
  `);
  const out = new Map<number, { errors: number; byClass: Partial<Record<ErrorClass, number>> }>();
  for (const r of rows) {
    const key = r.serverId ?? 0;
    const entry = out.get(key) ?? { errors: 0, byClass: {} };
    entry.errors += r.n;
    entry.byClass[r.errorClass] = r.n;
    out.set(key, entry);
  }
  return out;
}
