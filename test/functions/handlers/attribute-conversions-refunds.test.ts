import { describe, expect, it } from 'vitest';
import type { ConversionMessage, RefundMessage } from '../../../functions/ports/conversion-message.js';
import { seedProgram, type SeededProgram } from '../../support/fixtures/seed.js';
import { cents, conversionOf, useHarness } from '../../support/platform/attribute-conversions-harness.js';
import { refund, sale } from '../../support/messages/conversions.js';
import { formatAmount, parseAmount } from '../../../functions/domain/money/currency.js';
import { payOutShare } from '../../support/fixtures/payout-fixtures.js';

/** A NUMERIC(13,3) column's text as a USD amount ("6.670" -> "6.67"): these programs price in USD. */
const usd = (value: string | null | undefined) => (value === null || value === undefined ? value : formatAmount(parseAmount(value, 'USD'), 'USD'));

describe('attribute-conversions: refunds and disputes', () => {
  const h = useHarness();

  /** A linear A -> B journey and a $100.00 sale at 10 % (touches 5.00 / 5.00). */
  async function journeySale(overrides: Partial<ConversionMessage> = {}): Promise<{ program: SeededProgram; message: ConversionMessage }> {
    const program = await seedProgram(h.sql, { version: { attributionModel: 'linear' } });
    const cookie = crypto.randomUUID();
    const c1 = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
    await h.click(program.partners[1]!.links[0]!, '2024-03-16T10:00:00.000Z', { cookie_id: cookie });
    return { program, message: sale(program.vendorId, { click_id: c1.click_id, event_value: '99.99', ...overrides }) };
  }

  async function state(program: SeededProgram, transactionId: string) {
    const conversion = (await conversionOf(h.sql, program.vendorId, transactionId))!;
    const totals = await h.sql.query<{ partner_id: number; total_conversions: number; total_revenue: string; total_commission_earned: string }>(
      `SELECT partner_id, total_conversions, total_revenue, total_commission_earned FROM campaign_partners
       WHERE campaign_version_id = :v::integer ORDER BY partner_id`,
      { v: program.campaignVersionId },
    );
    const adjustments = await h.sql.query<{ partner_id: number; amount: string }>(
      `SELECT partner_id, amount FROM commission_adjustments WHERE conversion_event_id = :id::bigint ORDER BY partner_id`,
      { id: conversion.conversion_event_id },
    );
    const journey = await h.sql.query(`SELECT total_commission FROM funnel_journeys WHERE funnel_journey_id = :id::integer`, {
      id: conversion.funnel_journey_id,
    });
    const partners = new Map(program.partners.map((p, i) => [p.partnerId, `partner${i}`]));
    return {
      status: conversion.status,
      rejection_reason: conversion.rejection_reason,
      commission_amount: conversion.commission_amount,
      refunded_amount: conversion.refunded_amount,
      touches: conversion.touches.map((t) => `${partners.get(t.partner_id)}:${t.touch_value}`),
      totals: totals.rows.map((r) => ({
        ...r,
        partner_id: partners.get(r.partner_id),
        total_revenue: usd(r.total_revenue),
        total_commission_earned: usd(r.total_commission_earned),
      })),
      adjustments: adjustments.rows.map((r) => ({ ...r, partner_id: partners.get(r.partner_id), amount: usd(r.amount)! })),
      journey_commission: usd(journey.rows[0]?.total_commission as string | null | undefined),
    };
  }

  it('a partial refund before payout reduces the commission and re-splits the touches exactly', async () => {
    const { program, message } = await journeySale();
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    // $99.99 at 10 % = $10.00; $33.33 refunded -> 10.00 x 66.66 / 99.99 = 6.6666... -> $6.67.
    const partial = refund(program.vendorId, message.transaction_id, { amount: '33.33' });
    expect((await h.run([partial, partial])).batchItemFailures).toEqual([]);
    const s = await state(program, message.transaction_id);
    expect(s).toMatchObject({ status: 'pending', commission_amount: '6.67', refunded_amount: '33.33', touches: ['partner0:3.34', 'partner1:3.33'], journey_commission: '6.67' });
    expect(s.totals).toEqual([
      { partner_id: 'partner0', total_conversions: 1, total_revenue: '33.33', total_commission_earned: '3.34' },
      { partner_id: 'partner1', total_conversions: 1, total_revenue: '33.33', total_commission_earned: '3.33' },
    ]);
  });

  it('a full refund before payout rejects the conversion and takes every total back', async () => {
    const { program, message } = await journeySale();
    expect((await h.run([message, refund(program.vendorId, message.transaction_id, { reason: 'dispute' })])).batchItemFailures).toEqual([]);
    const s = await state(program, message.transaction_id);
    expect(s).toMatchObject({
      status: 'rejected',
      rejection_reason: 'dispute',
      commission_amount: '0.00',
      refunded_amount: '99.99',
      touches: ['partner0:0.00', 'partner1:0.00'],
      journey_commission: '0.00',
    });
    expect(s.totals.map((t) => [t.total_conversions, t.total_revenue, t.total_commission_earned])).toEqual([
      [0, '0.00', '0.00'],
      [0, '0.00', '0.00'],
    ]);
    const notices = (await h.aws.drain(h.notificationsQueueUrl)).map((m) => JSON.parse(m.Body!) as { event_type: string; payload: { receipt_id: string; status: string } });
    const mine = notices.filter((n) => n.payload.receipt_id === message.receipt_id);
    expect(mine.map((n) => n.event_type).sort()).toEqual(['conversion.created', 'conversion.rejected']);
    expect(mine.find((n) => n.event_type === 'conversion.rejected')!.payload).toMatchObject({ status: 'rejected', commission_amount: '0.00' });
    // The rejection is a change of money state: audited, by the system, with the provider's event.
    const conversion = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    const { rows: audit } = await h.sql.query<{ action: string; actor_type: string; changes: { before: Record<string, string>; after: Record<string, string> }; reason: string }>(
      `SELECT action, actor_type, changes, reason FROM audit_logs WHERE entity_type = 'conversion_events' AND entity_id = :id::bigint ORDER BY audit_log_id`,
      { id: Number(conversion.conversion_event_id) },
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'reject', actor_type: 'system', changes: { after: { status: 'rejected', commission_amount: '0.00' } } });
    expect(audit[0]!.reason).toMatch(/^dispute /);
  });

  it('after payout the touches drop to what each partner earns and adjustments per partner net the refund, once', async () => {
    const { program, message } = await journeySale({ event_value: '100.00' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const conversion = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    // Both shares paid out by completed payouts, as the payout job and the provider would leave them.
    for (const partner of program.partners.slice(0, 2)) {
      await payOutShare(h.sql, { partnerId: partner.partnerId, conversionEventId: conversion.conversion_event_id, amount: '5.00' });
    }
    await h.sql.query(`UPDATE conversion_events SET status = 'paid' WHERE conversion_event_id = :id::bigint`, { id: conversion.conversion_event_id });
    const partial = refund(program.vendorId, message.transaction_id, { amount: '25.00' });
    expect((await h.run([partial, partial])).batchItemFailures).toEqual([]);
    let s = await state(program, message.transaction_id);
    expect(s).toMatchObject({ status: 'paid', commission_amount: '7.50', refunded_amount: '25.00', touches: ['partner0:3.75', 'partner1:3.75'] });
    expect(s.adjustments).toEqual([
      { partner_id: 'partner0', amount: '-1.25' },
      { partner_id: 'partner1', amount: '-1.25' },
    ]);
    // The rest refunded later: the clawback grows to the whole paid amount, nothing counted twice.
    const rest = refund(program.vendorId, message.transaction_id, { amount: '75.00' });
    expect((await h.run([rest, rest])).batchItemFailures).toEqual([]);
    s = await state(program, message.transaction_id);
    expect(cents(s.adjustments.map((a) => a.amount))).toBe(-1000n);
    expect(s.adjustments).toHaveLength(4);
    expect(s).toMatchObject({ status: 'paid', commission_amount: '0.00', touches: ['partner0:0.00', 'partner1:0.00'] });
    expect(s.totals.map((t) => t.total_commission_earned)).toEqual(['0.00', '0.00']);
  });

  it('a share held by a live payout (A paid, B not yet) gets a clawback; the unheld share is just reduced', async () => {
    const { program, message } = await journeySale({ event_value: '100.00' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const conversion = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    const a = program.partners[0]!.partnerId;
    await h.sql.query(`UPDATE conversion_events SET status = 'approved' WHERE conversion_event_id = :id::bigint`, { id: conversion.conversion_event_id });
    const method = await h.sql.query<{ id: number; provider: number }>(
      `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id, is_default, is_verified)
       SELECT :p::integer, payment_provider_id, 'acct', TRUE, TRUE FROM payment_providers WHERE name = 'wire'
       RETURNING partner_payment_method_id AS id, payment_provider_id AS provider`,
      { p: a },
    );
    const payout = await h.sql.query<{ payout_id: number }>(
      `INSERT INTO payouts (partner_id, partner_payment_method_id, amount, payment_provider_id, status, start_date, end_date)
       VALUES (:p::integer, :m::integer, 5.00, :prov::integer, 'completed', '2024-03-01', '2024-03-31') RETURNING payout_id`,
      { p: a, m: method.rows[0]!.id, prov: method.rows[0]!.provider },
    );
    await h.sql.query(`INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount) VALUES (:po::integer, :id::bigint, 5.00)`, {
      po: payout.rows[0]!.payout_id,
      id: conversion.conversion_event_id,
    });
    expect((await h.run([refund(program.vendorId, message.transaction_id, { amount: '25.00' })])).batchItemFailures).toEqual([]);
    const s = await state(program, message.transaction_id);
    expect(s).toMatchObject({ status: 'approved', commission_amount: '7.50', touches: ['partner0:3.75', 'partner1:3.75'] });
    expect(s.adjustments).toEqual([{ partner_id: 'partner0', amount: '-1.25' }]);
  });

  it.each([
    ['sale, refund', ['sale', 'refund']],
    ['refund, sale', ['refund', 'sale']],
    ['refund, sale, refund again, sale again', ['refund', 'sale', 'refund', 'sale']],
  ] as const)('a partial refund and its sale converge whatever the order (%s)', async (_name, order) => {
    const { program, message } = await journeySale();
    const partial: RefundMessage = refund(program.vendorId, message.transaction_id, { amount: '33.33' });
    for (const step of order) expect((await h.run([step === 'sale' ? message : partial])).batchItemFailures).toEqual([]);
    expect(await state(program, message.transaction_id)).toEqual({
      status: 'pending',
      rejection_reason: null,
      commission_amount: '6.67',
      refunded_amount: '33.33',
      touches: ['partner0:3.34', 'partner1:3.33'],
      totals: [
        { partner_id: 'partner0', total_conversions: 1, total_revenue: '33.33', total_commission_earned: '3.34' },
        { partner_id: 'partner1', total_conversions: 1, total_revenue: '33.33', total_commission_earned: '3.33' },
      ],
      adjustments: [],
      journey_commission: '6.67',
    });
  });

  it('a full refund arriving before its sale makes the sale land rejected, with no totals', async () => {
    const { program, message } = await journeySale({ source: 'shopify' });
    const full = refund(program.vendorId, message.transaction_id, { source: 'shopify' });
    expect((await h.run([full])).batchItemFailures).toEqual([]);
    expect(await conversionOf(h.sql, program.vendorId, message.transaction_id)).toBeUndefined();
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const s = await state(program, message.transaction_id);
    expect(s).toMatchObject({ status: 'rejected', rejection_reason: 'refund', commission_amount: '0.00', refunded_amount: '99.99' });
    expect(s.totals.map((t) => t.total_conversions)).toEqual([0, 0]);
  });

  it('Stripe refunds arrive one message per refund (its own amount) and add up, once each', async () => {
    const { program, message } = await journeySale({ source: 'stripe', event_value: '100.00' });
    const first = refund(program.vendorId, message.transaction_id, { source: 'stripe', amount: '20.00' });
    const second = refund(program.vendorId, message.transaction_id, { source: 'stripe', amount: '30.00' });
    expect((await h.run([second, message, first, second])).batchItemFailures).toEqual([]);
    // $100.00 - $50.00 refunded = $50.00 at 10 % -> $5.00
    expect(await state(program, message.transaction_id)).toMatchObject({ commission_amount: '5.00', refunded_amount: '50.00' });
  });
});
