// The run journal is the one owner of a run's row and checkpoint (issue 16 point 3): what it
// writes at each step of a run, on a real SQLite file, and that no other module of the product
// writes sync_runs or encodes a checkpoint.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCheckpoint, type CheckpointState } from '../../src-main/core/store/checkpoint';
import type { Store } from '../../src-main/core/store/database';
import { recordSkippedRun, RunJournal, takeOverUnfinishedRun } from '../../src-main/core/store/run-journal';
import { recoverDeadRuns } from '../../src-main/core/store/run-recovery';
import { tempStore } from '../helpers/temp';

const ROOT = join(__dirname, '..', '..');

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function setup(): { store: Store; serverId: number; libraryId: number } {
  const t = tempStore();
  cleanup = t.cleanup;
  const serverId = Number(
    t.store.sqlite.prepare(`insert into servers (machine_identifier, name) values ('m1', 'Server')`).run()
      .lastInsertRowid,
  );
  const libraryId = Number(
    t.store.sqlite
      .prepare(`insert into libraries (server_id, plex_key, title, type) values (?, '1', 'Movies', 'movie')`)
      .run(serverId).lastInsertRowid,
  );
  return { store: t.store, serverId, libraryId };
}

interface RunRowView {
  status: string;
  phase: string | null;
  checkpoint_json: string | null;
  resumed_from_run_id: number | null;
  added: number;
  removed: number;
  items_done: number;
  api_calls: number;
  error_message: string | null;
  finished_at: number | null;
}
const row = (store: Store, id: number) =>
  store.sqlite.prepare(`select * from sync_runs where id = ?`).get(id) as RunRowView;

const baseline = { updatedAt: 100, contentChangedAt: '7' };
const firstCheckpoint = (runId: number): CheckpointState => ({
  chainRunId: runId,
  phase: 'movies',
  offset: 0,
  baseline,
  complete: false,
  flawed: false,
});

