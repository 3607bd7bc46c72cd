/**
 * `commission_rules`, always reached through the owning vendor (0003's `vendor_id`); a rule may
 * be limited to one of the vendor's campaign versions. Conditions and actions are stored as
 * validated by `commissionRuleSchema` (the engine re-parses them the same way).
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface CommissionRuleRow {
  commission_rule_id: number;
  vendor_id: number;
  campaign_version_id: number | null;
  campaign_id: number | null;
  name: string;
  description: string | null;
  active: boolean;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
  valid_from: string | null;
  valid_until: string | null;
  created_at: string;
}

export type CommissionRuleFields = {
  campaign_version_id: number | null;
  name: string;
  description: string | null;
  active: boolean;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
  valid_from: Date | string | null;
  valid_until: Date | string | null;
};

const columns = `r.commission_rule_id, r.vendor_id, r.campaign_version_id, cv.campaign_id, r.name, r.description,
  COALESCE(r.active, TRUE) AS active, r.conditions, r.actions, r.valid_from, r.valid_until, r.created_at`;

/** One of the vendor's campaign versions (any version, not only the current one). */
export async function findVendorCampaignVersion(
  sql: SqlExecutor,
  input: { campaign_version_id: number; vendor_id: number },
): Promise<{ campaign_version_id: number; campaign_id: number } | undefined> {
  const { rows } = await sql.query<{ campaign_version_id: number; campaign_id: number }>(
    `SELECT cv.campaign_version_id, cv.campaign_id FROM campaign_versions cv JOIN campaigns c ON c.campaign_id = cv.campaign_id
     WHERE cv.campaign_version_id = :id::integer AND c.vendor_id = :vendor_id::integer AND c.is_deleted IS NOT TRUE`,
    { id: input.campaign_version_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

export async function insertCommissionRule(
  sql: SqlExecutor,
  input: CommissionRuleFields & { vendor_id: number; now: Date },
): Promise<number> {
  const { rows } = await sql.query<{ commission_rule_id: number }>(
    `INSERT INTO commission_rules (vendor_id, campaign_version_id, name, description, active, conditions, actions,
       valid_from, valid_until, created_at)
     VALUES (:vendor_id::integer, :campaign_version_id::integer, :name, :description, :active::boolean, :conditions::jsonb,
       :actions::jsonb, COALESCE(:valid_from::timestamptz, :now::timestamptz), :valid_until::timestamptz, :now::timestamptz)
     RETURNING commission_rule_id`,
    { ...input },
  );
  return rows[0]!.commission_rule_id;
}

export async function updateCommissionRule(sql: SqlExecutor, input: CommissionRuleFields & { commission_rule_id: number }): Promise<void> {
  await sql.query(
    `UPDATE commission_rules SET campaign_version_id = :campaign_version_id::integer, name = :name, description = :description,
       active = :active::boolean, conditions = :conditions::jsonb, actions = :actions::jsonb,
       valid_from = :valid_from::timestamptz, valid_until = :valid_until::timestamptz
     WHERE commission_rule_id = :commission_rule_id::integer`,
    { ...input },
  );
}

/** A live rule of the vendor; undefined for anyone else's. */
export async function findCommissionRule(
  sql: SqlExecutor,
  input: { commission_rule_id: number; vendor_id: number; forUpdate?: boolean },
): Promise<CommissionRuleRow | undefined> {
  const { rows } = await sql.query<CommissionRuleRow & Record<string, unknown>>(
    `SELECT ${columns} FROM commission_rules r LEFT JOIN campaign_versions cv ON cv.campaign_version_id = r.campaign_version_id
     WHERE r.commission_rule_id = :id::integer AND r.vendor_id = :vendor_id::integer AND r.is_deleted IS NOT TRUE
     ${input.forUpdate ? 'FOR UPDATE OF r' : ''}`,
    { id: input.commission_rule_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

export async function listCommissionRules(
  sql: SqlExecutor,
  input: { vendor_id: number; campaign_version_id?: number; active?: boolean; before_id?: number; limit: number },
): Promise<CommissionRuleRow[]> {
  const { rows } = await sql.query<CommissionRuleRow & Record<string, unknown>>(
    `SELECT ${columns} FROM commission_rules r LEFT JOIN campaign_versions cv ON cv.campaign_version_id = r.campaign_version_id
     WHERE r.vendor_id = :vendor_id::integer AND r.is_deleted IS NOT TRUE
       AND (:campaign_version_id::integer IS NULL OR r.campaign_version_id = :campaign_version_id::integer)
       AND (:active::boolean IS NULL OR COALESCE(r.active, TRUE) = :active::boolean)
       AND (:before_id::integer IS NULL OR r.commission_rule_id < :before_id::integer)
     ORDER BY r.commission_rule_id DESC LIMIT :limit::integer`,
    {
      vendor_id: input.vendor_id,
      campaign_version_id: input.campaign_version_id ?? null,
      active: input.active ?? null,
      before_id: input.before_id ?? null,
      limit: input.limit + 1,
    },
  );
  return rows;
}

export async function deleteCommissionRule(sql: SqlExecutor, input: { commission_rule_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE commission_rules SET is_deleted = TRUE, deleted_at = :now::timestamptz WHERE commission_rule_id = :id::integer`,
    { id: input.commission_rule_id, now: input.now },
  );
}
