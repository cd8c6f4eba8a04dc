import { and, eq, isNull, lte } from 'drizzle-orm';
import type { Operation } from '../../../../src-shared/domain';
import type { Db } from '../database';
import { libraries, scheduledOperations } from '../schema';

export type ScheduleRow = typeof scheduledOperations.$inferSelect;

export interface ScheduleWithLibrary extends ScheduleRow {
  libraryTitle: string | null;
  /** Null for database-wide operations. */
  librarySelected: boolean | null;
}

/** Where a schedule's cron came from: config defaults follow config changes, a user's edit stays. */
export type ScheduleSource = 'config' | 'user';

export function scheduleSource(row: Pick<ScheduleRow, 'parametersJson'>): ScheduleSource {
  try {
    const parsed = JSON.parse(row.parametersJson) as { source?: unknown };
    return parsed.source === 'user' ? 'user' : 'config';
  } catch {
    return 'config';
  }
}

function withParameter(json: string, key: string, value: unknown): string {
  let parsed: Record<string, unknown> = {};
  try {
    const value = JSON.parse(json) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value))
      parsed = value as Record<string, unknown>;
  } catch {
    // A damaged parameters column is replaced rather than blocking the schedule.
  }
  return JSON.stringify({ ...parsed, [key]: value });
}

const selectWithLibrary = (db: Db) =>
  db
    .select({
      schedule: scheduledOperations,
      libraryTitle: libraries.title,
      librarySelected: libraries.selected,
    })
    .from(scheduledOperations)
    .leftJoin(libraries, eq(libraries.id, scheduledOperations.libraryId));

const flatten = (r: {
  schedule: ScheduleRow;
  libraryTitle: string | null;
  librarySelected: boolean | null;
}): ScheduleWithLibrary => ({
  ...r.schedule,
  libraryTitle: r.libraryTitle,
  librarySelected: r.librarySelected,
});

export function listSchedules(db: Db): ScheduleWithLibrary[] {
  return selectWithLibrary(db)
    .orderBy(scheduledOperations.libraryId, scheduledOperations.operation)
    .all()
    .map(flatten);
}

export function getSchedule(db: Db, id: number): ScheduleWithLibrary | undefined {
  const row = selectWithLibrary(db).where(eq(scheduledOperations.id, id)).get();
  return row ? flatten(row) : undefined;
}

export function findSchedule(
  db: Db,
  libraryId: number | null,
  operation: Operation,
): ScheduleRow | undefined {
  return db
    .select()
    .from(scheduledOperations)
    .where(
      and(
        libraryId === null
          ? isNull(scheduledOperations.libraryId)
          : eq(scheduledOperations.libraryId, libraryId),
        eq(scheduledOperations.operation, operation),
      ),
    )
    .get();
}

/** Enabled schedules whose time has come, oldest first. */
export function dueSchedules(db: Db, now: number): ScheduleWithLibrary[] {
  return selectWithLibrary(db)
    .where(and(eq(scheduledOperations.enabled, true), lte(scheduledOperations.nextRunAt, now)))
    .orderBy(scheduledOperations.nextRunAt)
    .all()
    .map(flatten);
}

export function insertSchedule(
  db: Db,
  s: {
    libraryId: number | null;
    operation: Operation;
    cron: string;
    jitterSeconds: number;
    nextRunAt: number | null;
  },
): ScheduleRow {
  return db
    .insert(scheduledOperations)
    .values({
      libraryId: s.libraryId,
      operation: s.operation,
      cron: s.cron,
      jitterSeconds: s.jitterSeconds,
      nextRunAt: s.nextRunAt,
      parametersJson: JSON.stringify({ source: 'config' satisfies ScheduleSource }),
    })
    .returning()
    .get();
}

export function updateSchedule(
  db: Db,
  id: number,
  patch: { cron?: string; enabled?: boolean; nextRunAt?: number | null; source?: ScheduleSource },
): void {
  const current = db.select().from(scheduledOperations).where(eq(scheduledOperations.id, id)).get();
  if (!current) return;
  db.update(scheduledOperations)
    .set({
      ...(patch.cron !== undefined ? { cron: patch.cron } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.nextRunAt !== undefined ? { nextRunAt: patch.nextRunAt } : {}),
      ...(patch.source !== undefined
        ? { parametersJson: withParameter(current.parametersJson, 'source', patch.source) }
        : {}),
      modifiedAt: Date.now(),
    })
    .where(eq(scheduledOperations.id, id))
    .run();
}

export function setScheduleNextRun(db: Db, id: number, nextRunAt: number | null): void {
  db.update(scheduledOperations).set({ nextRunAt }).where(eq(scheduledOperations.id, id)).run();
}

export function recordScheduleRun(db: Db, id: number, at: number, status: string): void {
  db.update(scheduledOperations)
    .set({ lastRunAt: at, lastStatus: status })
    .where(eq(scheduledOperations.id, id))
    .run();
}

/** The earliest enabled next run per library, for health and the library list. */
export function nextRunByLibrary(db: Db): Map<number, number> {
  const result = new Map<number, number>();
  const rows = db
    .select({ libraryId: scheduledOperations.libraryId, nextRunAt: scheduledOperations.nextRunAt })
    .from(scheduledOperations)
    .where(eq(scheduledOperations.enabled, true))
    .all();
  for (const r of rows) {
    if (r.libraryId === null || r.nextRunAt === null) continue;
    const prev = result.get(r.libraryId);
    if (prev === undefined || r.nextRunAt < prev) result.set(r.libraryId, r.nextRunAt);
  }
  return result;
}
