// When a NAS share is unmounted on the Plex server, Plex can drop a whole library, or most of it,
// at once (issue 12). One complete listing that would remove more than `mass_delete_threshold` of
// a library's items is therefore held: nothing is marked removed until the user confirms
// (`retrovue sync --confirm-deletions`, or "Confirm deletions" on the library card, which applies
// exactly the held set) or the next complete listing would remove exactly the same items. A listing
// with no items at all never removes a stored library without confirmation. "Keep" leaves the held
// items as they are: later listings that would remove the same set keep them too, without asking
// again; a listing that differs (the share back, or more gone) decides afresh.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ITEM_KINDS, type ItemKind } from '../../../src-shared/domain';
import { RetroVueError, UserError } from '../errors/errors';
import { GONE_STATE, type ItemWriter } from '../media/item-writer';
import type { Store } from '../store/database';
import { LibraryBusyError, tryLockLibrary } from '../store/library-lock';
import { MEDIA_TABLE } from '../store/repositories/media-tables';

export class DeletionsHeldError extends RetroVueError {
  constructor(message: string) {
    super(message, { code: 'DELETIONS_HELD', errorClass: 'data', userFacing: true });
  }
}

export interface DeletionDecision {
  /** Mark the unseen items removed now. */
  apply: boolean;
  /** Why they were held (apply false). */
  held: DeletionsHeldError | null;
  wouldRemove: number;
  stored: number;
  /** Held now for the first time (not the same set held, or kept, before): the user is to be told. */
  fresh: boolean;
}

const heldKey = (libraryId: number) => `sync.held_deletions.${libraryId}`;

interface HeldRecord {
  digest: string;
  count: number;
  stored: number;
  at: number;
  /** `kind:ratingKey` of the held items: what a confirmation removes. */
  keys: string[];
  /** The user chose to keep them. */
  kept?: boolean;
}

/** What the library card shows of a hold. `at` names the hold a confirmation is for. */
export interface HeldDeletions {
  count: number;
  stored: number;
  at: number;
  kept: boolean;
}

function readHeld(sqlite: Database.Database, libraryId: number): HeldRecord | null {
  const row = sqlite.prepare(`select value from settings where key = ?`).get(heldKey(libraryId)) as
    { value: string } | undefined;
  if (!row) return null;
  try {
    const record = JSON.parse(row.value) as HeldRecord;
    return Array.isArray(record.keys) ? record : null;
  } catch {
    return null;
  }
}

