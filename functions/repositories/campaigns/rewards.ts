/**
 * `rewards`, always reached through the owning vendor (0003's `vendor_id`). Milestones and tiers
 * reference them; a deleted reward keeps its row so those references stay readable.
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface RewardRow {
  reward_id: number;
  vendor_id: number;
  name: string;
  reward_type: string;
  reward_value: string | null;
  created_at: string;
  updated_at: string;
}

const columns = `reward_id, vendor_id, name, reward_type, reward_value, created_at, updated_at`;

export async function insertReward(
  sql: SqlExecutor,
  input: { vendor_id: number; name: string; reward_type: string; reward_value: string; now: Date },
): Promise<number> {
  const { rows } = await sql.query<{ reward_id: number }>(
    `INSERT INTO rewards (vendor_id, name, reward_type, reward_value, created_at, updated_at)
     VALUES (:vendor_id::integer, :name, :reward_type, :reward_value::numeric, :now::timestamptz, :now::timestamptz)
     RETURNING reward_id`,
    { ...input },
  );
  return rows[0]!.reward_id;
}

export async function updateReward(
  sql: SqlExecutor,
  input: { reward_id: number; name: string; reward_type: string; reward_value: string | null; now: Date },
): Promise<void> {
  await sql.query(
    `UPDATE rewards SET name = :name, reward_type = :reward_type, reward_value = :reward_value::numeric, updated_at = :now::timestamptz
     WHERE reward_id = :reward_id::integer`,
    { ...input },
  );
}

/** A live reward of the vendor; undefined for anyone else's. */
export async function findReward(
  sql: SqlExecutor,
  input: { reward_id: number; vendor_id: number; forUpdate?: boolean },
): Promise<RewardRow | undefined> {
  const { rows } = await sql.query<RewardRow & Record<string, unknown>>(
    `SELECT ${columns} FROM rewards WHERE reward_id = :id::integer AND vendor_id = :vendor_id::integer AND is_deleted IS NOT TRUE
     ${input.forUpdate ? 'FOR UPDATE' : ''}`,
    { id: input.reward_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

export async function listRewards(
  sql: SqlExecutor,
  input: { vendor_id: number; before_id?: number; limit: number },
): Promise<RewardRow[]> {
  const { rows } = await sql.query<RewardRow & Record<string, unknown>>(
    `SELECT ${columns} FROM rewards
     WHERE vendor_id = :vendor_id::integer AND is_deleted IS NOT TRUE
       AND (:before_id::integer IS NULL OR reward_id < :before_id::integer)
     ORDER BY reward_id DESC LIMIT :limit::integer`,
    { vendor_id: input.vendor_id, before_id: input.before_id ?? null, limit: input.limit + 1 },
  );
  return rows;
}

export async function deleteReward(sql: SqlExecutor, input: { reward_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE rewards SET is_deleted = TRUE, deleted_at = :now::timestamptz, updated_at = :now::timestamptz WHERE reward_id = :id::integer`,
    { id: input.reward_id, now: input.now },
  );
}
