/**
 * `partner_campaign_overrides`: a partner's negotiated commission on one campaign version, always
 * reached through the vendor that owns the campaign. The scope (partner, version, event type) is
 * unique across live AND deleted rows (`uq_partner_campaign_overrides_scope`), so a deleted
 * override is revived in place rather than inserted again.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface OverrideRow {
  partner_campaign_override_id: number;
  partner_id: number;
  campaign_id: number;
  campaign_version_id: number;
  conversion_event_type_id: number | null;
  event_type_name: string | null;
  commission_type: string;
  commission_value: string;
  /** The campaign's currency: a flat value is an amount of it. */
  currency: string;
  notes: string | null;
  valid_from: string | null;
  valid_until: string | null;
  created_at: string;
}

export type OverrideInput = {
  partner_id: number;
  campaign_version_id: number;
  conversion_event_type_id: number | null;
  commission_type: string;
  commission_value: string;
  notes: string | null;
  valid_from: Date;
  valid_until: Date | null;
  now: Date;
};

const columns = `o.partner_campaign_override_id, o.partner_id, cv.campaign_id, o.campaign_version_id, o.conversion_event_type_id,
  t.name AS event_type_name, o.commission_type, o.commission_value, c.currency, o.notes, o.valid_from, o.valid_until, o.created_at`;

const joins = `JOIN campaign_versions cv ON cv.campaign_version_id = o.campaign_version_id
  JOIN campaigns c ON c.campaign_id = cv.campaign_id
  LEFT JOIN conversion_event_types t ON t.conversion_event_type_id = o.conversion_event_type_id`;

/** The row holding this scope, live or deleted (locked), if any. */
export async function findOverrideScope(
  sql: SqlExecutor,
  input: { partner_id: number; campaign_version_id: number; conversion_event_type_id: number | null },
): Promise<{ partner_campaign_override_id: number; is_deleted: boolean } | undefined> {
  const { rows } = await sql.query<{ partner_campaign_override_id: number; is_deleted: boolean }>(
    `SELECT partner_campaign_override_id, COALESCE(is_deleted, FALSE) AS is_deleted FROM partner_campaign_overrides
     WHERE partner_id = :partner_id::integer AND campaign_version_id = :campaign_version_id::integer
       AND conversion_event_type_id IS NOT DISTINCT FROM :conversion_event_type_id::integer
     FOR UPDATE`,
    { partner_id: input.partner_id, campaign_version_id: input.campaign_version_id, conversion_event_type_id: input.conversion_event_type_id },
  );
  return rows[0];
}

export async function insertOverride(sql: SqlExecutor, input: OverrideInput): Promise<number> {
  const { rows } = await sql.query<{ partner_campaign_override_id: number }>(
    `INSERT INTO partner_campaign_overrides (partner_id, campaign_version_id, conversion_event_type_id, commission_type,
       commission_value, notes, valid_from, valid_until, created_at)
     VALUES (:partner_id::integer, :campaign_version_id::integer, :conversion_event_type_id::integer, :commission_type,
       :commission_value::numeric, :notes, :valid_from::timestamptz, :valid_until::timestamptz, :now::timestamptz)
     RETURNING partner_campaign_override_id`,
    { ...input },
  );
  return rows[0]!.partner_campaign_override_id;
}

/** Brings a deleted override of the same scope back with new terms. */
export async function reviveOverride(sql: SqlExecutor, input: OverrideInput & { partner_campaign_override_id: number }): Promise<void> {
  await sql.query(
    `UPDATE partner_campaign_overrides SET commission_type = :commission_type, commission_value = :commission_value::numeric,
       notes = :notes, valid_from = :valid_from::timestamptz, valid_until = :valid_until::timestamptz,
       is_deleted = FALSE, deleted_at = NULL, created_at = :now::timestamptz
     WHERE partner_campaign_override_id = :partner_campaign_override_id::integer`,
    { ...input },
  );
}

/** A live override of one of the vendor's campaigns; undefined for anyone else's. */
export async function findOverride(
  sql: SqlExecutor,
  input: { partner_campaign_override_id: number; vendor_id: number },
): Promise<OverrideRow | undefined> {
  const { rows } = await sql.query<OverrideRow & Record<string, unknown>>(
    `SELECT ${columns} FROM partner_campaign_overrides o ${joins}
     WHERE o.partner_campaign_override_id = :id::integer AND c.vendor_id = :vendor_id::integer
       AND c.is_deleted IS NOT TRUE AND o.is_deleted IS NOT TRUE`,
    { id: input.partner_campaign_override_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

/** Live overrides on one campaign version, newest first; `partner_id` narrows to one partner. */
export async function listOverrides(
  sql: SqlExecutor,
  input: { campaign_version_id: number; partner_id?: number; before_id?: number; limit: number },
): Promise<OverrideRow[]> {
  const { rows } = await sql.query<OverrideRow & Record<string, unknown>>(
    `SELECT ${columns} FROM partner_campaign_overrides o ${joins}
     WHERE o.campaign_version_id = :campaign_version_id::integer AND o.is_deleted IS NOT TRUE
       AND (:partner_id::integer IS NULL OR o.partner_id = :partner_id::integer)
       AND (:before_id::integer IS NULL OR o.partner_campaign_override_id < :before_id::integer)
     ORDER BY o.partner_campaign_override_id DESC LIMIT :limit::integer`,
    { campaign_version_id: input.campaign_version_id, partner_id: input.partner_id ?? null, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}

export async function deleteOverride(sql: SqlExecutor, input: { partner_campaign_override_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE partner_campaign_overrides SET is_deleted = TRUE, deleted_at = :now::timestamptz
     WHERE partner_campaign_override_id = :id::integer`,
    { id: input.partner_campaign_override_id, now: input.now },
  );
}
