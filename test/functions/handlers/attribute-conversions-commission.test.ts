import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { describe, expect, it } from 'vitest';
import { notificationIdFor } from '../../../functions/domain/notifications/index.js';
import { notificationMessageSchema } from '../../../functions/ports/notification-message.js';
import { findConversionForVendor } from '../../../functions/repositories/conversions/conversions-read.js';
import { seedMilestone, seedOverride, seedProgram, seedReward, seedRule } from '../../support/fixtures/seed.js';
import { conversionOf, useHarness } from '../../support/platform/attribute-conversions-harness.js';
import { sale } from '../../support/messages/conversions.js';

describe('attribute-conversions: commission precedence, fraud, idempotency', () => {
  const h = useHarness();

  async function oneClickSale(program: Awaited<ReturnType<typeof seedProgram>>, overrides: Parameters<typeof sale>[1] = {}) {
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const message = sale(program.vendorId, { click_id: click.click_id, ...overrides });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    return (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
  }

  it('override > rule > tier > version default > event type default, each visible in the row', async () => {
    // Override: 25 % for this partner beats the rule and the default.
    const overridden = await seedProgram(h.sql, { partners: 1 });
    await seedOverride(h.sql, { partnerId: overridden.partners[0]!.partnerId, campaignVersionId: overridden.campaignVersionId, type: 'percentage', value: '25.00' });
    await seedRule(h.sql, { vendorId: overridden.vendorId, conditions: { min_event_value: 50 }, actions: { bonus_flat: 5 } });
    const o = await oneClickSale(overridden);
    expect(o).toMatchObject({ commission_amount: '25.00', commission_type: 'percentage', commission_value: '25.00', applied_commission_rule_id: null });
    expect((o.metadata as { attribution_details: { commission_source: string } }).attribution_details.commission_source).toBe('override');

    // Rule: x1.5 and +$10 on the version default: 10 % of $100 x 1.5 + 10 = $25.00.
    const ruled = await seedProgram(h.sql, { partners: 1 });
    const ruleId = await seedRule(h.sql, {
      vendorId: ruled.vendorId,
      conditions: { min_event_value: 50, event_types: ['sale'] },
      actions: { commission_multiplier: 1.5, bonus_flat: 10 },
    });
    const r = await oneClickSale(ruled);
    expect(r).toMatchObject({ commission_amount: '25.00', applied_commission_rule_id: ruleId });
    // What the vendor API reads back as the conversion's commission basis ("why did I get $25?").
    const read = await findConversionForVendor(h.sql, { vendor_id: ruled.vendorId, conversion_event_id: Number(r.conversion_event_id) });
    expect(read).toMatchObject({ commission_source: 'rule', applied_commission_rule_id: ruleId, reward_id: null, campaign_tier_id: null });
    expect(read!.commission_explanation).toBe(`Rule #${ruleId} on campaign default: 10.00% of $100.00, x1.5, + $10.00 bonus = $25.00.`);

    // Tier by the partner's revenue this month: $0 so far -> Bronze 5 %; after $1000 -> Silver flat $20.
    const reward = await seedReward(h.sql, { vendorId: ruled.vendorId, type: 'percentage', value: '5.00' });
    const tiered = await seedProgram(h.sql, {
      partners: 1,
      version: {
        defaultCommissionType: 'tiered',
        defaultCommissionValue: null,
        tiers: [
          { label: 'Bronze', min: '0', max: '1000', type: 'percentage', value: '5.00', rewardId: reward },
          { label: 'Silver', min: '1000', max: '5000', type: 'flat', value: '20.00' },
        ],
      },
    });
    const t1 = await oneClickSale(tiered, { event_value: '1000.00', occurred_at: '2024-03-16T10:00:00.000Z' });
    expect(t1).toMatchObject({ commission_amount: '50.00', commission_type: 'percentage', reward_id: reward });
    const tierRead = await findConversionForVendor(h.sql, { vendor_id: tiered.vendorId, conversion_event_id: Number(t1.conversion_event_id) });
    expect(tierRead).toMatchObject({ commission_source: 'tier', reward_id: reward, applied_commission_rule_id: null });
    expect(tierRead!.campaign_tier_id).toMatch(/^\d+$/);
    expect(tierRead!.commission_explanation).toMatch(/^Tier "Bronze" #\d+ .*: 5\.00% of \$1000\.00 = \$50\.00\.$/);
    const t2 = await oneClickSale(tiered, { event_value: '10.00', occurred_at: '2024-03-17T10:00:00.000Z' });
    expect(t2).toMatchObject({ commission_amount: '20.00', commission_type: 'flat', commission_value: '20.00', reward_id: null });

    // Version default, then the event type's default when the version has none.
    const plain = await seedProgram(h.sql, { partners: 1, version: { defaultCommissionType: 'flat', defaultCommissionValue: '7.50' } });
    expect(await oneClickSale(plain)).toMatchObject({ commission_amount: '7.50', commission_type: 'flat' });
    const bare = await seedProgram(h.sql, { partners: 1, version: { defaultCommissionType: 'tiered', defaultCommissionValue: null } });
    expect(await oneClickSale(bare, { event_type: 'signup', event_value: undefined })).toMatchObject({
      commission_amount: '1.00',
      commission_type: 'flat',
      commission_value: '1.00',
    });
    // Not commissionable: a funnel event, never a conversion (attribute-conversions-funnel.test.ts).
    const views = await oneClickSale(bare, { event_type: 'page_view' });
    expect(views).toBeUndefined();

    const snapshots = await h.sql.query(
      `SELECT commission_type, commission_value, commission_amount, commission_rule_id, reward_id FROM event_commission_snapshots
       WHERE conversion_event_id = ANY(:ids::bigint[]) ORDER BY conversion_event_id`,
      { ids: [o.conversion_event_id, r.conversion_event_id, t1.conversion_event_id] },
    );
    expect(snapshots.rows).toEqual([
      { commission_type: 'percentage', commission_value: '25.000', commission_amount: '25.000', commission_rule_id: null, reward_id: null },
      { commission_type: 'percentage', commission_value: '10.000', commission_amount: '25.000', commission_rule_id: ruleId, reward_id: null },
      { commission_type: 'percentage', commission_value: '5.000', commission_amount: '50.000', commission_rule_id: null, reward_id: reward },
    ]);
  });

  it('self-referral (case, +tag, Gmail dots) is kept as rejected with commission 0', async () => {
    const stamp = `${Date.now()}`;
    const program = await seedProgram(h.sql, { partners: [{ email: `jo.smith.${stamp}@gmail.com` }] });
    const email = `JoSmith${stamp}+deal@GoogleMail.com`;
    const row = await oneClickSale(program, { customer_email: email });
    expect(row).toMatchObject({ status: 'rejected', rejection_reason: 'self_referral', commission_amount: '0.00', partner_id: program.partners[0]!.partnerId });
    expect(row.touches.map((t) => t.touch_value)).toEqual(['0.00']);
    const totals = await h.sql.query(`SELECT total_conversions, total_commission_earned FROM campaign_partners WHERE campaign_version_id = :v::integer`, {
      v: program.campaignVersionId,
    });
    expect(totals.rows).toEqual([{ total_conversions: 0, total_commission_earned: '0.000' }]);
  });

  it('a journey of bot-flagged clicks only is kept as rejected (bot_click), earning nothing', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z', { user_agent: 'Mozilla/5.0 (compatible; Googlebot/2.1)' });
    const message = sale(program.vendorId, { click_id: click.click_id });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    expect(await conversionOf(h.sql, program.vendorId, message.transaction_id)).toMatchObject({
      status: 'rejected',
      rejection_reason: 'bot_click',
      commission_amount: '0.00',
      partner_id: program.partners[0]!.partnerId,
      touches: [],
    });
  });

  it('the same message 3x in a batch, again later, and in 5 concurrent batches makes one conversion', async () => {
    const program = await seedProgram(h.sql, { partners: 2 });
    const cookie = crypto.randomUUID();
    const c1 = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
    await h.click(program.partners[1]!.links[0]!, '2024-03-16T10:00:00.000Z', { cookie_id: cookie });
    const message = sale(program.vendorId, { click_id: c1.click_id, source: 'stripe', provider_event_id: `evt_${crypto.randomUUID()}` });
    expect((await h.run([message, message, message])).batchItemFailures).toEqual([]);
    const first = await conversionOf(h.sql, program.vendorId, message.transaction_id);
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const results = await Promise.all(Array.from({ length: 5 }, () => h.run([message, { ...message, provider_event_id: `evt_${crypto.randomUUID()}` }])));
    expect(results.flatMap((r) => r.batchItemFailures)).toEqual([]);

    const counted = await h.sql.query(
      `SELECT count(*)::integer AS conversions,
              (SELECT count(*)::integer FROM touches t JOIN conversion_events c ON c.conversion_event_id = t.conversion_event_id
               WHERE c.vendor_id = :v::integer) AS touches,
              (SELECT sum(total_conversions)::integer FROM campaign_partners WHERE campaign_version_id = :cv::integer) AS credited,
              (SELECT sum(total_commission_earned)::text FROM campaign_partners WHERE campaign_version_id = :cv::integer) AS earned
       FROM conversion_events WHERE vendor_id = :v::integer`,
      { v: program.vendorId, cv: program.campaignVersionId },
    );
    expect(counted.rows[0]).toEqual({ conversions: 1, touches: 2, credited: 1, earned: '10.000' });
    expect(await conversionOf(h.sql, program.vendorId, message.transaction_id)).toEqual(first);
  });

  it('a poison message is reported for the DLQ while the rest of the batch commits', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const good = sale(program.vendorId, { click_id: click.click_id });
    const result = await h.run(['{not json', JSON.stringify({ ...good, event_value: '1.2345' }), good, JSON.stringify({ kind: 'conversion' })]);
    expect(result.batchItemFailures).toHaveLength(3);
    expect(await conversionOf(h.sql, program.vendorId, good.transaction_id)).toMatchObject({ commission_amount: '10.00' });
    const reasons = h.logged.filter((l) => l.message === 'conversion_message_rejected').map((l) => String(l.fields.reason));
    expect(reasons.some((r) => r === 'body is not JSON')).toBe(true);
    expect(reasons.some((r) => r.startsWith('invalid conversion message: event_value'))).toBe(true);
  });

  it('a batch in which every message failed fails the invocation (the Errors alarm sees it), each reason logged', async () => {
    const bodies = ['{not json', JSON.stringify({ kind: 'conversion' })];
    const run = h.run(bodies);
    await expect(run).rejects.toBeInstanceOf(FullBatchFailureError);
    await expect(run).rejects.toMatchObject({ recordErrors: [expect.objectContaining({ message: 'body is not JSON' }), expect.anything()] });
    const last = h.logged.filter((l) => l.message === 'conversions_processed').at(-1);
    expect(last?.fields).toMatchObject({ messages: 2, failed: 2 });
  });

  it('a milestone bonus fires once, ever, as a flagged conversion with its own touch', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const reward = await seedReward(h.sql, { vendorId: program.vendorId, type: 'flat', value: '50.00' });
    const milestone = await seedMilestone(h.sql, { campaignVersionId: program.campaignVersionId, rewardId: reward, eventType: 'sale', targetCount: 2 });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const sales = [0, 1, 2].map((i) => sale(program.vendorId, { click_id: click.click_id, occurred_at: `2024-03-1${6 + i}T10:00:00.000Z` }));
    expect((await h.run(sales)).batchItemFailures).toEqual([]);
    const bonuses = await h.sql.query(
      `SELECT ce.transaction_id, ce.commission_amount, ce.reward_id, ce.metadata ->> 'campaign_milestone_id' AS milestone, t.touch_value
       FROM conversion_events ce JOIN touches t ON t.conversion_event_id = ce.conversion_event_id
       WHERE ce.vendor_id = :v::integer AND ce.metadata ->> 'milestone_bonus' = 'true'`,
      { v: program.vendorId },
    );
    expect(bonuses.rows).toEqual([
      {
        transaction_id: `milestone:${milestone}:partner:${program.partners[0]!.partnerId}`,
        commission_amount: '50.000',
        reward_id: reward,
        milestone: String(milestone),
        touch_value: '50.000',
      },
    ]);
    const totals = await h.sql.query(`SELECT total_conversions, total_commission_earned FROM campaign_partners WHERE campaign_version_id = :v::integer`, {
      v: program.campaignVersionId,
    });
    expect(totals.rows).toEqual([{ total_conversions: 3, total_commission_earned: '80.000' }]);
  });

  it('enqueues conversion.created after the commit, under an id a redelivery reuses', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    await h.aws.drain(h.notificationsQueueUrl);
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const message = sale(program.vendorId, { click_id: click.click_id });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const received = await h.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: h.notificationsQueueUrl, MaxNumberOfMessages: 10 }));
    // Exactly the notifier's contract.
    const bodies = (received.Messages ?? []).map((m) => notificationMessageSchema.parse(JSON.parse(m.Body!)));
    expect(bodies.length).toBeGreaterThanOrEqual(1);
    for (const body of bodies) {
      expect(body).toMatchObject({
        notification_id: notificationIdFor('conversion.created', message.receipt_id),
        vendor_id: program.vendorId,
        event_type: 'conversion.created',
        payload: { receipt_id: message.receipt_id, commission_amount: '10.00', status: 'pending', partner_id: program.partners[0]!.partnerId },
      });
    }
  });
});
