// What must hold after chaos, read straight from the SQLite file a real sync process left behind.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../../src-main/core/store/database';
import type { FakePlex } from '../fake-plex/index';
import { expectConverged } from '../sync/helpers';

export type Kind = 'movie' | 'show' | 'season' | 'episode';
export const KINDS: Kind[] = ['movie', 'show', 'season', 'episode'];
const TABLES: Record<Kind, string> = {
  movie: 'movies',
  show: 'shows',
  season: 'seasons',
  episode: 'episodes',
};

export interface StoredRow {
  state: string;
  title: string;
}

/** `kind:ratingKey` of an item, the key of every map here. */
export const itemKey = (kind: string, ratingKey: string) => `${kind}:${ratingKey}`;

export function openDb(path: string): Database.Database {
  return new Database(path, { fileMustExist: true });
}

/** Every stored item, or an empty map when the database does not exist yet. */
export function readStored(path: string): Map<string, StoredRow> {
  const out = new Map<string, StoredRow>();
  if (!existsSync(path)) return out;
  const db = openDb(path);
  try {
    const hasTables = db.prepare(`select count(*) as n from sqlite_master where name = 'movies'`).get() as {
      n: number;
    };
    if (hasTables.n === 0) return out;
    for (const kind of KINDS) {
      const rows = db
        .prepare(`select plex_rating_key as rk, state, title from ${TABLES[kind]}`)
        .all() as Array<{ rk: string; state: string; title: string }>;
      for (const r of rows) out.set(itemKey(kind, r.rk), { state: r.state, title: r.title });
    }
  } finally {
    db.close();
  }
  return out;
}

export function integrityProblems(db: Database.Database): string[] {
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  const fk = db.pragma('foreign_key_check') as unknown[];
  if (fk.length > 0) problems.push(`foreign_key_check: ${fk.length} violations`);
  return problems;
}

export function scanningRows(db: Database.Database): string[] {
  const out: string[] = [];
  for (const kind of KINDS) {
    const rows = db
      .prepare(`select plex_rating_key as rk from ${TABLES[kind]} where state = 'scanning'`)
      .all() as Array<{ rk: string }>;
    for (const r of rows) out.push(itemKey(kind, r.rk));
  }
  return out;
}

export function runningRuns(db: Database.Database): number[] {
  return (db.prepare(`select id from sync_runs where status = 'running'`).all() as Array<{ id: number }>).map(
    (r) => r.id,
  );
}

/** Expected media state of an item from where its files are (the harness's own model of the rules). */
export type ExpectedState = (kind: Kind, files: string[]) => string;

/**
 * The database equals the fake's truth: every item once, in its expected state, with its title and
 * its exact file paths; nothing the fake no longer has is anything but file_not_found.
 */
export function convergenceProblems(
  db: Database.Database,
  fake: FakePlex,
  expected: ExpectedState,
): string[] {
  const problems = expectConverged({ sqlite: db } as unknown as Store, fake);
  const snap = fake.control.snapshot();
  for (const item of snap.items) {
    const kind = item.type;
    const row = db
      .prepare(`select id, title, state from ${TABLES[kind]} where plex_rating_key = ?`)
      .get(item.ratingKey) as { id: number; title: string; state: string } | undefined;
    if (!row) continue; // reported as missing above
    if (row.title !== item.title)
      problems.push(
        `${kind} ${item.ratingKey} title ${JSON.stringify(row.title)} != ${JSON.stringify(item.title)}`,
      );
    const files =
      item.type === 'movie' || item.type === 'episode'
        ? item.media.flatMap((m) => m.parts.map((p) => p.file))
        : [];
    const want = expected(kind, files);
    if (row.state !== want) problems.push(`${kind} ${item.ratingKey} is ${row.state}, expected ${want}`);
    if (kind === 'movie' || kind === 'episode') {
      const owner = kind === 'movie' ? 'movie_id' : 'episode_id';
      const stored = (
        db
          .prepare(
            `select p.file from media_parts p join media_versions v on v.id = p.version_id where v.${owner} = ? order by p.file`,
          )
          .all(row.id) as Array<{ file: string }>
      ).map((r) => r.file);
      const sorted = [...files].sort();
      if (JSON.stringify(stored) !== JSON.stringify(sorted))
        problems.push(
          `${kind} ${item.ratingKey} files ${JSON.stringify(stored)} != ${JSON.stringify(sorted)}`,
        );
    }
  }
  return problems;
}

/** Files under `dir` (recursively) whose bytes contain `secret`, except the allowed ones. */
export function filesHolding(dir: string, secret: string, allowed: Set<string>): string[] {
  const needle = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (!allowed.has(path) && readFileSync(path).includes(needle)) out.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}
