// What a run stores in sync_runs.checkpoint_json after every committed page, so a run that was
// killed resumes where it was instead of starting over. Written only by the run journal
// (run-journal.ts).
import { hostname } from 'node:os';
import { z } from 'zod';

export const LISTING_PHASES = ['movies', 'shows', 'seasons', 'episodes'] as const;
export type ListingPhase = (typeof LISTING_PHASES)[number];
export type CheckpointPhase = ListingPhase | 'deletions' | 'done';

const checkpointSchema = z.object({
  /** First run of the chain: the key of its sync_seen rows. */
  chainRunId: z.number().int(),
  // 'artwork' was written by versions whose runs fetched artwork after deletions: the same as done.
  phase: z
    .enum(['movies', 'shows', 'seasons', 'episodes', 'deletions', 'done', 'artwork'])
    .transform((p): CheckpointPhase => (p === 'artwork' ? 'done' : p)),
  /** Listing offset of the next page to read in `phase`. */
  offset: z.number().int().min(0),
  /** What Plex's section said when the chain started. */
  baseline: z.object({ updatedAt: z.number().nullable(), contentChangedAt: z.string().nullable() }),
  /** Deletions were checked against a complete, stable listing (set when leaving that phase). */
  complete: z.boolean().default(false),
  /**
   * A page of this chain listed an item without a usable ratingKey, or one key twice: the listing
   * cannot tell which stored item that entry was, so it may not decide that anything is gone.
   */
  flawed: z.boolean().default(false),
  pid: z.number().int(),
  host: z.string(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;
/** The part a run keeps in memory; the owner (pid, host) is added when it is stored. */
export type CheckpointState = Omit<Checkpoint, 'pid' | 'host'>;

export function encodeCheckpoint(c: CheckpointState): string {
  return JSON.stringify({ ...c, pid: process.pid, host: hostname() });
}

export function decodeCheckpoint(json: string | null): Checkpoint | null {
  if (!json) return null;
  try {
    const parsed = checkpointSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
