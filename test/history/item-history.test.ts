// Item history against the fake Plex and a real SQLite file: every change a sync makes to an item
// keeps the previous value, a no-change sync writes none, and a bad run can be undone.
import { afterEach, describe, expect, it } from 'vitest';
import { runCleanup } from '../../src-main/core/maintenance/cleanup';
import {
  itemHistory,
  resolveItem,
  runHistory,
  undoRun,
} from '../../src-main/core/store/repositories/history-repository';
import { runRetrovue } from '../helpers/cli';
import { count, setupSync, storedStates, type SyncSetup } from '../sync/helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const movieRow = (setup: SyncSetup, rk: string) =>
  setup.store.sqlite.prepare('select id, title, state from movies where plex_rating_key = ?').get(rk) as {
    id: number;
    title: string;
    state: string;
  };

describe('item history', () => {
  it('records what a sync changed (old value, new value, run), and nothing for an initial or unchanged sync', async () => {
    s = await setupSync({ movies: 8, shows: 1, episodes: 4 });
    await s.engine.syncServer(s.serverId);
    expect(count(s.store, 'select count(*) as n from item_history')).toBe(0);
    await s.engine.syncServer(s.serverId, { kind: 'deep' });
    expect(count(s.store, 'select count(*) as n from item_history')).toBe(0);

    const target = s.fake.control.snapshot().items.find((i) => i.type === 'movie')!;
    const before = movieRow(s, target.ratingKey);
    s.fake.control.change(target.ratingKey, { title: 'Retitled By Plex' });
    const moved = s.fake.control.moveFile(target.ratingKey, '/data/movies/Moved/moved.mkv');
    expect(moved).toBeTruthy();
    const [result] = (await s.engine.syncServer(s.serverId)).filter((r) => r.updated > 0);
    const history = itemHistory(s.store, 'movie', before.id);
    expect(history.find((h) => h.field === 'title')).toMatchObject({
      oldValue: before.title,
      newValue: 'Retitled By Plex',
      runId: result!.runId,
    });
    expect(
      history.find((h) => h.field === 'file' && h.newValue === '/data/movies/Moved/moved.mkv'),
    ).toMatchObject({
      oldValue: null,
      runId: result!.runId,
    });
    expect(history.find((h) => h.field === 'file' && h.newValue === null)?.oldValue).toMatch(
      /^\/data\/movies\//,
    );
    // Nothing else moved: one item's history only.
    expect(new Set(runHistory(s.store, result!.runId).map((h) => `${h.itemKind}:${h.itemId}`))).toEqual(
      new Set([`movie:${before.id}`]),
    );

    const rows = count(s.store, 'select count(*) as n from item_history');
    await s.engine.syncServer(s.serverId);
    expect(count(s.store, 'select count(*) as n from item_history')).toBe(rows);
  });

  it('undo-run sets back what a run changed or removed, and keeps fields changed again since', async () => {
    s = await setupSync({ movies: 10, shows: 1, episodes: 4 });
    await s.engine.syncServer(s.serverId);
    const movies = s.fake.control.snapshot().items.filter((i) => i.type === 'movie');
    const [a, b, c] = movies;
    const original = { a: movieRow(s, a!.ratingKey), b: movieRow(s, b!.ratingKey) };
    s.fake.control.change(a!.ratingKey, { title: 'A Bad Title' });
    s.fake.control.delete(b!.ratingKey);
    s.fake.control.delete(c!.ratingKey);
    const bad = (await s.engine.syncServer(s.serverId)).find((r) => r.removed > 0 || r.updated > 0)!;
    expect(storedStates(s.store, 'movie').get(b!.ratingKey)).toBe('file_not_found');
    // A later run changes c again (it comes back): undo must not overwrite that.
    const { details: _d, ...back } = c as typeof c & { details?: unknown };
    s.fake.control.addMovie({ ...(back as Parameters<typeof s.fake.control.addMovie>[0]) });
    await s.engine.syncServer(s.serverId);

    const dry = undoRun(s.store, bad.runId, { dryRun: true });
    expect(dry.restored.length).toBeGreaterThan(0);
    expect(movieRow(s, a!.ratingKey).title).toBe('A Bad Title');

    const report = undoRun(s.store, bad.runId);
    expect(movieRow(s, a!.ratingKey).title).toBe(original.a.title);
    expect(movieRow(s, b!.ratingKey).state).toBe(original.b.state);
    expect(
      s.store.sqlite.prepare('select removed_at from movies where plex_rating_key = ?').get(b!.ratingKey),
    ).toEqual({ removed_at: null });
    expect(report.skipped.some((x) => x.reason === 'changed again since')).toBe(true);
    expect(() => undoRun(s!.store, 99_999)).toThrow(/there is no run 99999/);
  });

  it('resolves an item by KIND:ID or ratingKey, and cleanup drops history past metadata_history_days', async () => {
    s = await setupSync({ movies: 3, shows: 1, episodes: 2 });
    await s.engine.syncServer(s.serverId);
    const target = s.fake.control.snapshot().items.find((i) => i.type === 'movie')!;
    const row = movieRow(s, target.ratingKey);
    expect(resolveItem(s.store, `movie:${row.id}`)).toMatchObject({ kind: 'movie', id: row.id });
    expect(resolveItem(s.store, target.ratingKey)).toMatchObject({ kind: 'movie', id: row.id });
    expect(() => resolveItem(s!.store, 'movie:999999')).toThrow(/no item/);

    s.fake.control.change(target.ratingKey, { title: 'Changed Once' });
    await s.engine.syncServer(s.serverId);
    const changes = itemHistory(s.store, 'movie', row.id);
    expect(changes.map((h) => h.field)).toContain('title');
    const cli = runRetrovue(['--db', s.store.path, '--json', 'history', `movie:${row.id}`]);
    expect(cli.status, cli.stderr).toBe(0);
    expect((cli.json() as { changes: { field: string; newValue: string }[] }).changes).toContainEqual(
      expect.objectContaining({ field: 'title', newValue: 'Changed Once' }),
    );
    const runId = changes[0]!.runId!;
    const undo = runRetrovue(['--db', s.store.path, '--json', 'undo-run', String(runId), '--dry-run']);
    expect(undo.status, undo.stderr).toBe(0);
    expect(undo.json()).toMatchObject({ ok: true, dryRun: true, runId });
    expect(movieRow(s, target.ratingKey).title).toBe('Changed Once');
    const wrong = runRetrovue(['--db', s.store.path, 'undo-run', 'abc']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim()).toBe('retrovue: run "abc": expected a run id (a positive whole number)');
    const later = Date.now() + 91 * 86_400_000;
    const dry = runCleanup(s.store, {
      retentionDays: 30,
      historyDays: 90,
      backupDir: `${s.dir}/b`,
      dryRun: true,
      now: later,
    });
    expect(dry.historyRemoved).toBe(changes.length);
    expect(itemHistory(s.store, 'movie', row.id)).toHaveLength(changes.length);
    const done = runCleanup(s.store, {
      retentionDays: 30,
      historyDays: 90,
      backupDir: `${s.dir}/b`,
      now: later,
    });
    expect(done.historyRemoved).toBe(changes.length);
    expect(itemHistory(s.store, 'movie', row.id)).toHaveLength(0);
  });
});
