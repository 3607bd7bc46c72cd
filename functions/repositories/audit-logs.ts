/**
 * `audit_logs`: insert-only (the schema's trigger refuses UPDATE and DELETE). Written with the
 * same executor as the change it records, inside the same transaction.
 */
import type { SqlExecutor } from '../ports/sql-executor.js';
import { diffChanges } from '../domain/audit/diff-changes.js';
import type { Actor } from '../platform/http/principal.js';

export interface AuditEntry {
  entity_type: string;
  entity_id: number;
  /** create, update, delete, approve, reject, remove, pause, resume, archive, suspend, activate, rotate, ... */
  action: string;
  actor: Actor;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
  now: Date;
}

export async function writeAuditLog(sql: SqlExecutor, entry: AuditEntry): Promise<void> {
  await sql.query(
    `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, actor_id, changes, reason, ip_address, created_at)
     VALUES (:entity_type, :entity_id::bigint, :action, :actor_type, :actor_id::integer, :changes::jsonb, :reason,
             :ip_address::inet, :now::timestamptz)`,
    {
      entity_type: entry.entity_type,
      entity_id: entry.entity_id,
      action: entry.action,
      actor_type: entry.actor.actor_type,
      actor_id: entry.actor.actor_id,
      changes: diffChanges(entry.before, entry.after) as unknown as Record<string, unknown>,
      reason: entry.reason ?? null,
      ip_address: entry.actor.ip_address,
      now: entry.now,
    },
  );
}

export interface AuditLogRow {
  audit_log_id: number;
  entity_type: string;
  entity_id: number;
  action: string;
  actor_type: string | null;
  actor_id: number | null;
  changes: unknown;
  reason: string | null;
  ip_address: string | null;
  created_at: string;
}

/** Audit rows of one entity, oldest first (used by tests and the audit read route). */
export async function listAuditLogsFor(
  sql: SqlExecutor,
  input: { entity_type: string; entity_id: number },
): Promise<AuditLogRow[]> {
  const { rows } = await sql.query<AuditLogRow & Record<string, unknown>>(
    `SELECT audit_log_id, entity_type, entity_id, action, actor_type, actor_id, changes, reason,
            host(ip_address) AS ip_address, created_at
     FROM audit_logs WHERE entity_type = :entity_type AND entity_id = :entity_id::bigint
     ORDER BY audit_log_id`,
    input,
  );
  return rows;
}
