// When a NAS share is unmounted on the Plex server, Plex can drop a whole library, or most of it,
// at once (issue 12). One complete listing that would remove more than `mass_delete_threshold` of
// a library's items is therefore held: nothing is marked removed until the user confirms
// (`retrovue sync --confirm-deletions`) or the next complete listing would remove exactly the same
// items. A listing with no items at all never removes a stored library without confirmation.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ItemKind } from '../../../src-shared/domain';
import { RetroVueError } from '../errors/errors';
import { GONE_STATE, type ItemWriter } from '../media/item-writer';

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
}

const heldKey = (libraryId: number) => `sync.held_deletions.${libraryId}`;

interface HeldRecord {
  digest: string;
  count: number;
  at: number;
}

function readHeld(sqlite: Database.Database, libraryId: number): HeldRecord | null {
  const row = sqlite.prepare(`select value from settings where key = ?`).get(heldKey(libraryId)) as
    { value: string } | undefined;
  if (!row) return null;
  try {
    return JSON.parse(row.value) as HeldRecord;
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
  if (!massive || input.confirmed) {
    writeHeld(sqlite, libraryId, null);
    return { apply: true, held: null, wouldRemove, stored };
  }
  const digest = createHash('sha1').update(unseen.sort().join('\n')).digest('hex');
  const previous = readHeld(sqlite, libraryId);
  const vanished = listed === 0;
  if (!vanished && previous?.digest === digest) {
    writeHeld(sqlite, libraryId, null);
    return { apply: true, held: null, wouldRemove, stored };
  }
  writeHeld(sqlite, libraryId, { digest, count: wouldRemove, at: Date.now() });
  const confirm = 'confirm with `retrovue sync --confirm-deletions`';
  const message = vanished
    ? `Plex listed no items where ${stored} are stored (a share offline?) — ` +
      `nothing removed; ${confirm} to remove them`
    : `this listing would remove ${wouldRemove} of ${stored} items — held; ` +
      `${confirm} or they are applied when the next listing agrees`;
  return { apply: false, held: new DeletionsHeldError(message), wouldRemove, stored };
}
