/**
 * Real concurrency on a real PostgreSQL 15 (PGlite runs one transaction at a time): many
 * consumers racing on one conversion, and on one partner's tier and milestone, still write one
 * conversion, exact totals and one bonus. Skipped, visibly, when no PostgreSQL answers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isPostgresReachable, postgresServerUrl } from '../../support/database/test-database.js';
import { seedMilestone, seedProgram, seedReward } from '../../support/fixtures/seed.js';
import { startHarness, type Harness } from '../../support/platform/attribute-conversions-harness.js';
import { sale } from '../../support/messages/conversions.js';
import { expectBalanced } from '../../support/books/reconcile.js';

const reachable = await isPostgresReachable(postgresServerUrl);

describe.skipIf(!reachable)(`attribute-conversions under concurrency on PostgreSQL (${postgresServerUrl})`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ engine: 'postgres', serverUrl: postgresServerUrl });
  // Every scenario leaves the books balanced: touches = commission, payout events = payouts.
  afterEach(async () => {
    await expectBalanced(h.sql);
  });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('20 concurrent deliveries of one sale make one conversion; 10 concurrent sales of one partner fire the milestone once', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const reward = await seedReward(h.sql, { vendorId: program.vendorId, type: 'flat', value: '25.00' });
    await seedMilestone(h.sql, { campaignVersionId: program.campaignVersionId, rewardId: reward, eventType: 'sale', targetCount: 5 });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');

    const one = sale(program.vendorId, { click_id: click.click_id, source: 'stripe', provider_event_id: `evt_${crypto.randomUUID()}` });
    const copies = await Promise.all(Array.from({ length: 20 }, () => h.run([{ ...one, provider_event_id: `evt_${crypto.randomUUID()}` }])));
    const distinct = Array.from({ length: 10 }, (_, i) => sale(program.vendorId, { click_id: click.click_id, occurred_at: `2024-03-18T10:0${i}:00.000Z` }));
    const sales = await Promise.all(distinct.map((message) => h.run([message])));
    // A transient failure (deadlock victim) would be retried by SQS; none is expected here.
    expect([...copies, ...sales].flatMap((r) => r.batchItemFailures)).toEqual([]);

    const counts = await h.sql.query(
      `SELECT count(*) FILTER (WHERE (metadata ->> 'milestone_bonus') IS NULL)::integer AS sales,
              count(*) FILTER (WHERE (metadata ->> 'milestone_bonus') = 'true')::integer AS bonuses,
              sum(commission_amount)::text AS commission
       FROM conversion_events WHERE vendor_id = :v::integer`,
      { v: program.vendorId },
    );
    expect(counts.rows[0]).toEqual({ sales: 11, bonuses: 1, commission: '135.000' });
    const totals = await h.sql.query(`SELECT total_conversions, total_revenue, total_commission_earned FROM campaign_partners WHERE campaign_version_id = :v::integer`, {
      v: program.campaignVersionId,
    });
    expect(totals.rows).toEqual([{ total_conversions: 11, total_revenue: '1100.000', total_commission_earned: '135.000' }]);
  });
});
