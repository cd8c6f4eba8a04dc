// Collections of a library and video playlists of a server. Plex moves neither the members'
// updatedAt nor the section stamps when these change (issue 12; PlexKodiConnect #689), so they are
// read from their own endpoints on every library run that lists: the list entry is compared by a
// hash, members are fetched when the entry moved, for smart ones (their result follows the library
// without their entry moving) and in a deep scan, and compared by a hash of their ordered keys.
// Only a complete listing removes a collection or playlist. A failing collections or playlists
// endpoint (5xx, a body that cannot be read) is an error of that part only: the items of the run are
// already stored and stay so, and nothing stored is removed from a listing that did not complete.
import { hash } from 'node:crypto';
import { ITEM_KINDS, type ItemKind } from '../../../src-shared/domain';
import { CancelledError, PlexAuthError, PlexError } from '../errors/errors';
import { recordSyncError } from '../store/repositories/error-repository';
import type { Page, ServerClient } from '../plex/server-client';
import type { Store } from '../store/database';
import {
  removeCurations,
  storedCollections,
  storedPlaylists,
  writeCollection,
  writePlaylist,
  type CollectionEntry,
  type CurationEntry,
  type Member,
  type PlaylistEntry,
  type StoredCuration,
} from '../store/repositories/curation-repository';
import { listEtag, rawField } from './etag';
import { PLEX_MAX_PAGE_SIZE } from './library-run';

export interface CurationContext {
  store: Store;
  client: ServerClient;
  signal?: AbortSignal;
  /** Deep scan: fetch every member list, whatever the entries say. */
  deep: boolean;
}

const MEMBER_ELEMENTS = 'Media,Genre,Director,Writer,Country,Role,Producer,Collection,Label,Similar,Guid';

