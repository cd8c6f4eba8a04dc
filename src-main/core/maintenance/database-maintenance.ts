// Database upkeep: integrity check, PRAGMA optimize + ANALYZE, a WAL checkpoint, and VACUUM when
// enough pages are free, always after a backup. The service schedules it; the CLI runs it on demand.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { StoreError } from '../errors/errors';
import { startMetrics } from '../metrics/metrics-writer';
import type { Store } from '../store/database';

export interface BackupOptions {
  dir: string;
  /** Backups kept in `dir` after this one (older ones are removed). */
  keep?: number;
  /** Why the backup was taken, part of the file name (pre-vacuum, pre-cleanup). */
  reason?: string;
  now?: number;
}

function backupPrefix(store: Store): string {
  return `${basename(store.path)}.`;
}

/** A consistent copy through VACUUM INTO (works while WAL readers are active). Returns its path. */
export function backupDatabase(store: Store, opts: BackupOptions): string {
  mkdirSync(opts.dir, { recursive: true });
  const stamp = new Date(opts.now ?? Date.now()).toISOString().replace(/[:.]/g, '-');
  const target = join(opts.dir, `${backupPrefix(store)}${stamp}.${opts.reason ?? 'manual'}.bak`);
  try {
    store.sqlite.prepare('VACUUM INTO ?').run(target);
  } catch (err) {
    throw new StoreError(`backup to ${target} failed: ${(err as Error).message}`, err);
  }
  pruneBackups(store, opts.dir, opts.keep ?? 3);
  return target;
}

function pruneBackups(store: Store, dir: string, keep: number): void {
  const prefix = backupPrefix(store);
  const backups = readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.bak'))
    .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs, name: f }))
    .sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name));
  for (const old of backups.slice(Math.max(1, keep))) rmSync(old.path, { force: true });
}

export interface MaintenanceOptions {
  backupDir: string;
  keepBackups?: number;
  /** VACUUM when free pages exceed this share of the file. Default 0.2. */
  vacuumFreeRatio?: number;
  /** VACUUM regardless of free pages. */
  forceVacuum?: boolean;
  /** quick_check (default) is O(pages); integrity_check also cross-checks indexes. */
  integrity?: 'quick' | 'full';
  now?: number;
}

export interface MaintenanceReport {
  ok: boolean;
  integrity: string;
  optimized: boolean;
  checkpoint: { busy: number; log: number; checkpointed: number } | null;
  pageSize: number;
  pageCount: number;
  freePages: number;
  freeRatio: number;
  vacuumed: boolean;
  backupPath: string | null;
  sizeBefore: number;
  sizeAfter: number;
  durationMs: number;
  /** The sync_metrics row of this pass (null when the database was damaged and left alone). */
  metricId: number | null;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** 'ok' or what is wrong; badly damaged files make the check itself fail, which is an answer too. */
function checkIntegrity(store: Store, mode: 'quick' | 'full'): string {
  try {
    const rows = store.sqlite.pragma(mode === 'full' ? 'integrity_check' : 'quick_check') as Record<
      string,
      string
    >[];
    return rows.map((r) => Object.values(r)[0]).join('; ');
  } catch (err) {
    return `check failed: ${(err as Error).message}`;
  }
}

export function runDatabaseMaintenance(store: Store, opts: MaintenanceOptions): MaintenanceReport {
  const started = performance.now();
  const metrics = startMetrics({ operation: 'maintenance' });
  const sqlite = store.sqlite;
  const sizeBefore = fileSize(store.path) + fileSize(`${store.path}-wal`);
  const pragma = (name: string) => sqlite.pragma(name, { simple: true }) as number;

  const integrity = checkIntegrity(store, opts.integrity ?? 'quick');
  const base = {
    integrity,
    pageSize: pragma('page_size'),
    pageCount: pragma('page_count'),
    freePages: pragma('freelist_count'),
  };
  const freeRatio = base.pageCount > 0 ? base.freePages / base.pageCount : 0;
  if (integrity !== 'ok') {
    // A damaged file must not be rewritten: VACUUM could drop what is still recoverable.
    return {
      ...base,
      ok: false,
      optimized: false,
      checkpoint: null,
      freeRatio,
      vacuumed: false,
      backupPath: null,
      sizeBefore,
      sizeAfter: sizeBefore,
      durationMs: Math.round(performance.now() - started),
      metricId: null,
    };
  }
  sqlite.pragma('optimize');
  sqlite.exec('ANALYZE');
  const cp =
    (sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[])[0] ??
    null;

  let vacuumed = false;
  let backupPath: string | null = null;
  if (opts.forceVacuum || freeRatio > (opts.vacuumFreeRatio ?? 0.2)) {
    backupPath = backupDatabase(store, {
      dir: opts.backupDir,
      keep: opts.keepBackups,
      reason: 'pre-vacuum',
      now: opts.now,
    });
    sqlite.exec('VACUUM');
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    vacuumed = true;
  }
  return {
    ...base,
    ok: true,
    optimized: true,
    checkpoint: cp,
    freeRatio,
    vacuumed,
    backupPath,
    sizeBefore,
    sizeAfter: fileSize(store.path) + fileSize(`${store.path}-wal`),
    durationMs: Math.round(performance.now() - started),
    metricId: metrics.finish(store.db).id,
  };
}
