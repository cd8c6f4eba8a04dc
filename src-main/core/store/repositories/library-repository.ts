import { and, eq, inArray } from 'drizzle-orm';
import type { LibraryType } from '../../../../src-shared/domain';
import type { Db } from '../database';
import { libraries, servers } from '../schema';

export type LibraryRow = typeof libraries.$inferSelect;

/** A Plex section as read from /library/sections, already validated. */
export interface PlexSection {
  key: string;
  title: string;
  type: LibraryType;
  agent?: string | null;
  scanner?: string | null;
  language?: string | null;
  uuid?: string | null;
  locations: string[];
  updatedAt?: number | null;
  scannedAt?: number | null;
  contentChangedAt?: string | null;
}

/**
 * Stores the server's sections. Sections of other types (music, photos) are not synced and never
 * passed here. A section that disappeared from Plex keeps its row (and its items) until removed
 * on purpose: losing a whole library to one odd answer would be the worst data loss.
 */
export function upsertLibraries(db: Db, serverId: number, sections: PlexSection[]): LibraryRow[] {
  const now = Date.now();
  return sections.map((s) => {
    const fromPlex = {
      title: s.title,
      type: s.type,
      agent: s.agent ?? null,
      scanner: s.scanner ?? null,
      language: s.language ?? null,
      uuid: s.uuid ?? null,
      locationsJson: JSON.stringify(s.locations),
      plexUpdatedAt: s.updatedAt ?? null,
      plexScannedAt: s.scannedAt ?? null,
      plexContentChangedAt: s.contentChangedAt ?? null,
    };
    return db
      .insert(libraries)
      .values({ serverId, plexKey: s.key, ...fromPlex })
      .onConflictDoUpdate({
        target: [libraries.serverId, libraries.plexKey],
        set: { ...fromPlex, modifiedAt: now },
      })
      .returning()
      .get();
  });
}

export function getLibrary(db: Db, id: number): LibraryRow | undefined {
  return db.select().from(libraries).where(eq(libraries.id, id)).get();
}

export function getLibraryByKey(db: Db, serverId: number, plexKey: string): LibraryRow | undefined {
  return db
    .select()
    .from(libraries)
    .where(and(eq(libraries.serverId, serverId), eq(libraries.plexKey, plexKey)))
    .get();
}

export function listLibraries(db: Db, serverId?: number): LibraryRow[] {
  const q = db.select().from(libraries);
  return (serverId === undefined ? q : q.where(eq(libraries.serverId, serverId)))
    .orderBy(libraries.serverId, libraries.title)
    .all();
}

/** Selecting a library also chooses its server: from then on that server counts for health. */
export function setLibrariesSelected(db: Db, ids: number[], selected: boolean): void {
  if (ids.length === 0) return;
  db.transaction(() => {
    db.update(libraries).set({ selected, modifiedAt: Date.now() }).where(inArray(libraries.id, ids)).run();
    if (!selected) return;
    const serverIds = db
      .selectDistinct({ id: libraries.serverId })
      .from(libraries)
      .where(inArray(libraries.id, ids));
    db.update(servers)
      .set({ added: true, modifiedAt: Date.now() })
      .where(and(inArray(servers.id, serverIds), eq(servers.added, false)))
      .run();
  });
}
