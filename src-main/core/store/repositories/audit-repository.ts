// audit_log: what people did (not what the sync did). Details are redacted before storing.
import { and, desc, eq, gte, lt } from 'drizzle-orm';
import { redactValue } from '../../logging/redact';
import type { Db } from '../database';
import { auditLog } from '../schema';

export const AUDIT_ACTIONS = [
  'login',
  'logout',
  'server_added',
  'server_removed',
  'config_changed',
  'manual_sync',
  'errors_resolved',
  'error_retried',
  'undo_run',
  'deletions_confirmed',
  'deletions_kept',
  'cleanup',
  'restore',
  'maintenance',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who did it: the desktop UI, the CLI, or the service acting on a user's standing choice. */
export type AuditActor = 'ui' | 'cli' | 'service' | (string & {});

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: AuditAction;
  details: Record<string, unknown>;
}

export function recordAudit(
  db: Db,
  entry: { actor: AuditActor; action: AuditAction; details?: Record<string, unknown>; at?: number },
): number {
  const row = db
    .insert(auditLog)
    .values({
      actor: entry.actor,
      action: entry.action,
      detailsJson: JSON.stringify(redactValue(entry.details ?? {})),
      ...(entry.at !== undefined ? { at: entry.at } : {}),
    })
    .returning({ id: auditLog.id })
    .get();
  return row.id;
}

export function listAudit(
  db: Db,
  opts: { since?: number; until?: number; action?: AuditAction; limit?: number } = {},
): AuditEntry[] {
  const rows = db
    .select()
    .from(auditLog)
    .where(
      and(
        opts.since !== undefined ? gte(auditLog.at, opts.since) : undefined,
        opts.until !== undefined ? lt(auditLog.at, opts.until) : undefined,
        opts.action ? eq(auditLog.action, opts.action) : undefined,
      ),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(opts.limit ?? 100)
    .all();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action as AuditAction,
    details: JSON.parse(r.detailsJson) as Record<string, unknown>,
  }));
}
