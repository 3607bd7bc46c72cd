/**
 * Money per currency through the consumer, the payout run and the reconciliation (docs/money.md):
 * ISO 4217 minor units (JPY 0, KWD 3), a sale in another currency than its campaign's refused with
 * its reason, a partner earning in USD and EUR paid once per currency, books balanced per currency.
 */
import { describe, expect, it } from 'vitest';
import { runPayouts } from '../../../functions/use-cases/run-payouts.js';
import { reconciliationMoney } from '../../../functions/repositories/payouts/reconciliation.js';
import { partnerDashboard } from '../../../functions/repositories/partners/enrollments.js';
import { enrollPartner, seedCampaignVersion, seedPartner, seedProgram, seedVendor } from '../../support/fixtures/seed.js';
import { seedPaymentMethod } from '../../support/fixtures/payout-fixtures.js';
import { conversionOf, useHarness } from '../../support/platform/attribute-conversions-harness.js';
import { refund, sale } from '../../support/messages/conversions.js';

describe('attribute-conversions: currencies', () => {
  const h = useHarness();

  async function oneClickSale(program: Awaited<ReturnType<typeof seedProgram>>, overrides: Parameters<typeof sale>[1]) {
    const click = await h.click(program.partners[0]!.links[0]!, '2024-03-15T10:00:00.000Z');
    const message = sale(program.vendorId, { click_id: click.click_id, ...overrides });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    return { message, row: await conversionOf(h.sql, program.vendorId, message.transaction_id) };
  }

  it.each([
    // ¥5000 at 10 % is ¥500 (not ¥5.00, not 500.00 "cents"); 10 % of ¥4999 rounds half-up to ¥500.
    ['5000', '500'],
    ['4999', '500'],
    ['4994', '499'],
  ])('a JPY sale of ¥%s at 10 percent earns ¥%s, in whole yen', async (value, commission) => {
    const program = await seedProgram(h.sql, { partners: 1, version: { currency: 'JPY' } });
    const { row } = await oneClickSale(program, { event_value: value, currency: 'JPY' });
    expect(row).toMatchObject({ currency: 'JPY', event_value: value, commission_amount: commission, commission_value: '10.00', status: 'pending' });
    expect(row!.touches.map((t) => t.touch_value)).toEqual([commission]);
    const totals = await partnerDashboard(h.sql, program.partners[0]!.partnerId);
    expect(totals).toEqual([expect.objectContaining({ currency: 'JPY', total_revenue: value, total_commission_earned: commission })]);
  });

  it('a JPY commission splits across touches in whole yen that sum exactly (¥1000 -> 334 + 333 + 333)', async () => {
    const program = await seedProgram(h.sql, { version: { currency: 'JPY', attributionModel: 'linear' } });
    const [a, b] = program.partners;
    const cookie = crypto.randomUUID();
    const first = await h.click(a!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
    await h.click(b!.links[0]!, '2024-03-16T10:00:00.000Z', { cookie_id: cookie });
    await h.click(a!.links[0]!, '2024-03-17T10:00:00.000Z', { cookie_id: cookie });
    const message = sale(program.vendorId, { click_id: first.click_id, event_value: '10000', currency: 'JPY' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const row = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    expect(row.commission_amount).toBe('1000');
    expect(row.touches.map((t) => t.touch_value)).toEqual(['334', '333', '333']);
    // The journey's attribution map states each partner's share in yen too.
    const journey = await h.sql.query<{ attribution_map: Record<string, { commission: string }> }>(
      `SELECT attribution_map FROM funnel_journeys WHERE cookie_id = :c::uuid`,
      { c: cookie },
    );
    expect(journey.rows[0]!.attribution_map[`partner_${a!.partnerId}`]!.commission).toBe('667');
    expect(journey.rows[0]!.attribution_map[`partner_${b!.partnerId}`]!.commission).toBe('333');
  });

  it('a KWD sale keeps its three decimals: 10 % of 12.345 KWD is 1.235 KWD (half-up at the fils)', async () => {
    const program = await seedProgram(h.sql, { partners: 1, version: { currency: 'KWD' } });
    const { message, row } = await oneClickSale(program, { event_value: '12.345', currency: 'KWD' });
    expect(row).toMatchObject({ currency: 'KWD', event_value: '12.345', commission_amount: '1.235' });
    expect(row!.touches.map((t) => t.touch_value)).toEqual(['1.235']);
    // A partial refund of 2.345 KWD: 10.000 left, commission 1.000, exact in fils.
    expect((await h.run([refund(program.vendorId, message.transaction_id, { amount: '2.345' })])).batchItemFailures).toEqual([]);
    expect(await conversionOf(h.sql, program.vendorId, message.transaction_id)).toMatchObject({ refunded_amount: '2.345', commission_amount: '1.000' });
  });

  it('a sale without a currency is in its campaign\'s', async () => {
    const program = await seedProgram(h.sql, { partners: 1, version: { currency: 'EUR' } });
    const { row } = await oneClickSale(program, { event_value: '80.00' });
    expect(row).toMatchObject({ currency: 'EUR', event_value: '80.00', commission_amount: '8.00' });
  });

  it('a sale in another currency than its campaign\'s earns nothing and is kept with its reason, naming both currencies', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const { message, row } = await oneClickSale(program, { event_value: '80.00', currency: 'eur' });
    expect(row).toBeUndefined();
    const { rows } = await h.sql.query<{ reason: string; currency: string; event_value: string; payload: { refusal?: string } }>(
      `SELECT reason, currency, event_value::text AS event_value, payload FROM unattributed_conversions
       WHERE vendor_id = :v::integer AND transaction_id = :tx`,
      { v: program.vendorId, tx: message.transaction_id },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'currency_mismatch', currency: 'EUR', event_value: '80.000' });
    expect(rows[0]!.payload.refusal).toMatch(/in EUR but campaign \d+ prices in USD/);
    const dashboard = await partnerDashboard(h.sql, program.partners[0]!.partnerId);
    expect(dashboard).toEqual([expect.objectContaining({ currency: 'USD', total_conversions: 0, total_revenue: '0.00', total_commission_earned: '0.00' })]);
  });

  it('an amount finer than its currency (12.345 USD, 500.5 JPY) is kept as unattributed, never rounded', async () => {
    const usd = await seedProgram(h.sql, { partners: 1 });
    const one = await oneClickSale(usd, { event_value: '12.345', currency: 'USD' });
    const jpy = await seedProgram(h.sql, { partners: 1, version: { currency: 'JPY' } });
    const two = await oneClickSale(jpy, { event_value: '500.5' });
    expect(one.row).toBeUndefined();
    expect(two.row).toBeUndefined();
    const { rows } = await h.sql.query<{ reason: string }>(
      `SELECT reason FROM unattributed_conversions WHERE transaction_id IN (:a, :b) ORDER BY reason`,
      { a: one.message.transaction_id, b: two.message.transaction_id },
    );
    expect(rows.map((r) => r.reason)).toEqual(['amount_exceeds_currency_decimals', 'amount_exceeds_currency_decimals']);
  });

  it('a partner earning in USD, EUR and JPY: dashboard per currency, one payout per currency at its threshold, books per currency', async () => {
    const { vendorId } = await seedVendor(h.sql);
    const partner = await seedPartner(h.sql);
    const enrolled = [];
    for (const currency of ['USD', 'EUR', 'JPY']) {
      const campaign = await seedCampaignVersion(h.sql, vendorId, { currency });
      enrolled.push({ currency, enrollment: await enrollPartner(h.sql, campaign, partner) });
    }
    const sales: Array<[string, string]> = [
      ['USD', '600.00'],
      ['EUR', '700.00'],
      ['EUR', '45.50'],
      ['JPY', '20000'],
    ];
    const transactions: string[] = [];
    for (const [currency, value] of sales) {
      const link = enrolled.find((e) => e.currency === currency)!.enrollment.links[0]!;
      const click = await h.click(link, '2024-03-15T10:00:00.000Z');
      const message = sale(vendorId, { click_id: click.click_id, event_value: value, currency });
      expect((await h.run([message])).batchItemFailures).toEqual([]);
      transactions.push(message.transaction_id);
    }

    // Dashboard: one row per campaign in its currency; never one sum across currencies.
    const rows = await partnerDashboard(h.sql, partner.partnerId);
    expect(rows.map((r) => [r.currency, r.total_revenue, r.total_commission_earned])).toEqual([
      ['USD', '600.00', '60.00'],
      ['EUR', '745.50', '74.55'],
      ['JPY', '20000', '2000'],
    ]);

    // Approved, then paid: USD 60.00 and EUR 74.55 reach 50.00; ¥2000 is below JPY's default ¥5000.
    await h.sql.query(
      `UPDATE conversion_events SET status = 'approved', approved_at = '2024-03-25T00:00:00Z' WHERE vendor_id = :v::integer`,
      { v: vendorId },
    );
    await seedPaymentMethod(h.sql, { partnerId: partner.partnerId, provider: 'wire', details: { iban: 'DE89370400440532013000' } });
    const run = await runPayouts({
      sql: h.sql,
      now: new Date('2024-04-01T12:00:00Z'),
      input: { start_date: '2024-03-01T00:00:00Z', end_date: '2024-04-01T00:00:00Z' },
    });
    const mine = <T extends { partner_id: number }>(list: T[]) => list.filter((x) => x.partner_id === partner.partnerId);
    expect(mine(run.created).map((c) => [c.currency, c.amount]).sort()).toEqual([
      ['EUR', '74.55'],
      ['USD', '60.00'],
    ]);
    expect(mine(run.skipped)).toEqual([{ partner_id: partner.partnerId, currency: 'JPY', reason: 'below_threshold', amount: '2000', minimum: '5000' }]);
    const { rows: payouts } = await h.sql.query<{ currency: string; amount: string; events: string }>(
      `SELECT p.currency, p.amount::text AS amount,
              (SELECT string_agg(ce.currency, ',' ORDER BY ce.currency) FROM payout_events pe
               JOIN conversion_events ce ON ce.conversion_event_id = pe.conversion_event_id WHERE pe.payout_id = p.payout_id) AS events
       FROM payouts p WHERE p.partner_id = :p::integer ORDER BY p.currency`,
      { p: partner.partnerId },
    );
    // Each payout holds only conversions of its own currency.
    expect(payouts).toEqual([
      { currency: 'EUR', amount: '74.550', events: 'EUR,EUR' },
      { currency: 'USD', amount: '60.000', events: 'USD' },
    ]);

    // The run's own threshold for JPY pays the yen too, in a third payout.
    const yen = await runPayouts({
      sql: h.sql,
      now: new Date('2024-04-01T12:00:00Z'),
      input: { start_date: '2024-03-01T00:00:00Z', end_date: '2024-04-01T00:00:00Z', minimums: { JPY: '1000' } },
    });
    expect(mine(yen.created).map((c) => [c.currency, c.amount])).toEqual([['JPY', '2000']]);

    const books = (await reconciliationMoney(h.sql)).filter((b) => ['EUR', 'JPY'].includes(b.currency));
    expect(books.find((b) => b.currency === 'JPY')).toMatchObject({ in_payouts: '2000' });
    expect(books.find((b) => b.currency === 'EUR')).toMatchObject({ in_payouts: '74.55' });
  });

  it('the reconciliation flags a payout holding a conversion of another currency', async () => {
    const { vendorId } = await seedVendor(h.sql);
    const partner = await seedPartner(h.sql);
    const campaign = await seedCampaignVersion(h.sql, vendorId, { currency: 'EUR' });
    const enrollment = await enrollPartner(h.sql, campaign, partner);
    const click = await h.click(enrollment.links[0]!, '2024-03-15T10:00:00.000Z');
    const message = sale(vendorId, { click_id: click.click_id, event_value: '900.00', currency: 'EUR' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    await h.sql.query(`UPDATE conversion_events SET status = 'approved', approved_at = '2024-03-25T00:00:00Z' WHERE vendor_id = :v::integer`, { v: vendorId });
    await seedPaymentMethod(h.sql, { partnerId: partner.partnerId, provider: 'wire', details: { iban: 'DE89370400440532013000' } });
    await runPayouts({ sql: h.sql, now: new Date('2024-04-01T12:00:00Z'), input: { start_date: '2024-03-01T00:00:00Z', end_date: '2024-04-01T00:00:00Z' } });
    // Corrupt the books: the EUR payout relabelled as dollars.
    await h.sql.query(`UPDATE payouts SET currency = 'USD' WHERE partner_id = :p::integer`, { p: partner.partnerId });
    const { reconcileBooks } = await import('../../support/books/reconcile.js');
    const violations = await reconcileBooks(h.sql);
    expect(violations.filter((v) => v.partner_id === partner.partnerId).map((v) => v.kind)).toContain('payout_currency_mismatch');
    // Put it back so the suite's balance check holds.
    await h.sql.query(`UPDATE payouts SET currency = 'EUR' WHERE partner_id = :p::integer`, { p: partner.partnerId });
  });
});
