// Orphans: rows and cached files nothing refers to any more. Links to the four media tables are
// polymorphic (item_kind, item_id) so SQLite cannot cascade them; this sweep does.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { ITEM_KINDS, type ItemKind } from '../../../src-shared/domain';
import type { Store } from '../store/database';

const ITEM_TABLE: Record<ItemKind, string> = {
  movie: 'movies',
  show: 'shows',
  season: 'seasons',
  episode: 'episodes',
};

const POLYMORPHIC = ['guids', 'item_tags', 'cast_roles', 'artwork', 'item_aliases'] as const;

/** Each orphan kind as a WHERE clause over its table. */
const SWEEPS: { name: string; table: string; where: string }[] = [
  ...POLYMORPHIC.map((table) => ({
    name: table,
    table,
    where: ITEM_KINDS.map(
      (k) => `(item_kind = '${k}' and item_id not in (select id from ${ITEM_TABLE[k]}))`,
    ).join(' or '),
  })),
  // These have foreign keys; orphans only appear if a writer ran with foreign_keys off.
  {
    name: 'media_versions',
    table: 'media_versions',
    where: `(movie_id is not null and movie_id not in (select id from movies)) or (episode_id is not null and episode_id not in (select id from episodes)) or (movie_id is null and episode_id is null)`,
  },
  { name: 'media_parts', table: 'media_parts', where: 'version_id not in (select id from media_versions)' },
  { name: 'streams', table: 'streams', where: 'part_id not in (select id from media_parts)' },
  ...(['chapters', 'markers'] as const).map((table) => ({
    name: table,
    table,
    where: `(movie_id is not null and movie_id not in (select id from movies)) or (episode_id is not null and episode_id not in (select id from episodes)) or (movie_id is null and episode_id is null)`,
  })),
  // Last: removing the rows above can leave tags and people unreferenced.
  { name: 'tags', table: 'tags', where: 'id not in (select tag_id from item_tags)' },
  { name: 'people', table: 'people', where: 'id not in (select person_id from cast_roles)' },
];

export interface OrphanReport {
  rows: Record<string, number>;
  totalRows: number;
  artworkFiles: number;
  artworkBytes: number;
}

export interface OrphanOptions {
  /** The artwork cache folder; files in it that no artwork row names are deleted. */
  artworkDir?: string;
  /** Files younger than this are left alone (a download may be about to register them). */
  fileGraceMs?: number;
  dryRun?: boolean;
  now?: number;
}

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

function sweepFiles(sqlite: Database.Database, opts: OrphanOptions): { files: number; bytes: number } {
  if (!opts.artworkDir) return { files: 0, bytes: 0 };
  const referenced = new Set(
    (
      sqlite.prepare('select distinct cache_file as f from artwork where cache_file is not null').all() as {
        f: string;
      }[]
    ).map((r) => r.f),
  );
  const cutoff = (opts.now ?? Date.now()) - (opts.fileGraceMs ?? 10 * 60_000);
  let files = 0;
  let bytes = 0;
  for (const path of walk(opts.artworkDir)) {
    const name =
      path
        .slice(opts.artworkDir.length + 1)
        .split(/[\\/]/)
        .pop() ?? '';
    const rel = path.slice(opts.artworkDir.length + 1).replace(/\\/g, '/');
    if (referenced.has(name) || referenced.has(rel)) continue;
    const st = statSync(path);
    if (st.mtimeMs > cutoff) continue;
    if (!opts.dryRun) unlinkSync(path);
    files += 1;
    bytes += st.size;
  }
  return { files, bytes };
}

/** Counts (dryRun) or removes orphans. Row deletions happen in one transaction. */
export function removeOrphans(store: Store, opts: OrphanOptions = {}): OrphanReport {
  const rows: Record<string, number> = {};
  const run = () => {
    for (const s of SWEEPS) {
      rows[s.name] = opts.dryRun
        ? (
            store.sqlite.prepare(`select count(*) as n from ${s.table} where ${s.where}`).get() as {
              n: number;
            }
          ).n
        : store.sqlite.prepare(`delete from ${s.table} where ${s.where}`).run().changes;
    }
  };
  if (opts.dryRun) run();
  else store.transaction(run);
  const files = sweepFiles(store.sqlite, opts);
  return {
    rows,
    totalRows: Object.values(rows).reduce((a, b) => a + b, 0),
    artworkFiles: files.files,
    artworkBytes: files.bytes,
  };
}
