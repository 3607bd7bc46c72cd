/** A campaign edit as `PATCH /v1/campaigns/{id}` makes it, in one transaction: the next version, enrollments and overrides moved to it. */
import { applyTermsPatch, type CampaignTerms } from '../../functions/domain/campaigns/campaign-terms.js';
import { termsOf } from '../../functions/handlers/api/campaign-views.js';
import type { SqlExecutor } from '../../functions/ports/sql-executor.js';
import { findCampaign, insertCampaignVersion, listTiers, moveToVersion } from '../../functions/repositories/campaigns.js';

/** Returns the new version's id. */
export async function editCampaign(
  sql: SqlExecutor,
  campaignId: number,
  patch: Partial<CampaignTerms>,
  now = new Date('2024-03-16T00:00:00Z'),
): Promise<number> {
  return sql.transaction(async (tx) => {
    const campaign = (await findCampaign(tx, { campaign_id: campaignId, forUpdate: true }))!;
    const { next } = applyTermsPatch(termsOf(campaign, await listTiers(tx, [campaign.campaign_version_id])), patch);
    const versionId = await insertCampaignVersion(tx, { campaign_id: campaignId, version_number: campaign.version_number + 1, terms: next, now });
    await moveToVersion(tx, { campaign_id: campaignId, to_version_id: versionId, now });
    return versionId;
  });
}
