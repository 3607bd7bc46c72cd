/**
 * `partner_types` (operator-managed catalogue: influencer, coupon site, ...) and
 * `partner_partner_types` (which types a partner says it is). The name is unique across live and
 * deleted types (the dictionary's UNIQUE).
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface PartnerTypeRow {
  partner_type_id: number;
  name: string;
  description: string | null;
  created_at: string;
}

const columns = `partner_type_id, name, description, created_at`;

export async function insertPartnerType(sql: SqlExecutor, input: { name: string; description: string | null; now: Date }): Promise<number> {
  const { rows } = await sql.query<{ partner_type_id: number }>(
    `INSERT INTO partner_types (name, description, created_at) VALUES (:name, :description, :now::timestamptz) RETURNING partner_type_id`,
    { ...input },
  );
  return rows[0]!.partner_type_id;
}

export async function updatePartnerType(sql: SqlExecutor, input: { partner_type_id: number; name: string; description: string | null }): Promise<void> {
  await sql.query(`UPDATE partner_types SET name = :name, description = :description WHERE partner_type_id = :partner_type_id::integer`, { ...input });
}

export async function findPartnerType(sql: SqlExecutor, input: { partner_type_id: number; forUpdate?: boolean }): Promise<PartnerTypeRow | undefined> {
  const { rows } = await sql.query<PartnerTypeRow & Record<string, unknown>>(
    `SELECT ${columns} FROM partner_types WHERE partner_type_id = :id::integer AND is_deleted IS NOT TRUE ${input.forUpdate ? 'FOR UPDATE' : ''}`,
    { id: input.partner_type_id },
  );
  return rows[0];
}

/** Every live type, by name (a short catalogue: no pagination). */
export async function listPartnerTypes(sql: SqlExecutor): Promise<PartnerTypeRow[]> {
  const { rows } = await sql.query<PartnerTypeRow & Record<string, unknown>>(
    `SELECT ${columns} FROM partner_types WHERE is_deleted IS NOT TRUE ORDER BY name`,
  );
  return rows;
}

/** Soft-deletes the type and unassigns it from every partner. */
export async function deletePartnerType(sql: SqlExecutor, input: { partner_type_id: number; now: Date }): Promise<void> {
  await sql.query(`DELETE FROM partner_partner_types WHERE partner_type_id = :id::integer`, { id: input.partner_type_id });
  await sql.query(
    `UPDATE partner_types SET is_deleted = TRUE, deleted_at = :now::timestamptz WHERE partner_type_id = :id::integer`,
    { id: input.partner_type_id, now: input.now },
  );
}

/** The live types assigned to a partner, by name. */
export async function listAssignedTypes(sql: SqlExecutor, partnerId: number): Promise<PartnerTypeRow[]> {
  const { rows } = await sql.query<PartnerTypeRow & Record<string, unknown>>(
    `SELECT t.partner_type_id, t.name, t.description, t.created_at
     FROM partner_partner_types ppt JOIN partner_types t ON t.partner_type_id = ppt.partner_type_id
     WHERE ppt.partner_id = :partner_id::integer AND t.is_deleted IS NOT TRUE ORDER BY t.name`,
    { partner_id: partnerId },
  );
  return rows;
}

/** Replaces the partner's types with exactly `partner_type_ids` (all live; checked by the caller). */
export async function replaceAssignedTypes(sql: SqlExecutor, input: { partner_id: number; partner_type_ids: number[]; now: Date }): Promise<void> {
  await sql.query(
    `DELETE FROM partner_partner_types WHERE partner_id = :partner_id::integer AND NOT (partner_type_id = ANY(:ids::integer[]))`,
    { partner_id: input.partner_id, ids: input.partner_type_ids },
  );
  await sql.query(
    `INSERT INTO partner_partner_types (partner_id, partner_type_id, assigned_at)
     SELECT :partner_id::integer, id, :now::timestamptz FROM unnest(:ids::integer[]) AS id
     ON CONFLICT (partner_id, partner_type_id) DO NOTHING`,
    { partner_id: input.partner_id, ids: input.partner_type_ids, now: input.now },
  );
}
