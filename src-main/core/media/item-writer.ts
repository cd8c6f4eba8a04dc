// The sync's writer of media items: it checks each item's files where this machine sees them and
// decides its state (states.ts), then hands the decided rows to the store's MediaWriter, which
// stores what it is told. Reads, buffering and seen keys are the store writer's own.
import type { ItemKind, MediaState } from '../../../src-shared/domain';
import type {
  ExistingItem,
  ItemErrorInput,
  MediaWriter,
  WriteItemInput,
  WriteItemResult,
} from '../store/repositories/media-writer';
import type { SeenKeys } from '../store/repositories/seen-keys';
import { combineFileChecks, type FileCheckResult, type PathMapper } from './path-mapping';
import { transition } from './states';

/** What a sync hands over for an item: its state and file checks are decided here. */
export type ItemWrite = Omit<WriteItemInput, 'state' | 'fileProblem' | 'partChecks'>;

/** The state of an item a complete listing no longer has. */
export const GONE_STATE: MediaState = transition(null, { type: 'gone' }).state;

export class ItemWriter {
  constructor(
    readonly rows: MediaWriter,
    private readonly paths: PathMapper,
  ) {}

  get rowsWritten(): number {
    return this.rows.rowsWritten;
  }

  get seen(): SeenKeys {
    return this.rows.seen;
  }

  existing(kind: ItemKind, libraryId: number, ratingKeys: readonly string[]): Map<string, ExistingItem> {
    return this.rows.existing(kind, libraryId, ratingKeys);
  }

  idsByRatingKey(kind: 'show' | 'season', libraryId: number): Map<string, number> {
    return this.rows.idsByRatingKey(kind, libraryId);
  }

  flush(): void {
    this.rows.flush();
  }

  discard(): void {
    this.rows.discard();
  }

  /** Undoes `scanning` left by a run of an older version that ended before finishing those items. */
  restoreScanning(libraryId: number): number {
    return this.rows.restoreScanning(libraryId);
  }

  /** Stores one item in the state its payload and files give it; buffered, see flush(). */
  writeItem(input: ItemWrite): WriteItemResult {
    const { kind, item, existing } = input;
    const writeChildren = input.writeChildren || !existing;
    const partChecks = writeChildren ? item.files.map((f) => this.paths.check(f)) : [];
    const files = writeChildren ? partChecks : this.recheckFiles(kind, existing.id);
    const next = transition(existing ?? null, {
      type: 'synced',
      files: combineFileChecks(files.map((f) => f.state)),
      trashed: item.trashed,
    });
    return this.rows.writeItem({
      ...input,
      writeChildren,
      state: next.state,
      fileProblem: files.find((f) => f.reason)?.reason ?? null,
      partChecks,
    });
  }

  /** Records a payload that could not be processed: the row keeps its data, state `error`. */
  writeItemError(input: ItemErrorInput, existing: ExistingItem | undefined): number | null {
    return this.rows.writeItemError(input, existing, transition(existing ?? null, { type: 'invalid' }).state);
  }

  /**
   * A listed item whose new payload could not be had: its last good data and state stay, the error is
   * noted on the row, and the next run fetches it again.
   */
  noteFetchFailure(kind: ItemKind, id: number, message: string, runId: number): void {
    this.rows.noteFetchFailure(kind, id, message, runId);
  }

  /** After a complete listing: every item of the library not seen is gone. */
  markUnseenGone(chainRunId: number, libraryId: number, kinds: readonly ItemKind[]): number {
    return this.rows.seen.markUnseenGone(chainRunId, libraryId, kinds, GONE_STATE);
  }

  /** Checks the stored files of an item again (deep scan of an unchanged item). */
  private recheckFiles(kind: ItemKind, id: number): FileCheckResult[] {
    const now = Date.now();
    return this.rows.storedParts(kind, id).map((part) => {
      const check = this.paths.check(part.file);
      this.rows.recordPartCheck(part, check, now);
      return check;
    });
  }
}
