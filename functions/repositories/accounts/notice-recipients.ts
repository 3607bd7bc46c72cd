/** What a notice to a partner needs to know: where to send it and the names it mentions. */
import type { SqlExecutor } from '../../ports/sql-executor.js';

export async function findPartnerContact(sql: SqlExecutor, partnerId: number): Promise<{ email: string; name: string } | undefined> {
  const { rows } = await sql.query<{ email: string; name: string }>(
    `SELECT email, name FROM partners WHERE partner_id = :id::integer AND is_deleted IS NOT TRUE`,
    { id: partnerId },
  );
  return rows[0];
}

/** The campaign's current name (names live on its versions). */
export async function findCampaignName(sql: SqlExecutor, campaignId: number): Promise<string | undefined> {
  const { rows } = await sql.query<{ name: string }>(
    `SELECT cv.name FROM campaigns c JOIN campaign_versions cv ON cv.campaign_version_id = c.current_campaign_version_id
     WHERE c.campaign_id = :id::integer`,
    { id: campaignId },
  );
  return rows[0]?.name;
}