async function listAll(ctx: CurationContext, path: string, query: Record<string, string | number> = {}) {
  const out: unknown[] = [];
  // Plex logs "Missing X-Plex-Container-Size ... will fail with status code 400" for these lists too
  // (plex-api-notes §4.4): the paginator always sends a size.
  const pages: AsyncGenerator<Page> = ctx.client.paginate(path, {
    pageSize: PLEX_MAX_PAGE_SIZE,
    query,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  for await (const page of pages) out.push(...page.items);
  return out;
}

const str = (raw: unknown, field: string): string | null => {
  const v = rawField(raw, field);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
};
const int = (raw: unknown, field: string): number | null => {
  const v = rawField(raw, field);
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
};
const smartFlag = (raw: unknown): boolean => {
  const v = raw && typeof raw === 'object' ? (raw as { smart?: unknown }).smart : undefined;
  return v === true || v === 1 || v === '1';
};

function baseEntry(raw: unknown): CurationEntry | null {
  const ratingKey = str(raw, 'ratingKey');
  const title = str(raw, 'title');
  if (!ratingKey || !title) return null;
  return {
    ratingKey,
    guid: str(raw, 'guid'),
    title,
    smart: smartFlag(raw),
    content: str(raw, 'content'),
    addedAt: int(raw, 'addedAt'),
    updatedAt: int(raw, 'updatedAt'),
    etag: listEtag(raw),
  };
}

function labelsOf(raw: unknown): string[] {
  const list = raw && typeof raw === 'object' ? (raw as { Label?: unknown }).Label : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((l) =>
    l && typeof l === 'object' && typeof (l as { tag?: unknown }).tag === 'string'
      ? [(l as { tag: string }).tag]
      : [],
  );
}

function membersOf(raw: unknown[], withItemId: boolean): { hash: string; list: Member[] } {
  const list: Member[] = [];
  for (const m of raw) {
    const kind = str(m, 'type');
    const ratingKey = str(m, 'ratingKey');
    if (!ratingKey || !kind || !(ITEM_KINDS as readonly string[]).includes(kind)) continue;
    list.push({
      kind: kind as ItemKind,
      ratingKey,
      ...(withItemId ? { plexItemId: int(m, 'playlistItemID') } : {}),
    });
  }
  return { hash: hash('sha1', JSON.stringify(list), 'base64url'), list };
}

function needsMembers(
  ctx: CurationContext,
  entry: CurationEntry,
  stored: StoredCuration | undefined,
): boolean {
  return ctx.deep || entry.smart || !stored || stored.etag !== entry.etag || stored.membersHash === null;
}

/** Syncs one library's collections; returns the rows written. */
export async function syncCollections(
  ctx: CurationContext,
  libraryId: number,
  sectionKey: string,
): Promise<number> {
  const listed = await listAll(ctx, `/library/sections/${encodeURIComponent(sectionKey)}/collections`);
  const stored = storedCollections(ctx.store.sqlite, libraryId);
  const writes: Array<{ entry: CollectionEntry; members: { hash: string; list: Member[] } | null }> = [];
  for (const raw of listed) {
    const base = baseEntry(raw);
    if (!base) continue;
    const entry: CollectionEntry = { ...base, childCount: int(raw, 'childCount'), labels: labelsOf(raw) };
    const members = needsMembers(ctx, entry, stored.get(entry.ratingKey))
      ? membersOf(
          await listAll(ctx, `/library/collections/${encodeURIComponent(entry.ratingKey)}/children`, {
            excludeElements: MEMBER_ELEMENTS,
          }),
          false,
        )
      : null;
    writes.push({ entry, members });
  }
  const seen = new Set(writes.map((w) => w.entry.ratingKey));
  return ctx.store.transaction(() => {
    let rows = 0;
    for (const w of writes)
      rows += writeCollection(ctx.store.sqlite, libraryId, w.entry, stored.get(w.entry.ratingKey), w.members);
    const gone = [...stored.values()].filter((c) => !seen.has(c.ratingKey)).map((c) => c.id);
    return rows + removeCurations(ctx.store.sqlite, 'collections', gone);
  });
}

/** Syncs a server's video playlists (regular and smart) with their ordered items; returns the rows written. */
export async function syncPlaylists(ctx: CurationContext, serverId: number): Promise<number> {
  const listed = await listAll(ctx, '/playlists', { playlistType: 'video' });
  const stored = storedPlaylists(ctx.store.sqlite, serverId);
  const writes: Array<{ entry: PlaylistEntry; items: { hash: string; list: Member[] } | null }> = [];
  for (const raw of listed) {
    const base = baseEntry(raw);
    if (!base || str(raw, 'playlistType') !== 'video') continue;
    const entry: PlaylistEntry = {
      ...base,
      leafCount: int(raw, 'leafCount'),
      duration: int(raw, 'duration'),
    };
    const items = needsMembers(ctx, entry, stored.get(entry.ratingKey))
      ? membersOf(
          await listAll(ctx, `/playlists/${encodeURIComponent(entry.ratingKey)}/items`, {
            excludeElements: MEMBER_ELEMENTS,
          }),
          true,
        )
      : null;
    writes.push({ entry, items });
  }
  const seen = new Set(writes.map((w) => w.entry.ratingKey));
  return ctx.store.transaction(() => {
    let rows = 0;
    for (const w of writes)
      rows += writePlaylist(ctx.store.sqlite, serverId, w.entry, stored.get(w.entry.ratingKey), w.items);
    const gone = [...stored.values()].filter((p) => !seen.has(p.ratingKey)).map((p) => p.id);
    return rows + removeCurations(ctx.store.sqlite, 'playlists', gone);
  });
}

/** Where a curation part's failure is recorded. */
export interface CurationTarget {
  runId: number;
  serverId: number;
  libraryId: number;
  sectionKey: string;
}

/**
 * One part (collections or playlists): a Plex failure becomes an error row naming its endpoint and
 * the part writes nothing. A refused token and a cancelled run still end the run.
 */
async function isolated(
  ctx: CurationContext,
  target: CurationTarget,
  endpoint: string,
  part: () => Promise<number>,
): Promise<number | null> {
  try {
    return await part();
  } catch (err) {
    if (!(err instanceof PlexError) || err instanceof PlexAuthError || err instanceof CancelledError)
      throw err;
    if (ctx.signal?.aborted) throw err;
    const what = endpoint === '/playlists' ? 'playlists' : 'collections';
    const error = new PlexError(
      `${what} could not be read from ${endpoint}: ${err.message}; the items are synced and the stored ${what} kept`,
      err.errorClass ?? 'data',
      err.code,
      {
        ...(err.status !== null ? { status: err.status } : {}),
        ...(err.url ? { url: err.url } : {}),
        cause: err,
      },
    );
    recordSyncError(ctx.store.db, {
      runId: target.runId,
      serverId: target.serverId,
      libraryId: target.libraryId,
      error,
      details: { endpoint, part: what },
    });
    return null;
  }
}

/**
 * After a library's listing: its collections, and the server's playlists (they span libraries, so each
 * listing library run refreshes them; unchanged ones cost their list request and no write). `failed`:
 * parts that could not be read (each has its error row); the next run must read them again.
 */
export async function syncCurations(
  ctx: CurationContext,
  target: CurationTarget,
): Promise<{ rows: number; failed: number }> {
  const collectionsEndpoint = `/library/sections/${target.sectionKey}/collections`;
  const parts = [
    await isolated(ctx, target, collectionsEndpoint, () =>
      syncCollections(ctx, target.libraryId, target.sectionKey),
    ),
    await isolated(ctx, target, '/playlists', () => syncPlaylists(ctx, target.serverId)),
  ];
  return {
    rows: parts.reduce<number>((a, p) => a + (p ?? 0), 0),
    failed: parts.filter((p) => p === null).length,
  };
}