function writeHeld(sqlite: Database.Database, libraryId: number, record: HeldRecord | null): void {
  if (!record) {
    sqlite.prepare(`delete from settings where key = ?`).run(heldKey(libraryId));
    return;
  }
  sqlite
    .prepare(
      `insert into settings (key, value, updated_at) values (?, ?, ?)
       on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(heldKey(libraryId), JSON.stringify(record), record.at);
}

/**
 * Decides, inside the deletions transaction, whether this complete listing's removals are applied
 * or held, and remembers a held set so the next listing can agree with it.
 */
export function decideDeletions(input: {
  sqlite: Database.Database;
  writer: ItemWriter;
  chainRunId: number;
  libraryId: number;
  kinds: readonly ItemKind[];
  threshold: number;
  confirmed: boolean;
}): DeletionDecision {
  const { sqlite, writer, chainRunId, libraryId, kinds } = input;
  const unseen = writer.seen.unseenLive(chainRunId, libraryId, kinds, GONE_STATE);
  const stored = writer.seen.liveCount(libraryId, kinds, GONE_STATE);
  const listed = writer.seen.seenCount(chainRunId);
  const wouldRemove = unseen.length;
  const massive = wouldRemove > 0 && wouldRemove > input.threshold * stored;
  const applied: DeletionDecision = { apply: true, held: null, wouldRemove, stored, fresh: false };
  if (!massive || input.confirmed) {
    writeHeld(sqlite, libraryId, null);
    return applied;
  }
  unseen.sort();
  const digest = createHash('sha1').update(unseen.join('\n')).digest('hex');
  const previous = readHeld(sqlite, libraryId);
  const same = previous?.digest === digest;
  if (same && previous.kept) return { apply: false, held: null, wouldRemove, stored, fresh: false };
  const vanished = listed === 0;
  if (!vanished && same) {
    writeHeld(sqlite, libraryId, null);
    return applied;
  }
  const at = same ? previous.at : Date.now();
  writeHeld(sqlite, libraryId, { digest, count: wouldRemove, stored, at, keys: unseen });
  const confirm = 'confirm with `retrovue sync --confirm-deletions`';
  const message = vanished
    ? `Plex listed no items where ${stored} are stored (a share offline?) — ` +
      `nothing removed; ${confirm} to remove them`
    : `this listing would remove ${wouldRemove} of ${stored} items — held; ` +
      `${confirm} or they are applied when the next listing agrees`;
  return { apply: false, held: new DeletionsHeldError(message), wouldRemove, stored, fresh: !same };
}

export function heldDeletions(sqlite: Database.Database, libraryId: number): HeldDeletions | null {
  const r = readHeld(sqlite, libraryId);
  return r ? { count: r.count, stored: r.stored ?? r.count, at: r.at, kept: r.kept === true } : null;
}

function heldFor(sqlite: Database.Database, libraryId: number, heldAt: number): HeldRecord {
  const record = readHeld(sqlite, libraryId);
  if (!record) throw new UserError('no deletions are held for this library', 'NO_HELD_DELETIONS');
  if (record.at !== heldAt)
    throw new UserError(
      'the held deletions changed since they were shown (a newer listing); look at them again',
      'HELD_DELETIONS_CHANGED',
    );
  return record;
}

function resolveHeldErrors(sqlite: Database.Database, libraryId: number, at: number): void {
  sqlite
    .prepare(
      `update sync_errors set resolved_at = ?
        where library_id = ? and code = 'DELETIONS_HELD' and resolved_at is null`,
    )
    .run(at, libraryId);
}

/**
 * The user confirms a hold: exactly the items held (still stored as live) are marked removed, in one
 * transaction, under the library's lock so no run of it writes meanwhile. Returns how many.
 */
export function confirmHeldDeletions(store: Store, libraryId: number, heldAt: number): number {
  const lock = tryLockLibrary(store, libraryId);
  if (!lock) throw new LibraryBusyError('the library is syncing; confirm the held deletions when it is done');
  try {
    return store.transaction(() => {
      const record = heldFor(store.sqlite, libraryId, heldAt);
      const gone = GONE_STATE;
      const now = Date.now();
      const statements = new Map(
        ITEM_KINDS.map((kind) => [
          kind,
          store.sqlite.prepare(
            `update ${MEDIA_TABLE[kind]} set state = ?, state_before_scan = null, state_changed_at = ?,
                    removed_at = ?, modified_at = ?
              where library_id = ? and plex_rating_key = ? and state <> ?`,
          ),
        ]),
      );
      let removed = 0;
      for (const key of record.keys) {
        const at = key.indexOf(':');
        const stmt = statements.get(key.slice(0, at) as ItemKind);
        if (stmt) removed += stmt.run(gone, now, now, now, libraryId, key.slice(at + 1), gone).changes;
      }
      writeHeld(store.sqlite, libraryId, null);
      resolveHeldErrors(store.sqlite, libraryId, now);
      return removed;
    });
  } finally {
    lock.release();
  }
}

/** The user keeps the held items: nothing removed, the notice resolved, the same set not asked again. */
export function keepHeldItems(store: Store, libraryId: number, heldAt: number): number {
  return store.transaction(() => {
    const record = heldFor(store.sqlite, libraryId, heldAt);
    writeHeld(store.sqlite, libraryId, { ...record, kept: true });
    resolveHeldErrors(store.sqlite, libraryId, Date.now());
    return record.count;
  });
}
