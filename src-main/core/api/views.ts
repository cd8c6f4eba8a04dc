// Database rows → the views the renderer sees (src-shared/ipc/contract.ts). Views are built field by
// field from an allow-list: a token reference or token can never ride along by accident.
import type {
  ConnectionView,
  ErrorView,
  LibraryView,
  RunView,
  ServerView,
} from '../../../src-shared/ipc/contract';
import type { ErrorClass, ItemKind } from '../../../src-shared/domain';
import type { SyncProgress } from '../../../src-shared/sync-types';
import type { LibraryRow } from '../store/repositories/library-repository';
import { parseConnections, type ServerRow } from '../store/repositories/server-repository';
import type { StateCounts } from '../store/repositories/status-repository';
import type { syncErrors, syncRuns } from '../store/schema';

export function serverView(s: ServerRow): ServerView {
  const connections: ConnectionView[] = parseConnections(s.connectionsJson).map((c) => ({
    uri: c.uri,
    kind: c.kind,
    protocol: c.protocol,
    latencyMs: c.latencyMs,
    ok: c.ok,
    chosen: c.uri === s.chosenUri,
  }));
  return {
    id: s.id,
    name: s.name,
    machineIdentifier: s.machineIdentifier,
    owned: s.owned,
    sourceTitle: s.sourceTitle,
    version: s.version,
    sources: s.sources.split(',').filter(Boolean),
    connections,
    chosenUri: s.chosenUri,
    latencyMs: s.chosenLatencyMs,
    needsLogin: s.needsLogin,
    added: s.added,
    lastSeenAt: s.lastSeenAt,
  };
}

function jsonStrings(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function libraryView(
  l: LibraryRow,
  extra: {
    counts: Partial<Record<ItemKind, StateCounts>>;
    nextSyncAt: number | null;
    progress: SyncProgress | null;
    heldDeletions: LibraryView['heldDeletions'];
  },
): LibraryView {
  return {
    id: l.id,
    serverId: l.serverId,
    plexKey: l.plexKey,
    title: l.title,
    type: l.type,
    selected: l.selected,
    locations: jsonStrings(l.locationsJson),
    counts: extra.counts,
    lastSyncAt: l.lastSyncAt,
    lastSyncStatus: l.lastSyncStatus,
    nextSyncAt: extra.nextSyncAt,
    progress: extra.progress,
    heldDeletions: extra.heldDeletions,
  };
}

export function errorView(
  e: typeof syncErrors.$inferSelect,
  names: { serverName: string | null; libraryTitle: string | null },
): ErrorView {
  let context: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(e.contextJson);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      context = parsed as Record<string, unknown>;
  } catch {
    // A damaged context must not hide the error itself.
  }
  return {
    id: e.id,
    errorClass: e.errorClass as ErrorClass,
    code: e.code,
    message: e.message,
    serverId: e.serverId,
    serverName: names.serverName,
    libraryId: e.libraryId,
    libraryTitle: names.libraryTitle,
    itemKind: e.itemKind,
    plexRatingKey: e.plexRatingKey,
    context,
    retryCount: e.retryCount,
    occurredAt: e.occurredAt,
    resolvedAt: e.resolvedAt,
  };
}

export function runView(r: typeof syncRuns.$inferSelect, libraryTitle: string | null): RunView {
  return {
    id: r.id,
    libraryId: r.libraryId,
    libraryTitle,
    kind: r.kind,
    trigger: r.trigger,
    status: r.status,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.finishedAt === null ? null : r.finishedAt - r.startedAt,
    added: r.added,
    updated: r.updated,
    removed: r.removed,
    unchanged: r.unchanged,
    errors: r.errors,
    apiCalls: r.apiCalls,
  };
}
