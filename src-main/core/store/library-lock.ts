// Who syncs a library: the process holding an exclusive SQLite lock on a small file beside the
// database (`<db>.library-<id>.lock`), held for the whole run. The operating system drops the lock
// when its holder's file descriptors close, which happens when the process dies however it dies,
// even while it lingers as an unreaped zombie or its pid is reused: "is that pid alive?" can lie, a
// lock cannot. SQLite also keeps two connections of one process apart, so this works in-process too.
import type Database from 'better-sqlite3';
import { CancelledError, UserError } from '../errors/errors';

/** Another process holds the library: nothing was done, asking again later is right. */
export class LibraryBusyError extends UserError {
  constructor(message: string) {
    super(message, 'LIBRARY_BUSY');
  }
}

/** The database whose libraries are locked: its file (the lock files sit beside it) and a way to open them. */
export interface LockableStore {
  readonly path: string;
  openSidecar(path: string): Database.Database;
}

export interface LibraryLock {
  release(): void;
}

export function libraryLockPath(store: LockableStore, libraryId: number): string {
  return `${store.path}.library-${libraryId}.lock`;
}

/** The lock, or null when another connection (this process or another) holds it. */
export function tryLockLibrary(store: LockableStore, libraryId: number): LibraryLock | null {
  // An in-memory database has no other process to keep out.
  if (store.path === ':memory:') return { release: () => undefined };
  let db: Database.Database | null = store.openSidecar(libraryLockPath(store, libraryId));
  try {
    db.pragma('busy_timeout = 0');
    // Exclusive locking mode keeps the lock taken by the first write until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
    db.exec('create table if not exists holder (pid integer not null, since integer not null)');
    db.exec('delete from holder');
    db.prepare('insert into holder (pid, since) values (?, ?)').run(process.pid, Date.now());
    db.exec('commit');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return null;
    throw err;
  }
  return {
    release: () => {
      db?.close();
      db = null;
    },
  };
}

/** Whether some connection holds the library's lock now (a `running` run without one is dead). */
export function isLibraryLocked(store: LockableStore, libraryId: number): boolean {
  const lock = tryLockLibrary(store, libraryId);
  lock?.release();
  return lock === null;
}

/** Waits for the lock, trying every `pollMs`, until `signal` aborts. */
export async function waitForLibraryLock(
  store: LockableStore,
  libraryId: number,
  opts: { signal?: AbortSignal; pollMs?: number } = {},
): Promise<LibraryLock> {
  for (;;) {
    const lock = tryLockLibrary(store, libraryId);
    if (lock) return lock;
    if (opts.signal?.aborted) throw new CancelledError('stopped waiting for the library');
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}
