import { describe, expect, it } from 'vitest';
import { seedProgram } from '../../support/fixtures/seed.js';
import { cents, conversionOf, useHarness } from '../../support/platform/attribute-conversions-harness.js';
import { sale } from '../../support/messages/conversions.js';

describe('attribute-conversions: attribution into rows', () => {
  const h = useHarness();

  // The dictionary's journey: A (day 1) -> B (day 2) -> A (day 3) -> $100 sale at 10 % = $10.00.
  it.each([
    ['first_click', ['10.00', '0.00', '0.00'], 'A'],
    ['last_click', ['0.00', '0.00', '10.00'], 'A'],
    ['linear', ['3.34', '3.33', '3.33'], 'A'],
    ['position_based', ['4.00', '2.00', '4.00'], 'A'],
  ] as const)('A -> B -> A under %s writes touches %j summing to the commission', async (model, values, winner) => {
    const program = await seedProgram(h.sql, { version: { attributionModel: model } });
    const [a, b] = program.partners;
    const cookie = crypto.randomUUID();
    const c1 = await h.click(a!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
    await h.click(b!.links[0]!, '2024-03-16T10:00:00.000Z', { cookie_id: cookie });
    await h.click(a!.links[0]!, '2024-03-17T10:00:00.000Z', { cookie_id: cookie });
    const message = sale(program.vendorId, { click_id: c1.click_id });

    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const row = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    expect(row).toMatchObject({
      partner_id: winner === 'A' ? a!.partnerId : b!.partnerId,
      campaign_version_id: program.campaignVersionId,
      status: 'pending',
      event_value: '100.00',
      commission_amount: '10.00',
      commission_type: 'percentage',
      commission_value: '10.00',
      attribution_type: model,
      attribution_confidence: 'high',
      receipt_id: message.receipt_id,
      source: 'api',
    });
    expect(row.touches.map((t) => t.touch_value)).toEqual(values);
    expect(row.touches.map((t) => t.touch_type)).toEqual(['first', 'middle', 'last']);
    expect(row.touches.map((t) => t.partner_id)).toEqual([a!.partnerId, b!.partnerId, a!.partnerId]);
    expect(row.touches.every((t) => t.click_id !== null && t.attribution_type === model)).toBe(true);
    expect(cents(row.touches.map((t) => t.touch_value))).toBe(1000n);

    const aShare = cents([values[0], values[2]]);
    const bShare = cents([values[1]]);
    const totals = await h.sql.query(
      `SELECT partner_id, total_conversions, total_commission_earned, last_conversion_at FROM campaign_partners
       WHERE campaign_version_id = :v::integer ORDER BY partner_id`,
      { v: program.campaignVersionId },
    );
    const byPartner = new Map(totals.rows.map((r) => [r.partner_id, r]));
    expect(cents([byPartner.get(a!.partnerId)!.total_commission_earned as string])).toBe(aShare);
    expect(cents([byPartner.get(b!.partnerId)!.total_commission_earned as string])).toBe(bShare);
    expect(byPartner.get(a!.partnerId)).toMatchObject({ total_conversions: 1, last_conversion_at: '2024-03-18T10:00:00.000Z' });
    expect(byPartner.get(b!.partnerId)!.total_conversions).toBe(bShare > 0n ? 1 : 0);

    const journey = await h.sql.query(
      `SELECT funnel_journey_id, is_converted, journey_completed_at, total_commission, furthest_stage_id, total_events,
              events_sequence, attribution_map
       FROM funnel_journeys WHERE cookie_id = :c::uuid`,
      { c: cookie },
    );
    const j = journey.rows[0]!;
    expect(j).toMatchObject({
      funnel_journey_id: row.funnel_journey_id,
      is_converted: true,
      journey_completed_at: '2024-03-18T10:00:00.000Z',
      total_commission: '10.000',
      total_events: 4,
    });
    const events = j.events_sequence as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(['click', 'click', 'click', 'conversion']);
    expect(j.attribution_map).toHaveProperty(`partner_${a!.partnerId}`);
  });

  it('time_decay credits the recent touch most and the touches still sum exactly', async () => {
    const program = await seedProgram(h.sql, { version: { attributionModel: 'time_decay', halfLifeDays: 1 } });
    const [a, b] = program.partners;
    const cookie = crypto.randomUUID();
    await h.click(a!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
    await h.click(b!.links[0]!, '2024-03-17T10:00:00.000Z', { cookie_id: cookie });
    const message = sale(program.vendorId, { cookie_id: cookie, event_value: '99.99' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const row = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    // 10 % of $99.99 = $10.00 (half-up); half-lives 3 and 1 day: weights 1/8 and 1/2 -> 2.00 / 8.00.
    expect(row).toMatchObject({ partner_id: b!.partnerId, commission_amount: '10.00', attribution_confidence: 'medium' });
    expect(row.touches.map((t) => t.touch_value)).toEqual(['2.00', '8.00']);
  });

  it('a click outside the cookie window earns nothing: stored as unattributed with the reason', async () => {
    const program = await seedProgram(h.sql, { version: { cookieDurationDays: 1 } });
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-10T10:00:00.000Z');
    const message = sale(program.vendorId, { click_id: click.click_id });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    expect(await conversionOf(h.sql, program.vendorId, message.transaction_id)).toBeUndefined();
    const stored = await h.sql.query(
      `SELECT reason, event_type, event_value FROM unattributed_conversions WHERE vendor_id = :v::integer AND transaction_id = :tx`,
      { v: program.vendorId, tx: message.transaction_id },
    );
    expect(stored.rows).toEqual([{ reason: 'no_click_in_window', event_type: 'sale', event_value: '100.000' }]);
  });

  it('no click, cookie or customer, an unknown click, an unknown event type: each kept with its reason', async () => {
    const program = await seedProgram(h.sql);
    const none = sale(program.vendorId);
    const unknownClick = sale(program.vendorId, { click_id: '01900000-0000-7000-8000-000000000001' });
    const unknownType = sale(program.vendorId, { event_type: 'teleport' });
    const stranger = sale(program.vendorId, { customer_email: 'nobody@example.com' });
    expect((await h.run([none, unknownClick, unknownType, stranger])).batchItemFailures).toEqual([]);
    const stored = await h.sql.query<{ transaction_id: string; reason: string }>(
      `SELECT transaction_id, reason FROM unattributed_conversions WHERE vendor_id = :v::integer`,
      { v: program.vendorId },
    );
    const reasons = new Map(stored.rows.map((r) => [r.transaction_id, r.reason]));
    expect(reasons.get(none.transaction_id)).toBe('no_click_or_customer');
    expect(reasons.get(unknownClick.transaction_id)).toBe('click_not_found');
    expect(reasons.get(unknownType.transaction_id)).toBe('unknown_event_type');
    expect(reasons.get(stranger.transaction_id)).toBe('no_earlier_customer_attribution');
  });

  it('a renewal without click or cookie binds to the customer\'s first attribution, at low confidence', async () => {
    const program = await seedProgram(h.sql);
    const [a] = program.partners;
    const click = await h.click(a!.links[0]!, '2024-03-15T10:00:00.000Z');
    const first = sale(program.vendorId, { click_id: click.click_id, customer_id: 'cus_1', customer_email: 'Jane.Doe@gmail.com' });
    const renewal = sale(program.vendorId, { customer_email: 'janedoe+shop@googlemail.com', recurring: true, occurred_at: '2024-06-18T10:00:00.000Z' });
    const byId = sale(program.vendorId, { customer_id: 'cus_1', event_type: 'subscription', occurred_at: '2024-07-18T10:00:00.000Z' });
    expect((await h.run([first, renewal, byId])).batchItemFailures).toEqual([]);
    for (const message of [renewal, byId]) {
      expect(await conversionOf(h.sql, program.vendorId, message.transaction_id)).toMatchObject({
        partner_id: a!.partnerId,
        attribution_confidence: 'low',
        commission_amount: '10.00',
        touches: [{ partner_id: a!.partnerId, touch_type: 'only', touch_value: '10.00' }],
      });
    }
  });

  it('upserts the lead by its external id and links it to the conversion', async () => {
    const program = await seedProgram(h.sql);
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const externalId = `lead-${crypto.randomUUID()}`;
    const signup = sale(program.vendorId, { event_type: 'signup', event_value: undefined, click_id: click.click_id, lead: { external_lead_id: externalId, email: 'lead@example.com' } });
    const purchase = sale(program.vendorId, { click_id: click.click_id, lead: { external_lead_id: externalId, first_name: 'Lee' } });
    expect((await h.run([signup, purchase])).batchItemFailures).toEqual([]);
    const leads = await h.sql.query(`SELECT lead_id, email, first_name, status, partner_id FROM leads WHERE external_lead_id = :id`, { id: externalId });
    expect(leads.rows).toEqual([
      { lead_id: expect.any(Number), email: 'lead@example.com', first_name: 'Lee', status: 'converted', partner_id: program.partners[0]!.partnerId },
    ]);
    const signupRow = await conversionOf(h.sql, program.vendorId, signup.transaction_id);
    // The version's default (10 %) outranks the event type's flat $1.00: 10 % of no value is $0.00.
    expect(signupRow).toMatchObject({ lead_id: leads.rows[0]!.lead_id, commission_amount: '0.00', commission_type: 'percentage' });
  });
});
