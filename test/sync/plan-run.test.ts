// planRun on its own: no database, no network. What a library run does from the stored state,
// Plex's section stamps and the options.
import { describe, expect, it } from 'vitest';
import type { CheckpointState } from '../../src-main/core/store/checkpoint';
import { planRun, type PlanInput } from '../../src-main/core/sync/plan-run';

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const stamps = { updatedAt: 500, contentChangedAt: '42' };

/** A library whose last good run stored today's stamps ten minutes ago, nothing unfinished. */
function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    requestedKind: 'incremental',
    previous: undefined,
    section: stamps,
    library: {
      lastGoodSyncAt: NOW - 10 * 60_000,
      syncedPlexUpdatedAt: stamps.updatedAt,
      syncedContentChangedAt: stamps.contentChangedAt,
    },
    listingMaxAgeMs: 24 * HOUR,
    itemsToRetry: false,
    now: NOW,
    firstPhase: 'movies',
    ...over,
  };
}

const stopped = (over: Partial<CheckpointState> = {}): CheckpointState => ({
  chainRunId: 7,
  phase: 'episodes',
  offset: 3000,
  baseline: stamps,
  complete: false,
  flawed: true,
  ...over,
});

const newChain = (
  firstPhase = 'movies',
  baseline: { updatedAt: number | null; contentChangedAt: string | null } = stamps,
) => ({
  chainRunId: null,
  phase: firstPhase,
  offset: 0,
  baseline,
  complete: false,
  flawed: false,
});

describe('planRun', () => {
  it('skips an incremental run when the stamps have not moved since the last good run', () => {
    expect(planRun(input())).toEqual({ action: 'skip', kind: 'incremental' });
  });

  it('lists when a stamp moved, from the first phase of a new chain with the new stamps', () => {
    const moved = { updatedAt: 501, contentChangedAt: '42' };
    expect(planRun(input({ section: moved, firstPhase: 'shows' }))).toEqual({
      action: 'sync',
      kind: 'incremental',
      resumedFromRunId: null,
      checkpoint: newChain('shows', moved),
    });
    expect(planRun(input({ section: { updatedAt: 500, contentChangedAt: '43' } })).action).toBe('sync');
  });

  it('lists a library never synced well, and one past listing_max_age even with the same stamps', () => {
    const never = { lastGoodSyncAt: null, syncedPlexUpdatedAt: null, syncedContentChangedAt: null };
    expect(planRun(input({ library: never })).action).toBe('sync');
    const old = { ...input().library, lastGoodSyncAt: NOW - 24 * HOUR };
    expect(planRun(input({ library: old })).action).toBe('sync');
    const young = { ...old, lastGoodSyncAt: NOW - 24 * HOUR + 1 };
    expect(planRun(input({ library: young })).action).toBe('skip');
  });

  it('never skips --full or --deep', () => {
    expect(planRun(input({ requestedKind: 'full' }))).toMatchObject({ action: 'sync', kind: 'full' });
    expect(planRun(input({ requestedKind: 'deep' }))).toMatchObject({ action: 'sync', kind: 'deep' });
  });

  it('runs a library gone from the server (it fails there with a clear message), never skips it', () => {
    expect(planRun(input({ section: undefined }))).toEqual({
      action: 'sync',
      kind: 'incremental',
      resumedFromRunId: null,
      checkpoint: newChain('movies', { updatedAt: null, contentChangedAt: null }),
    });
  });

  it('continues a run that ended early from its checkpoint, its kind kept', () => {
    const previous = { id: 9, kind: 'full' as const, checkpoint: stopped() };
    expect(planRun(input({ previous }))).toEqual({
      action: 'sync',
      kind: 'full',
      resumedFromRunId: 9,
      checkpoint: stopped(),
    });
    // A checkpoint read back from a row carries its owner; the plan keeps the state only.
    const stored = { ...stopped(), pid: 123, host: 'h' };
    expect(planRun(input({ previous: { ...previous, checkpoint: stored } })).action).toBe('sync');
    expect(planRun(input({ previous: { ...previous, checkpoint: stored } }))).toMatchObject({
      checkpoint: stopped(),
    });
  });

  it('an unfinished run is continued even when the stamps say nothing changed', () => {
    const previous = { id: 9, kind: 'incremental' as const, checkpoint: stopped() };
    expect(planRun(input({ previous }))).toMatchObject({ action: 'sync', resumedFromRunId: 9 });
  });

  it('continues the run but starts its listing over when the library changed since it began', () => {
    const previous = { id: 9, kind: 'incremental' as const, checkpoint: stopped() };
    const moved = { updatedAt: 600, contentChangedAt: '42' };
    expect(planRun(input({ previous, section: moved }))).toEqual({
      action: 'sync',
      kind: 'incremental',
      resumedFromRunId: 9,
      checkpoint: newChain('movies', moved),
    });
  });

  it('lists a library with items left unread, from the start, whatever the stamps and the checkpoint say', () => {
    expect(planRun(input({ itemsToRetry: true }))).toEqual({
      action: 'sync',
      kind: 'incremental',
      resumedFromRunId: null,
      checkpoint: newChain(),
    });
    const previous = { id: 9, kind: 'incremental' as const, checkpoint: stopped() };
    expect(planRun(input({ previous, itemsToRetry: true }))).toEqual({
      action: 'sync',
      kind: 'incremental',
      resumedFromRunId: 9,
      checkpoint: newChain(),
    });
  });

  it('does not continue a lesser run when more was asked for', () => {
    const incremental = { id: 9, kind: 'incremental' as const, checkpoint: stopped() };
    const full = { ...incremental, kind: 'full' as const };
    expect(planRun(input({ previous: incremental, requestedKind: 'full' }))).toMatchObject({
      kind: 'full',
      resumedFromRunId: null,
      checkpoint: newChain(),
    });
    expect(planRun(input({ previous: full, requestedKind: 'deep' }))).toMatchObject({
      kind: 'deep',
      resumedFromRunId: null,
    });
    // Asking for less continues the bigger run as what it was.
    expect(planRun(input({ previous: full, requestedKind: 'incremental' }))).toMatchObject({
      kind: 'full',
      resumedFromRunId: 9,
    });
    const deep = { ...incremental, kind: 'deep' as const };
    expect(planRun(input({ previous: deep, requestedKind: 'full' }))).toMatchObject({ kind: 'deep' });
  });

  it('a previous run without a readable checkpoint is not continued', () => {
    const previous = { id: 9, kind: 'full' as const, checkpoint: null };
    expect(planRun(input({ previous }))).toEqual({ action: 'skip', kind: 'incremental' });
  });
});
