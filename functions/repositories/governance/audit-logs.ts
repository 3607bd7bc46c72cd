/**
 * `audit_logs`: insert-only (the schema's trigger refuses UPDATE and DELETE). Written with the
 * same executor as the change it records, inside the same transaction.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { diffChanges } from '../../domain/audit/diff-changes.js';
import type { Actor } from '../../domain/audit/actor.js';

export interface AuditEntry {
  entity_type: string;
  entity_id: number;
  /** create, update, delete, approve, reject, remove, pause, resume, archive, suspend, activate, rotate, ... */
  action: string;
  actor: Actor;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  reason?: string | null;
  /** When the change happened; absent: the database's clock (writers with no request clock, e.g. the refund consumer). */
  now?: Date;
}

export async function writeAuditLog(sql: SqlExecutor, entry: AuditEntry): Promise<void> {
  await sql.query(
    `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, actor_id, changes, reason, ip_address, created_at)
     VALUES (:entity_type, :entity_id::bigint, :action, :actor_type, :actor_id::integer, :changes::jsonb, :reason,
             :ip_address::inet, COALESCE(:now::timestamptz, NOW()))`,
    {
      entity_type: entry.entity_type,
      entity_id: entry.entity_id,
      action: entry.action,
      actor_type: entry.actor.actor_type,
      actor_id: entry.actor.actor_id,
      changes: diffChanges(entry.before, entry.after) as unknown as Record<string, unknown>,
      reason: entry.reason ?? null,
      ip_address: entry.actor.ip_address,
      now: entry.now ?? null,
    },
  );
}

/**
 * The audit row of a new API key: its prefix, owner type and expiry (never the secret), with the
 * owner's id where the writer names it (`owner`).
 */
