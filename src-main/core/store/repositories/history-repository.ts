// Reading and undoing item history. The rows are written by SQLite triggers (drizzle/
// 0002_history_triggers.sql); here they are shown per item and turned back per run.
import type { ItemKind } from '../../../../src-shared/domain';
import { UserError } from '../../errors/errors';
import type { Store } from '../database';

export interface HistoryEntry {
  id: number;
  itemKind: ItemKind;
  itemId: number;
  runId: number | null;
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedAt: number;
}

const TABLES: Record<ItemKind, string> = {
  movie: 'movies',
  show: 'shows',
  season: 'seasons',
  episode: 'episodes',
};

const SELECT = `select id, item_kind as itemKind, item_id as itemId, run_id as runId, field,
  old_value as oldValue, new_value as newValue, changed_at as changedAt from item_history`;

export function itemHistory(store: Store, kind: ItemKind, itemId: number, limit = 200): HistoryEntry[] {
  return store.sqlite
    .prepare(`${SELECT} where item_kind = ? and item_id = ? order by id desc limit ?`)
    .all(kind, itemId, limit) as HistoryEntry[];
}

export function runHistory(store: Store, runId: number): HistoryEntry[] {
  return store.sqlite.prepare(`${SELECT} where run_id = ? order by id`).all(runId) as HistoryEntry[];
}

export interface UndoReport {
  runId: number;
  dryRun: boolean;
  /** Fields set back to what they were before the run. */
  restored: { kind: ItemKind; itemId: number; title: string | null; field: string; value: string | null }[];
  /** Fields changed again since that run: left as they are. */
  skipped: { kind: ItemKind; itemId: number; field: string; reason: string }[];
  /** File paths are history only: the next sync reads them from Plex again. */
  files: number;
}

/**
 * Sets every field a run changed back to its value before the run, in one transaction. A field
 * changed again since (by a later run or by hand) is left alone and reported, so undo never
 * overwrites newer truth.
 */
export function undoRun(store: Store, runId: number, opts: { dryRun?: boolean } = {}): UndoReport {
  const run = store.sqlite.prepare('select id, status from sync_runs where id = ?').get(runId) as
    { id: number; status: string } | undefined;
  if (!run) throw new UserError(`there is no run ${runId} (see \`retrovue stats\` or Activity for run ids)`);
  if (run.status === 'running')
    throw new UserError(`run ${runId} is still running; undo it when it has ended`);
  const entries = runHistory(store, runId);
  const byField = new Map<string, { first: HistoryEntry; last: HistoryEntry }>();
  let files = 0;
  for (const e of entries) {
    if (e.field === 'file') {
      files++;
      continue;
    }
    const key = `${e.itemKind}:${e.itemId}:${e.field}`;
    const seen = byField.get(key);
    if (seen) seen.last = e;
    else byField.set(key, { first: e, last: e });
  }
  const columns = new Map<ItemKind, Set<string>>();
  const columnsOf = (kind: ItemKind): Set<string> => {
    let set = columns.get(kind);
    if (!set) {
      const info = store.sqlite.prepare(`pragma table_info(${TABLES[kind]})`).all() as { name: string }[];
      set = new Set(info.map((c) => c.name));
      columns.set(kind, set);
    }
    return set;
  };
  const report: UndoReport = { runId, dryRun: opts.dryRun ?? false, restored: [], skipped: [], files };
  const apply = () => {
    for (const { first, last } of byField.values()) {
      const kind = first.itemKind;
      const table = TABLES[kind];
      if (!table || !columnsOf(kind).has(first.field)) {
        report.skipped.push({ kind, itemId: first.itemId, field: first.field, reason: 'not a stored field' });
        continue;
      }
      const row = store.sqlite
        .prepare(`select cast(${first.field} as text) as v, title from ${table} where id = ?`)
        .get(first.itemId) as { v: string | null; title: string | null } | undefined;
      if (!row) {
        report.skipped.push({ kind, itemId: first.itemId, field: first.field, reason: 'the item is gone' });
        continue;
      }
      if (row.v !== last.newValue) {
        report.skipped.push({
          kind,
          itemId: first.itemId,
          field: first.field,
          reason: 'changed again since',
        });
        continue;
      }
      if (!opts.dryRun)
        store.sqlite
          .prepare(`update ${table} set ${first.field} = ? where id = ?`)
          .run(first.oldValue, first.itemId);
      report.restored.push({
        kind,
        itemId: first.itemId,
        title: row.title,
        field: first.field,
        value: first.oldValue,
      });
    }
  };
  store.transaction(apply);
  return report;
}

/** `cleanup`: history older than `metadata_history_days` goes. */
export function pruneHistory(store: Store, olderThan: number): number {
  return store.sqlite.prepare('delete from item_history where changed_at < ?').run(olderThan).changes;
}

export function countHistoryBefore(store: Store, olderThan: number): number {
  return (
    store.sqlite.prepare('select count(*) as n from item_history where changed_at < ?').get(olderThan) as {
      n: number;
    }
  ).n;
}

/** `movie:12`, or a Plex ratingKey found in exactly one item table. */
export function resolveItem(store: Store, ref: string): { kind: ItemKind; id: number; title: string } {
  const typed = /^(movie|show|season|episode):(\d+)$/.exec(ref);
  const matches: { kind: ItemKind; id: number; title: string }[] = [];
  for (const [kind, table] of Object.entries(TABLES) as [ItemKind, string][]) {
    if (typed && typed[1] !== kind) continue;
    const rows = (
      typed
        ? store.sqlite.prepare(`select id, title from ${table} where id = ?`).all(Number(typed[2]))
        : store.sqlite.prepare(`select id, title from ${table} where plex_rating_key = ?`).all(ref)
    ) as { id: number; title: string }[];
    for (const r of rows) matches.push({ kind, id: r.id, title: r.title });
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0)
    throw new UserError(`no item ${JSON.stringify(ref)}: give KIND:ID (e.g. movie:12) or a Plex ratingKey`);
  throw new UserError(
    `${JSON.stringify(ref)} names ${matches.length} items (${matches.map((m) => `${m.kind}:${m.id}`).join(', ')}): give one as KIND:ID`,
  );
}
