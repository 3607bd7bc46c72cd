/**
 * Campaign edits must not lose money (docs/campaign-edits-and-events.md). A PATCH makes a new
 * version and moves enrollments, overrides and links to it; a sale on a click made before the
 * edit is priced on the clicked version's terms, keeps the partner's override (it follows the
 * enrollment), counts in the enrollment's totals, and rebuild-totals agrees with all of it.
 */
import { describe, expect, it } from 'vitest';
import type { CampaignTerms } from '../../../functions/domain/campaigns/campaign-terms.js';
import { rebuildTotals } from '../../../functions/use-cases/rebuild-totals.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import { editCampaign } from '../../support/fixtures/edit-campaign.js';
import { seedOverride, seedProgram, type SeededProgram } from '../../support/fixtures/seed.js';
import { conversionOf, useHarness } from '../../support/platform/attribute-conversions-harness.js';
import { refund, sale } from '../../support/messages/conversions.js';

async function enrollmentTotals(sql: SqlExecutor, partnerId: number, campaignId: number) {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT cp.campaign_version_id, cp.total_conversions, cp.total_revenue::text AS revenue, cp.total_commission_earned::text AS commission
     FROM campaign_partners cp JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
     WHERE cp.partner_id = :p::integer AND cv.campaign_id = :c::integer`,
    { p: partnerId, c: campaignId },
  );
  return rows;
}

describe('attribute-conversions: a campaign edit between a click and its sale', () => {
  const h = useHarness();

  async function clickThenEdit(program: SeededProgram, patch: Partial<CampaignTerms>) {
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const v2 = await editCampaign(h.sql, program.campaignId, patch);
    return { click, v2 };
  }

  it("keeps the partner's override: it follows the enrollment to the new version and applies to a click on the old one", async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const partner = program.partners[0]!;
    await seedOverride(h.sql, { partnerId: partner.partnerId, campaignVersionId: program.campaignVersionId, type: 'percentage', value: '25.00' });
    const { click } = await clickThenEdit(program, { default_commission_value: '5.00' });
    const message = sale(program.vendorId, { click_id: click.click_id, event_value: '100.00' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const row = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    // $100 at the negotiated 25 % = $25.00 (not the clicked version's 10 %, not the new 5 %).
    expect(row).toMatchObject({ commission_amount: '25.00', commission_type: 'percentage', commission_value: '25.00', campaign_version_id: program.campaignVersionId });
    expect((row.metadata as { attribution_details: { commission_source: string } }).attribution_details.commission_source).toBe('override');
  });

  it("prices a sale on the clicked version's terms, and a click after the edit on the new terms", async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const { click, v2 } = await clickThenEdit(program, { default_commission_value: '5.00' });
    const before = sale(program.vendorId, { click_id: click.click_id, event_value: '200.00' });
    const link = { ...program.partners[0]!.links[0]!, campaign_version_id: v2 };
    const later = await h.click(link, '2024-03-17T10:00:00.000Z');
    const after = sale(program.vendorId, { click_id: later.click_id, event_value: '200.00', occurred_at: '2024-03-18T11:00:00.000Z' });
    expect((await h.run([before, after])).batchItemFailures).toEqual([]);
    // $200 x 10 % (version 1) = $20.00; $200 x 5 % (version 2) = $10.00.
    expect(await conversionOf(h.sql, program.vendorId, before.transaction_id)).toMatchObject({ commission_amount: '20.00', campaign_version_id: program.campaignVersionId });
    expect(await conversionOf(h.sql, program.vendorId, after.transaction_id)).toMatchObject({ commission_amount: '10.00', campaign_version_id: v2 });
    expect(await enrollmentTotals(h.sql, program.partners[0]!.partnerId, program.campaignId)).toEqual([
      { campaign_version_id: v2, total_conversions: 2, revenue: '400.000', commission: '30.000' },
    ]);
  });

  it("counts the sale and its refund in the enrollment's totals, and rebuild-totals leaves them as they are", async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const partner = program.partners[0]!;
    const { click, v2 } = await clickThenEdit(program, { default_commission_value: '5.00' });
    const message = sale(program.vendorId, { click_id: click.click_id, event_value: '100.00' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    // $100 x 10 % = $10.00, on the enrollment (now on version 2).
    expect(await enrollmentTotals(h.sql, partner.partnerId, program.campaignId)).toEqual([
      { campaign_version_id: v2, total_conversions: 1, revenue: '100.000', commission: '10.000' },
    ]);
    // A $40 partial refund: net $60, commission $6.00.
    expect((await h.run([refund(program.vendorId, message.transaction_id, { amount: '40.00' })])).batchItemFailures).toEqual([]);
    const live = await enrollmentTotals(h.sql, partner.partnerId, program.campaignId);
    expect(live).toEqual([{ campaign_version_id: v2, total_conversions: 1, revenue: '60.000', commission: '6.000' }]);

    const rebuilt = await rebuildTotals({ sql: h.sql, input: { campaign_version_ids: [program.campaignVersionId] } });
    expect(rebuilt.fixed).toEqual([]);
    expect(await enrollmentTotals(h.sql, partner.partnerId, program.campaignId)).toEqual(live);
  });

  it('rebuild-totals restores an edited campaign from its facts (clicks and conversions of every version)', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const partner = program.partners[0]!;
    const { click } = await clickThenEdit(program, { default_commission_value: '5.00' });
    const message = sale(program.vendorId, { click_id: click.click_id, event_value: '80.00' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const { funnel_journey_id: journeyId } = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    await h.sql.query(
      `UPDATE campaign_partners SET total_clicks = 0, total_conversions = 0, total_revenue = 0, total_commission_earned = 0
       WHERE campaign_partner_id = :id::integer`,
      { id: partner.campaignPartnerId },
    );
    await h.sql.query(`UPDATE funnel_journeys SET total_commission = 99 WHERE funnel_journey_id = :id::integer`, { id: journeyId });
    const rebuilt = await rebuildTotals({ sql: h.sql, input: { campaign_version_ids: [program.campaignVersionId] } });
    expect(rebuilt.fixed.filter((f) => f.campaign_partner_id === partner.campaignPartnerId).map((f) => f.after)).toEqual([
      // One click, one sale of $80.00 at version 1's 10 % = $8.00.
      { total_clicks: 1, total_conversions: 1, total_revenue: '80.00', total_commission_earned: '8.00' },
    ]);
    expect(rebuilt.journeys_fixed).toEqual([{ funnel_journey_id: journeyId, before: '99.00', after: '8.00' }]);
  });
});