export async function writeApiKeyCreatedAudit(
  sql: SqlExecutor,
  entry: {
    apiKey: { api_key_id: number; key_prefix: string; owner_type: string; expires_at: string };
    owner?: { partner_id: number } | { vendor_user_id: number };
    actor: Actor;
    now: Date;
  },
): Promise<void> {
  const { apiKey } = entry;
  await writeAuditLog(sql, {
    entity_type: 'api_keys',
    entity_id: apiKey.api_key_id,
    action: 'create',
    actor: entry.actor,
    after: { key_prefix: apiKey.key_prefix, owner_type: apiKey.owner_type, ...entry.owner, expires_at: apiKey.expires_at },
    now: entry.now,
  });
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

/** Audit rows of one entity, oldest first (used by tests). */
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

/**
 * The entity types a vendor owns, each with the SQL that says whether row `a.entity_id` belongs
 * to vendor `:vendor`. Everything else (partners, payouts, payment methods, partner types,
 * content pieces, erasures) is the operator's trail only: a partner or a payout is not one
 * vendor's (a payout pays conversions of several vendors).
 */
export const vendorOwnedEntities: Record<string, string> = {
  vendors: `a.entity_id = :vendor::integer`,
  vendor_users: `EXISTS (SELECT 1 FROM vendor_users x WHERE x.vendor_user_id = a.entity_id AND x.vendor_id = :vendor::integer)`,
  api_keys: `EXISTS (SELECT 1 FROM api_keys k JOIN vendor_users x ON x.vendor_user_id = k.vendor_user_id
                     WHERE k.api_key_id = a.entity_id AND x.vendor_id = :vendor::integer)`,
  campaigns: `EXISTS (SELECT 1 FROM campaigns c WHERE c.campaign_id = a.entity_id AND c.vendor_id = :vendor::integer)`,
  campaign_partners: `EXISTS (SELECT 1 FROM campaign_partners cp JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
                              JOIN campaigns c ON c.campaign_id = cv.campaign_id
                              WHERE cp.campaign_partner_id = a.entity_id AND c.vendor_id = :vendor::integer)`,
  partner_links: `EXISTS (SELECT 1 FROM partner_links l JOIN campaign_partners cp ON cp.campaign_partner_id = l.campaign_partner_id
                          JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id JOIN campaigns c ON c.campaign_id = cv.campaign_id
                          WHERE l.partner_link_id = a.entity_id AND c.vendor_id = :vendor::integer)`,
  partner_campaign_overrides: `EXISTS (SELECT 1 FROM partner_campaign_overrides o JOIN campaign_versions cv ON cv.campaign_version_id = o.campaign_version_id
                                       JOIN campaigns c ON c.campaign_id = cv.campaign_id
                                       WHERE o.partner_campaign_override_id = a.entity_id AND c.vendor_id = :vendor::integer)`,
  campaign_milestones: `EXISTS (SELECT 1 FROM campaign_milestones m
                                LEFT JOIN campaign_versions cv ON cv.campaign_version_id = m.campaign_version_id
                                LEFT JOIN campaigns c ON c.campaign_id = cv.campaign_id
                                LEFT JOIN rewards r ON r.reward_id = m.reward_id
                                WHERE m.campaign_milestone_id = a.entity_id AND COALESCE(c.vendor_id, r.vendor_id) = :vendor::integer)`,
  commission_rules: `EXISTS (SELECT 1 FROM commission_rules r WHERE r.commission_rule_id = a.entity_id AND r.vendor_id = :vendor::integer)`,
  rewards: `EXISTS (SELECT 1 FROM rewards r WHERE r.reward_id = a.entity_id AND r.vendor_id = :vendor::integer)`,
  integrations: `EXISTS (SELECT 1 FROM integrations i WHERE i.integration_id = a.entity_id AND i.vendor_id = :vendor::integer)`,
  integration_event_mappings: `EXISTS (SELECT 1 FROM integration_event_mappings m JOIN integrations i ON i.integration_id = m.integration_id
                                       WHERE m.integration_event_mapping_id = a.entity_id AND i.vendor_id = :vendor::integer)`,
  leads: `EXISTS (SELECT 1 FROM leads l WHERE l.lead_id = a.entity_id AND l.vendor_id = :vendor::integer)`,
  conversion_events: `EXISTS (SELECT 1 FROM conversion_events ce WHERE ce.conversion_event_id = a.entity_id AND ce.vendor_id = :vendor::integer)`,
};

const vendorOwnership = `CASE a.entity_type
${Object.entries(vendorOwnedEntities).map(([type, owned]) => `  WHEN '${type}' THEN ${owned}`).join('\n')}
  ELSE FALSE END`;

export interface AuditLogFilter {
  /** Only rows about entities this vendor owns; absent: the whole trail (the operator). */
  vendor_id?: number;
  entity_type?: string;
  entity_id?: number;
  action?: string;
  /** Inclusive lower and exclusive upper bound on `created_at` (ISO). */
  from?: string;
  to?: string;
  /** Keyset: rows with a smaller `audit_log_id` (newest first). */
  before_id?: number;
  limit: number;
}

/**
 * A page of the audit trail, newest first, `limit + 1` rows (the extra one says a next page
 * exists). With `entity_type` and `entity_id` it is one range of `idx_audit_logs_entity`.
 */
export async function listAuditLogs(sql: SqlExecutor, filter: AuditLogFilter): Promise<AuditLogRow[]> {
  const { rows } = await sql.query<AuditLogRow & Record<string, unknown>>(
    `SELECT a.audit_log_id, a.entity_type, a.entity_id, a.action, a.actor_type, a.actor_id, a.changes, a.reason,
            host(a.ip_address) AS ip_address, a.created_at
     FROM audit_logs a
     WHERE (:entity_type::text IS NULL OR a.entity_type = :entity_type::text)
       AND (:entity_id::bigint IS NULL OR a.entity_id = :entity_id::bigint)
       AND (:action::text IS NULL OR a.action = :action::text)
       AND (:from::timestamptz IS NULL OR a.created_at >= :from::timestamptz)
       AND (:to::timestamptz IS NULL OR a.created_at < :to::timestamptz)
       AND (:before_id::bigint IS NULL OR a.audit_log_id < :before_id::bigint)
       AND (:vendor::integer IS NULL OR ${vendorOwnership})
     ORDER BY a.audit_log_id DESC LIMIT :limit::integer`,
    {
      vendor: filter.vendor_id ?? null,
      entity_type: filter.entity_type ?? null,
      entity_id: filter.entity_id ?? null,
      action: filter.action ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
      before_id: filter.before_id ?? null,
      limit: filter.limit + 1,
    },
  );
  return rows;
}
