import { desc, eq } from 'drizzle-orm';
import type { ErrorClass } from '../../../../src-shared/domain';
import type { Db } from '../database';
import { syncErrors, syncServices } from '../schema';

export type ServiceRow = typeof syncServices.$inferSelect;
export type ServiceStatus = ServiceRow['status'];

/** What the service publishes about itself in config_json: its settings and where to reach it. */
export interface ServicePublished {
  healthPort?: number | null;
  /** Bearer token for the full answer of the health endpoint (the database file is the user's own, 0600). */
  healthToken?: string | null;
  concurrentScans?: number;
  livePush?: boolean;
  refreshIntervalHours?: number;
  deepScanIntervalDays?: number;
}

export function getService(db: Db, name: string): ServiceRow | undefined {
  return db.select().from(syncServices).where(eq(syncServices.name, name)).get();
}

export function parsePublished(row: Pick<ServiceRow, 'configJson'>): ServicePublished {
  try {
    const value = JSON.parse(row.configJson) as unknown;
    return value && typeof value === 'object' ? (value as ServicePublished) : {};
  } catch {
    return {};
  }
}

/** Inserts or takes over the service's row for a new process. */
export function registerService(
  db: Db,
  s: { name: string; pid: number; hostname: string; version: string; config: ServicePublished; now: number },
): ServiceRow {
  const values = {
    status: 'starting' as const,
    pid: s.pid,
    hostname: s.hostname,
    version: s.version,
    configJson: JSON.stringify(s.config),
    startedAt: s.now,
    heartbeatAt: s.now,
    stoppedAt: null,
  };
  return db
    .insert(syncServices)
    .values({ name: s.name, ...values })
    .onConflictDoUpdate({ target: syncServices.name, set: values })
    .returning()
    .get();
}

export function setServiceStatus(db: Db, name: string, status: ServiceStatus, now: number): void {
  db.update(syncServices)
    .set({
      status,
      heartbeatAt: now,
      ...(status === 'stopped' || status === 'crashed' ? { stoppedAt: now } : {}),
    })
    .where(eq(syncServices.name, name))
    .run();
}

export function heartbeatService(db: Db, name: string, now: number): void {
  db.update(syncServices).set({ heartbeatAt: now }).where(eq(syncServices.name, name)).run();
}

export function publishServiceConfig(db: Db, name: string, config: ServicePublished): void {
  db.update(syncServices)
    .set({ configJson: JSON.stringify(config) })
    .where(eq(syncServices.name, name))
    .run();
}

/** The class of the last error a run recorded: why a failed run failed. */
export function lastRunErrorClass(db: Db, runId: number): ErrorClass | null {
  return (
    db
      .select({ errorClass: syncErrors.errorClass })
      .from(syncErrors)
      .where(eq(syncErrors.runId, runId))
      .orderBy(desc(syncErrors.id))
      .limit(1)
      .get()?.errorClass ?? null
  );
}
