import { eq, sql } from 'drizzle-orm';
import type { ServerSource } from '../../../../src-shared/domain';
import type { Db } from '../database';
import { servers } from '../schema';

export type ServerRow = typeof servers.$inferSelect;

export interface ServerConnection {
  uri: string;
  protocol: 'http' | 'https';
  address: string;
  port: number;
  kind: 'local' | 'remote' | 'relay';
  latencyMs: number | null;
  ok: boolean | null;
  error: string | null;
  checkedAt: number | null;
}

export interface ServerUpsert {
  machineIdentifier: string;
  name: string;
  source: ServerSource;
  owned?: boolean;
  sourceTitle?: string | null;
  version?: string | null;
  platform?: string | null;
  accountId?: number | null;
  tokenRef?: string | null;
  httpsRequired?: boolean;
  connections?: ServerConnection[];
  /** The person chose it (a server typed in); discovery leaves an existing choice alone. */
  added?: boolean;
}

/**
 * Inserts or merges a server by machine identifier: what plex.tv, GDM and manual entry know of the
 * same server ends up in one row, with every source remembered.
 */
export function upsertServer(db: Db, s: ServerUpsert): ServerRow {
  const existing = db.select().from(servers).where(eq(servers.machineIdentifier, s.machineIdentifier)).get();
  const now = Date.now();
  if (!existing) {
    return db
      .insert(servers)
      .values({
        machineIdentifier: s.machineIdentifier,
        name: s.name,
        sources: s.source,
        owned: s.owned ?? true,
        sourceTitle: s.sourceTitle ?? null,
        version: s.version ?? null,
        platform: s.platform ?? null,
        accountId: s.accountId ?? null,
        tokenRef: s.tokenRef ?? null,
        httpsRequired: s.httpsRequired ?? false,
        added: s.added ?? false,
        connectionsJson: JSON.stringify(s.connections ?? []),
        lastSeenAt: now,
      })
      .returning()
      .get();
  }
  const sources = new Set(existing.sources.split(',').filter(Boolean));
  sources.add(s.source);
  const connections = s.connections
    ? mergeConnections(parseConnections(existing.connectionsJson), s.connections)
    : parseConnections(existing.connectionsJson);
  return db
    .update(servers)
    .set({
      name: s.name,
      sources: [...sources].sort().join(','),
      owned: s.owned ?? existing.owned,
      sourceTitle: s.sourceTitle !== undefined ? s.sourceTitle : existing.sourceTitle,
      version: s.version ?? existing.version,
      platform: s.platform ?? existing.platform,
      accountId: s.accountId !== undefined ? s.accountId : existing.accountId,
      tokenRef: s.tokenRef ?? existing.tokenRef,
      httpsRequired: s.httpsRequired ?? existing.httpsRequired,
      added: existing.added || (s.added ?? false),
      connectionsJson: JSON.stringify(connections),
      lastSeenAt: now,
      modifiedAt: now,
    })
    .where(eq(servers.id, existing.id))
    .returning()
    .get();
}

function mergeConnections(old: ServerConnection[], fresh: ServerConnection[]): ServerConnection[] {
  const byUri = new Map(old.map((c) => [c.uri, c]));
  for (const c of fresh) {
    const prev = byUri.get(c.uri);
    byUri.set(
      c.uri,
      prev ? { ...prev, ...c, latencyMs: c.latencyMs ?? prev.latencyMs, ok: c.ok ?? prev.ok } : c,
    );
  }
  return [...byUri.values()];
}

export function parseConnections(json: string): ServerConnection[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as ServerConnection[]) : [];
  } catch {
    return [];
  }
}

export function getServer(db: Db, id: number): ServerRow | undefined {
  return db.select().from(servers).where(eq(servers.id, id)).get();
}

export function getServerByMachineId(db: Db, machineIdentifier: string): ServerRow | undefined {
  return db.select().from(servers).where(eq(servers.machineIdentifier, machineIdentifier)).get();
}

export function listServers(db: Db): ServerRow[] {
  return db.select().from(servers).orderBy(servers.name).all();
}

export function setChosenConnection(
  db: Db,
  id: number,
  uri: string | null,
  latencyMs: number | null,
  connections?: ServerConnection[],
): void {
  db.update(servers)
    .set({
      chosenUri: uri,
      chosenLatencyMs: latencyMs,
      ...(connections ? { connectionsJson: JSON.stringify(connections) } : {}),
      lastSeenAt: uri ? Date.now() : sql`${servers.lastSeenAt}`,
      modifiedAt: Date.now(),
    })
    .where(eq(servers.id, id))
    .run();
}

export function setServerNeedsLogin(db: Db, id: number, needsLogin: boolean): void {
  db.update(servers).set({ needsLogin, modifiedAt: Date.now() }).where(eq(servers.id, id)).run();
}

export function removeServer(db: Db, id: number): void {
  db.delete(servers).where(eq(servers.id, id)).run();
}
