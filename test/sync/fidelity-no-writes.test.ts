// After every unkind thing a real Plex does (issue 12), an unchanged library synced again writes
// nothing: no media row, no child row, no collection, playlist, alias or marker.
import { afterEach, describe, expect, it } from 'vitest';
import { setupSync, type SyncSetup } from './helpers';

let s: SyncSetup | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const CONTENT_TABLES = [
  'movies',
  'shows',
  'seasons',
  'episodes',
  'media_versions',
  'media_parts',
  'streams',
  'chapters',
  'markers',
  'guids',
  'item_tags',
  'cast_roles',
  'item_aliases',
  'collections',
  'collection_items',
  'playlists',
  'playlist_items',
];

/** Every row of every content table, as text: equal before and after means nothing was written. */
function contents(setup: SyncSetup): Record<string, string> {
  const out: Record<string, string> = {};
  for (const table of CONTENT_TABLES)
    out[table] = JSON.stringify(setup.store.sqlite.prepare(`select * from ${table} order by rowid`).all());
  return out;
}

describe('an unchanged library after all of issue 12', () => {
  it('re-synced (full listing) makes no writes', async () => {
    s = await setupSync({ movies: 20, shows: 6, episodes: 60, hiddenSeasons: true }, { batch_size: 10 });
    await s.engine.syncServer(s.serverId);
    const snap = s.fake.control.snapshot().items;
    const movies = snap.filter((i) => i.type === 'movie').map((i) => i.ratingKey);
    const episodes = snap.filter((i) => i.type === 'episode').map((i) => i.ratingKey);
    s.fake.control.optimize(movies[0]!);
    s.fake.control.trash(movies[1]!);
    const rekeyed = s.fake.control.rekey(movies[2]!);
    s.fake.control.rekey(episodes[3]!);
    s.fake.control.setLabels(movies[4]!, ['Kids']);
    s.fake.control.change(movies[4]!, { summary: 'Relabelled' });
    s.fake.control.addCollection({ sectionId: 1, title: 'Set', memberKeys: [movies[5]!, rekeyed.ratingKey] });
    s.fake.control.addCollection({ sectionId: 1, title: 'Smart', smart: true, memberKeys: [movies[6]!] });
    s.fake.control.addCollection({
      sectionId: 2,
      title: 'Shows',
      memberKeys: [snap.find((i) => i.type === 'show')!.ratingKey],
    });
    s.fake.control.addPlaylist({ title: 'Mix', itemKeys: [episodes[0]!, movies[7]!] });
    s.fake.control.addPlaylist({ title: 'Smart mix', smart: true, itemKeys: [episodes[1]!] });
    const applied = await s.engine.syncServer(s.serverId);
    expect(applied.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(applied.reduce((n, r) => n + r.rowsWritten, 0)).toBeGreaterThan(0);
    // The removals of the re-keyed keys were adopted, not deleted; a second pass settles nothing else.
    await s.engine.syncServer(s.serverId);
    expect(s.store.sqlite.prepare(`select count(*) as n from markers`).get()).not.toEqual({ n: 0 });
    expect(s.store.sqlite.prepare(`select count(*) as n from item_aliases`).get()).toEqual({ n: 2 });

    const before = contents(s);
    for (const kind of ['full', 'incremental'] as const) {
      const again = await s.engine.syncServer(s.serverId, { kind });
      expect(again.map((r) => [r.status, r.added, r.updated, r.removed, r.errors, r.rowsWritten])).toEqual(
        kind === 'full'
          ? [
              ['succeeded', 0, 0, 0, 0, 0],
              ['succeeded', 0, 0, 0, 0, 0],
            ]
          : [
              ['skipped', 0, 0, 0, 0, 0],
              ['skipped', 0, 0, 0, 0, 0],
            ],
      );
      expect(contents(s)).toEqual(before);
    }
  });
});
