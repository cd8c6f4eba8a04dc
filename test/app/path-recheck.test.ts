// Saving a path mapping re-checks stored files at once (no deep scan) and counts what changed,
// against a real SQLite file synced from the fake Plex and real files on disk.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type CoreFixture } from './core-helpers';

let fx: CoreFixture;

describe('path mapping re-check', () => {
  beforeAll(async () => {
    fx = await startCore({ server: true });
    const libraries = await fx.value('libraries:list', {});
    const movies = libraries.find((l) => l.title === 'Movies')!;
    await fx.value('libraries:select', { libraryIds: [movies.id], selected: true });
    await fx.waitForEvent('service:event', (e) => e.type === 'finished' && e.result.libraryId === movies.id);
  }, 60_000);
  afterAll(async () => fx?.close());

  it('makes items available as soon as a mapping points at their files, and says how many', async () => {
    const page = await fx.value('items:search', { kind: 'movie', limit: 500 });
    expect(page.rows.every((r) => r.state === 'remote_only')).toBe(true);
    const withPaths = await Promise.all(
      page.rows.map(async (r) => ({
        row: r,
        plexPath: (await fx.value('items:get', { kind: 'movie', id: r.id })).files[0]!.plexPath,
      })),
    );
    // Two movies under the same Plex folder; the mapping covers that folder (and so maybe others).
    const from = dirname(dirname(withPaths[0]!.plexPath));
    const under = withPaths.filter((w) => w.plexPath.startsWith(`${from}/`));
    expect(under.length).toBeGreaterThanOrEqual(2);
    const [a, b] = [under[0]!.row, under[1]!.row];
    const plexPaths = [under[0]!.plexPath, under[1]!.plexPath];
    const to = join(fx.dataDir, 'media');
    for (const p of plexPaths) {
      const local = join(to, p.slice(from.length));
      mkdirSync(dirname(local), { recursive: true });
      writeFileSync(local, 'x');
    }
    expect(await fx.value('paths:folderExists', { path: to })).toEqual({ exists: true });
    expect(await fx.value('paths:folderExists', { path: join(to, 'nope') })).toEqual({ exists: false });

    await fx.value('config:update', { path_replacements: [{ from, to }] });
    const result = await fx.value('paths:recheck');
    expect(result.becameAvailable).toBe(2);
    expect(result.files).toBeGreaterThanOrEqual(page.total);
    const available = await fx.value('items:search', { kind: 'movie', state: 'normal', limit: 500 });
    expect(available.rows.map((r) => r.id).sort()).toEqual([a!.id, b!.id].sort());
    // Mapped but not on disk: unavailable, not remote only.
    const rest = await fx.value('items:search', { kind: 'movie', state: 'unavailable', limit: 500 });
    expect(rest.total).toBe(under.length - 2);
    const detail = await fx.value('items:get', { kind: 'movie', id: a!.id });
    expect(detail.files[0]!.localPath?.startsWith(to)).toBe(true);

    // Checking again changes nothing.
    expect((await fx.value('paths:recheck')).becameAvailable).toBe(0);
  });
});
