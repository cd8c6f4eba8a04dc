// The artwork cache folder: files named by the sha256 of their bytes (identical images are kept
// once), held under a size limit by least-recently-used eviction. The limit is counted from the
// files on disk, not from the database, so files that rows no longer name count too; a file's
// modification time is its last use (touched when it is served).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { FileSystemError } from '../errors/errors';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
};

const NAME = /^[0-9a-f]{64}\.(jpg|png|webp|gif)$/;

export const CONTENT_TYPES: Record<string, string> = Object.fromEntries(
  Object.entries(EXTENSIONS).map(([type, ext]) => [ext.slice(1), type]),
);

/** The cache file extension of an image content type; undefined when it is not an image we keep. */
export function imageExtension(contentType: string | null): string | undefined {
  return EXTENSIONS[(contentType ?? '').split(';')[0]!.trim().toLowerCase()];
}

interface Entry {
  name: string;
  bytes: number;
  usedAt: number;
}

export class ArtworkCache {
  private entries: Map<string, Entry> | null = null;
  private total = 0;

  constructor(
    readonly dir: string,
    /** Read on every use (a settings change applies); 0: nothing is kept on disk (fetched when shown). */
    private readonly limit: () => number,
  ) {}

  get limitBytes(): number {
    return this.limit();
  }

  private get maxBytes(): number {
    return this.limit();
  }

  /** Bytes of the files on disk now. */
  sizeOnDisk(): number {
    this.load();
    return this.total;
  }

  has(name: string): boolean {
    return this.load().has(name);
  }

  /** Whether a file of this size can be added without evicting anything. */
  hasRoomFor(bytes: number): boolean {
    return this.maxBytes > 0 && this.sizeOnDisk() + bytes <= this.maxBytes;
  }

  /**
   * Stores an image and returns its file name, or null when the limit keeps nothing on disk.
   * Older files are evicted to make room when `evict` is set (a picture being shown); otherwise a
   * file that does not fit is not written (prefetching never pushes shown pictures out).
   */
  async put(data: Buffer, ext: string, evict: boolean): Promise<{ name: string | null; evicted: string[] }> {
    if (this.maxBytes === 0 || data.length > this.maxBytes) return { name: null, evicted: [] };
    const name = createHash('sha256').update(data).digest('hex') + ext;
    const entries = this.load();
    const existing = entries.get(name);
    if (existing) {
      this.touch(name);
      return { name, evicted: [] };
    }
    let evicted: string[] = [];
    if (this.total + data.length > this.maxBytes) {
      if (!evict) return { name: null, evicted: [] };
      evicted = this.evictTo(this.maxBytes - data.length);
    }
    // Counted before the write, so parallel puts cannot overshoot the limit together.
    entries.set(name, { name, bytes: data.length, usedAt: Date.now() });
    this.total += data.length;
    try {
      mkdirSync(this.dir, { recursive: true });
      // Atomic (a reader never sees half a file) but not fsynced: a cache file lost to a power cut
      // is fetched again, and an fsync per poster would cost more than the download.
      await writeFileAtomic(join(this.dir, name), data, { fsync: false });
    } catch (err) {
      this.forget(name);
      throw new FileSystemError(
        `cannot write to the artwork cache ${this.dir}: ${(err as Error).message}`,
        err,
      );
    }
    return { name, evicted };
  }

  read(name: string): Buffer | null {
    if (!NAME.test(name)) return null;
    try {
      return readFileSync(join(this.dir, name));
    } catch {
      this.forget(name);
      return null;
    }
  }

  /** Marks a file as just used: the last to be evicted. */
  touch(name: string): void {
    const entry = this.load().get(name);
    if (!entry) return;
    entry.usedAt = Date.now();
    try {
      const now = new Date(entry.usedAt);
      utimesSync(join(this.dir, name), now, now);
    } catch {
      this.forget(name);
    }
  }

  /** Deletes the least recently used files until at most `limit` bytes remain; returns their names. */
  evictTo(limit: number): string[] {
    this.entries = null; // counted again from disk: other processes share the folder
    const entries = [...this.load().values()].sort((a, b) => a.usedAt - b.usedAt);
    const removed: string[] = [];
    for (const e of entries) {
      if (this.total <= limit) break;
      try {
        unlinkSync(join(this.dir, e.name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') continue;
      }
      this.forget(e.name);
      removed.push(e.name);
    }
    return removed;
  }

  private forget(name: string): void {
    const e = this.entries?.get(name);
    if (!e) return;
    this.entries!.delete(name);
    this.total -= e.bytes;
  }

  private load(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    let total = 0;
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      // no folder yet: an empty cache
    }
    for (const name of names) {
      if (!NAME.test(name)) continue;
      try {
        const st = statSync(join(this.dir, name));
        entries.set(name, { name, bytes: st.size, usedAt: st.mtimeMs });
        total += st.size;
      } catch {
        // removed meanwhile
      }
    }
    this.entries = entries;
    this.total = total;
    return entries;
  }
}
