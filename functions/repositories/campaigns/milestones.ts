/**
 * `campaign_milestones`: targets on one campaign version (e.g. 100 sales) that pay a reward,
 * reached through the vendor owning the campaign. `event_type` is a conversion event type name
 * (the attribution engine joins on it).
 */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export interface MilestoneRow {
  campaign_milestone_id: number;
  campaign_id: number;
  campaign_version_id: number;
  reward_id: number | null;
  name: string;
  description: string | null;
  event_type: string | null;
  target_count: number | null;
  created_at: string;
  updated_at: string;
}

export type MilestoneFields = {
  reward_id: number | null;
  name: string;
  description: string | null;
  event_type: string;
  target_count: number;
};

const columns = `m.campaign_milestone_id, cv.campaign_id, m.campaign_version_id, m.reward_id, m.name, m.description, m.event_type,
  m.target_count, m.created_at, m.updated_at`;
const joins = `JOIN campaign_versions cv ON cv.campaign_version_id = m.campaign_version_id JOIN campaigns c ON c.campaign_id = cv.campaign_id`;

export async function insertMilestone(sql: SqlExecutor, input: MilestoneFields & { campaign_version_id: number; now: Date }): Promise<number> {
  const { rows } = await sql.query<{ campaign_milestone_id: number }>(
    `INSERT INTO campaign_milestones (campaign_version_id, reward_id, name, description, event_type, target_count, created_at, updated_at)
     VALUES (:campaign_version_id::integer, :reward_id::integer, :name, :description, :event_type, :target_count::integer,
       :now::timestamptz, :now::timestamptz)
     RETURNING campaign_milestone_id`,
    { ...input },
  );
  return rows[0]!.campaign_milestone_id;
}

export async function updateMilestone(sql: SqlExecutor, input: MilestoneFields & { campaign_milestone_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE campaign_milestones SET reward_id = :reward_id::integer, name = :name, description = :description, event_type = :event_type,
       target_count = :target_count::integer, updated_at = :now::timestamptz
     WHERE campaign_milestone_id = :campaign_milestone_id::integer`,
    { ...input },
  );
}

/** A live milestone of one of the vendor's campaigns; undefined for anyone else's. */
export async function findMilestone(
  sql: SqlExecutor,
  input: { campaign_milestone_id: number; vendor_id: number; forUpdate?: boolean },
): Promise<MilestoneRow | undefined> {
  const { rows } = await sql.query<MilestoneRow & Record<string, unknown>>(
    `SELECT ${columns} FROM campaign_milestones m ${joins}
     WHERE m.campaign_milestone_id = :id::integer AND c.vendor_id = :vendor_id::integer
       AND c.is_deleted IS NOT TRUE AND m.is_deleted IS NOT TRUE
     ${input.forUpdate ? 'FOR UPDATE OF m' : ''}`,
    { id: input.campaign_milestone_id, vendor_id: input.vendor_id },
  );
  return rows[0];
}

/** Live milestones of one campaign version, in target order. */
export async function listMilestones(sql: SqlExecutor, input: { campaign_version_id: number }): Promise<MilestoneRow[]> {
  const { rows } = await sql.query<MilestoneRow & Record<string, unknown>>(
    `SELECT ${columns} FROM campaign_milestones m ${joins}
     WHERE m.campaign_version_id = :campaign_version_id::integer AND m.is_deleted IS NOT TRUE
     ORDER BY m.target_count, m.campaign_milestone_id`,
    { ...input },
  );
  return rows;
}

export async function deleteMilestone(sql: SqlExecutor, input: { campaign_milestone_id: number; now: Date }): Promise<void> {
  await sql.query(
    `UPDATE campaign_milestones SET is_deleted = TRUE, deleted_at = :now::timestamptz, updated_at = :now::timestamptz
     WHERE campaign_milestone_id = :id::integer`,
    { id: input.campaign_milestone_id, now: input.now },
  );
}