describe('RunJournal', () => {
  it('creates a run with its first checkpoint, records pages and phases, and finishes it', () => {
    const { store, serverId, libraryId } = setup();
    const identity = { serverId, libraryId, kind: 'incremental' as const, trigger: 'manual' as const };
    const { journal, checkpoint } = store.transaction(() =>
      RunJournal.begin(store.db, { ...identity, resumedFromRunId: null }, firstCheckpoint),
    );
    expect(checkpoint.chainRunId).toBe(journal.runId);
    let r = row(store, journal.runId);
    expect(r).toMatchObject({ status: 'running', phase: 'movies', resumed_from_run_id: null });
    expect(decodeCheckpoint(r.checkpoint_json)).toMatchObject({ chainRunId: journal.runId, offset: 0 });

    journal.pageCommitted({ ...checkpoint, offset: 200 }, { added: 5, itemsDone: 200, apiCalls: 3 });
    r = row(store, journal.runId);
    expect(r).toMatchObject({ added: 5, items_done: 200, api_calls: 3 });
    expect(decodeCheckpoint(r.checkpoint_json)).toMatchObject({ phase: 'movies', offset: 200 });

    journal.nextPhase({ ...checkpoint, phase: 'done', complete: true }, { removed: 2 });
    r = row(store, journal.runId);
    expect(r).toMatchObject({ phase: 'done', removed: 2 });
    expect(decodeCheckpoint(r.checkpoint_json)).toMatchObject({ phase: 'done', complete: true });

    journal.finish({ status: 'succeeded', counts: { added: 6 }, errorMessage: null, keepCheckpoint: false });
    r = row(store, journal.runId);
    expect(r).toMatchObject({ status: 'succeeded', added: 6, checkpoint_json: null });
    expect(r.finished_at).not.toBeNull();
    expect(takeOverUnfinishedRun(store.db, store.sqlite, libraryId)).toBeUndefined();
  });

  it('a run that ended early keeps its checkpoint, and the next run takes it over', () => {
    const { store, serverId, libraryId } = setup();
    const identity = { serverId, libraryId, kind: 'full' as const, trigger: 'schedule' as const };
    const { journal, checkpoint } = RunJournal.begin(
      store.db,
      { ...identity, resumedFromRunId: null },
      firstCheckpoint,
    );
    journal.pageCommitted({ ...checkpoint, offset: 400 }, { itemsDone: 400 });
    journal.finish({
      status: 'failed',
      counts: {},
      errorMessage: 'GET /x?X-Plex-Token=secret123 failed',
      keepCheckpoint: true,
    });
    expect(row(store, journal.runId).error_message).not.toContain('secret123');
    const previous = takeOverUnfinishedRun(store.db, store.sqlite, libraryId);
    expect(previous).toMatchObject({ id: journal.runId, kind: 'full' });
    expect(previous?.checkpoint).toMatchObject({ chainRunId: journal.runId, offset: 400 });

    const next = RunJournal.begin(store.db, { ...identity, resumedFromRunId: journal.runId }, () => ({
      ...previous!.checkpoint!,
    }));
    expect(row(store, next.journal.runId)).toMatchObject({ resumed_from_run_id: journal.runId });
    expect(next.checkpoint.chainRunId).toBe(journal.runId);
  });

  it('a run left running by a dead process becomes interrupted when taken over or recovered', () => {
    const { store, serverId, libraryId } = setup();
    const identity = { serverId, libraryId, kind: 'incremental' as const, trigger: 'manual' as const };
    const first = RunJournal.begin(store.db, { ...identity, resumedFromRunId: null }, firstCheckpoint);
    expect(takeOverUnfinishedRun(store.db, store.sqlite, libraryId)?.id).toBe(first.journal.runId);
    expect(row(store, first.journal.runId).status).toBe('interrupted');

    const second = RunJournal.begin(store.db, { ...identity, resumedFromRunId: null }, firstCheckpoint);
    expect(recoverDeadRuns(store)).toBe(1);
    expect(row(store, second.journal.runId).status).toBe('interrupted');
    expect(recoverDeadRuns(store)).toBe(0);
  });

  it('a skipped run is created finished, with no checkpoint', () => {
    const { store, serverId, libraryId } = setup();
    const id = recordSkippedRun(store.db, { serverId, libraryId, kind: 'incremental', trigger: 'manual' });
    expect(row(store, id)).toMatchObject({ status: 'skipped', checkpoint_json: null, phase: null });
    expect(row(store, id).finished_at).not.toBeNull();
    expect(takeOverUnfinishedRun(store.db, store.sqlite, libraryId)).toBeUndefined();
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('the run journal is the only owner of run rows and checkpoints', () => {
  const JOURNAL = 'src-main/core/store/run-journal.ts';
  const CODEC = 'src-main/core/store/checkpoint.ts';
  const files = sourceFiles(join(ROOT, 'src-main')).map((f) => ({
    path: relative(ROOT, f).split('\\').join('/'),
    text: readFileSync(f, 'utf8'),
  }));
  const writes = [
    /\b(insert\s+(or\s+\w+\s+)?into|update|delete\s+from|replace\s+into)\s+sync_runs\b/i,
    /\.(insert|update|delete)\(\s*syncRuns\s*\)/,
  ];

  it('finds the journal itself writing (the patterns see a write)', () => {
    const journal = files.find((f) => f.path === JOURNAL)!;
    expect(writes.some((w) => w.test(journal.text))).toBe(true);
  });

  it('no other module writes sync_runs', () => {
    const offenders = files
      .filter((f) => f.path !== JOURNAL && writes.some((w) => w.test(f.text)))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });

  it('no other module encodes a checkpoint', () => {
    const offenders = files
      .filter((f) => f.path !== JOURNAL && f.path !== CODEC && /\bencodeCheckpoint\b/.test(f.text))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });
});
