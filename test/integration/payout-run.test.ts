// Over 300 lines: the payout run end to end on one seeded ledger (thresholds, currencies, methods, statuses, re-runs, the oracle cross-check); split, each file would seed it again.
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * The payout run end to end: conversions in every state, multi-touch, a clawback, partners without
 * a verified method or below the threshold; the job through `POST /v1/admin/jobs/payouts`, twice,
 * killed half-way, concurrently; the send flow through the approve route with the real Stripe
 * adapter over recorded responses; the books reconciled by the pure spec after each step.
 */
import { describe, expect, it } from 'vitest';
import { WirePayoutProvider } from '../../functions/adapters/payments/wire-payout-provider.js';
import { planPayouts, selectPayableCredits } from '../support/payout-oracle/index.js';
import { runPayoutStatement } from '../../functions/repositories/payouts/payouts.js';
import { amountText } from '../../functions/domain/money/amount-text.js';
import { parseAmount } from '../../functions/domain/money/currency.js';
import { adminToken, createPartner, type PartnerHandle } from '../support/platform/api-fixture.js';
import { useApiFixture } from '../support/platform/use-api-fixture.js';
import { replayFetch, recording, type Step } from '../support/stand-ins/replay-fetch.js';
import { seedCampaignVersion, seedVendor } from '../support/fixtures/seed.js';
import { expectBalanced, reconcileBooks } from '../support/books/reconcile.js';
import { loadLedger, seedPayableConversion, seedPaymentMethod, stripeTransferRecording } from '../support/fixtures/payout-fixtures.js';
import { recordedStripeProvider } from '../support/stand-ins/recorded-stripe-provider.js';

let script: Step[] = [];
let fake = replayFetch([]);
const PERIOD = { start_date: '2026-02-01T00:00:00.000Z', end_date: '2026-03-01T00:00:00.000Z' };
const p: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', PartnerHandle> = {} as never;
const conv: Record<string, number> = {};

function useScript(steps: Step[]) {
  script = steps;
  fake = replayFetch(script);
}

const fx = useApiFixture(async () => {
  const stripe = recordedStripeProvider((input, init) => fake.fetch(input, init));
  Object.assign(fx.deps, { payoutProviders: { stripe, wire: new WirePayoutProvider() } });
  const { vendorId } = await seedVendor(fx.db.sql);
  const { campaignVersionId } = await seedCampaignVersion(fx.db.sql, vendorId);
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f'] as const) p[k] = await createPartner(fx.api);
  const sql = fx.db.sql;
  const seed = (status: 'pending' | 'approved' | 'rejected' | 'paid', shares: Array<[number, string]>, approvedAt?: string | null) =>
    seedPayableConversion(sql, { vendorId, campaignVersionId, status, shares, ...(approvedAt !== undefined ? { approvedAt } : {}) });
  conv.a1 = await seed('approved', [[p.a.partner_id, '60.00']]);
  conv.ab = await seed('approved', [[p.a.partner_id, '15.00'], [p.b.partner_id, '45.00']]);
  conv.aPending = await seed('pending', [[p.a.partner_id, '100.00']]);
  conv.aRejected = await seed('rejected', [[p.a.partner_id, '100.00']]);
  conv.aLate = await seed('approved', [[p.a.partner_id, '33.00']], '2026-03-01T06:00:00.000Z');
  conv.c = await seed('approved', [[p.c.partner_id, '80.00']]);
  conv.d = await seed('approved', [[p.d.partner_id, '90.00']]);
  conv.e = await seed('approved', [[p.e.partner_id, '20.00']]);
  conv.f = await seed('approved', [[p.f.partner_id, '75.00']]);
  // Already paid earlier: 70.00 to A, then refunded down to 60.00 (clawback -10.00 owed).
  conv.aPaid = await seed('paid', [[p.a.partner_id, '60.00']]);
  const methodA = await seedPaymentMethod(sql, { partnerId: p.a.partner_id, provider: 'stripe', accountId: 'acct_1PartnerA' });
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO payouts (partner_id, partner_payment_method_id, amount, payment_provider_id, status, start_date, end_date, completed_at)
     VALUES (:p::integer, :m::integer, 70.00, (SELECT payment_provider_id FROM payment_providers WHERE name = 'stripe'), 'completed',
             '2026-01-01', '2026-02-01', '2026-02-02') RETURNING payout_id AS id`,
    { p: p.a.partner_id, m: methodA },
  );
  await sql.query(`INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount) VALUES (:id::integer, :c::bigint, 70.00)`, { id: rows[0]!.id, c: conv.aPaid });
  await sql.query(
    `INSERT INTO commission_adjustments (conversion_event_id, partner_id, amount, reason, source_event_id, created_at)
     VALUES (:c::bigint, :p::integer, -10.00, 'refund', 're_1', '2026-02-20')`,
    { c: conv.aPaid, p: p.a.partner_id },
  );
  await seedPaymentMethod(sql, { partnerId: p.b.partner_id, provider: 'stripe', accountId: 'acct_1PartnerB' });
  await seedPaymentMethod(sql, { partnerId: p.d.partner_id, provider: 'stripe', accountId: 'acct_1PartnerD', verified: false });
  await seedPaymentMethod(sql, { partnerId: p.e.partner_id, provider: 'stripe', accountId: 'acct_1PartnerE' });
  await seedPaymentMethod(sql, { partnerId: p.f.partner_id, provider: 'stripe', accountId: 'acct_1PartnerF' });
}, 60_000);

const runJob = (body: Record<string, unknown> = PERIOD) => fx.api.post('/v1/admin/jobs/payouts', body, { token: adminToken });
const payoutRows = async () =>
  (await fx.db.sql.query<Record<string, unknown>>(`SELECT payout_id, partner_id, amount::text AS amount, status FROM payouts ORDER BY payout_id`)).rows;

describe('payment methods', () => {
  it('partner adds methods, one default at a time; the operator verifies', async () => {
    const first = await fx.api.post('/v1/partner/payment-methods', { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' } }, { token: p.c.key });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ provider: 'wire', is_default: true, is_verified: false });
    const second = await fx.api.post('/v1/partner/payment-methods', { payment_provider: 'stripe', provider_account_id: 'acct_1PartnerC', is_default: true }, { token: p.c.key });
    expect(second.status).toBe(201);
    const list = await fx.api.get('/v1/partner/payment-methods', { token: p.c.key });
    expect(list.body.data.map((m: any) => [m.provider, m.is_default])).toEqual([['wire', false], ['stripe', true]]);
    // Back to wire as the default, verified: C is paid by wire.
    const third = await fx.api.post('/v1/partner/payment-methods', { payment_provider: 'wire', account_details: { iban: 'FR7630006000011234567890189', bic: 'AGRIFRPPXXX' }, is_default: true }, { token: p.c.key });
    const verified = await fx.api.post(`/v1/admin/payment-methods/${third.body.partner_payment_method_id}/verify`, undefined, { token: adminToken });
    expect(verified.status).toBe(200);
    expect(verified.body.is_verified).toBe(true);
    const bad = await fx.api.post('/v1/partner/payment-methods', { payment_provider: 'stripe', provider_account_id: 'nope' }, { token: p.c.key });
    expect(bad.status).toBe(400);
    const none = await fx.api.post('/v1/admin/payment-methods/999999/verify', undefined, { token: adminToken });
    expect(none.status).toBe(404);
  });
});

describe('payout run', () => {
  it('a run killed half-way (transaction aborted) leaves nothing behind', async () => {
    const before = await payoutRows();
    await expect(
      fx.db.sql.transaction(async (tx) => {
        const { rows } = await runPayoutStatement(tx, { startDate: PERIOD.start_date, endDate: PERIOD.end_date, now: '2026-03-01T12:00:00.000Z', minimum: '50.00', currency: 'USD' });
        expect(rows.filter((r) => r.payout_id !== null).length).toBeGreaterThan(0);
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    expect(await payoutRows()).toEqual(before);
  });

  it('pays exactly the approved, unpaid, net amounts (matching the pure planner), and a concurrent run creates nothing more', async () => {
    const ledger = await loadLedger(fx.db.sql);
    const credits = selectPayableCredits(ledger).filter((c) => !c.eligibleAt || Date.parse(c.eligibleAt) < Date.parse(PERIOD.end_date));
    const { rows: methods } = await fx.db.sql.query<any>(
      `SELECT partner_id, partner_payment_method_id AS id, payment_provider_id, is_verified FROM partner_payment_methods WHERE is_default AND is_deleted IS NOT TRUE`,
    );
    const partnerIds = [...new Set(credits.map((c) => c.partnerId))];
    const plan = planPayouts({
      periodStart: PERIOD.start_date,
      periodEnd: PERIOD.end_date,
      now: '2026-03-01T12:00:00.000Z',
      credits,
      partners: partnerIds.map((partnerId) => {
        const m = methods.find((x: any) => Number(x.partner_id) === partnerId);
        return { partnerId, ...(m ? { defaultMethod: { id: Number(m.id), providerId: Number(m.payment_provider_id), isVerified: m.is_verified === true } } : {}) };
      }),
    });

    const [one, two] = await Promise.all([runJob(), runJob()]);
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(two.status, JSON.stringify(two.body)).toBe(200);
    const created = [...one.body.result.created, ...two.body.result.created];
    expect(created.map((c: any) => [c.partner_id, c.amount]).sort()).toEqual(
      [
        [p.a.partner_id, '65.00'],
        [p.c.partner_id, '80.00'],
        [p.f.partner_id, '75.00'],
      ].sort(),
    );
    const skipped = Object.fromEntries(one.body.result.created.length ? one.body.result.skipped.map((s: any) => [s.partner_id, [s.reason, s.amount]]) : two.body.result.skipped.map((s: any) => [s.partner_id, [s.reason, s.amount]]));
    expect(skipped[p.b.partner_id]).toEqual(['below_threshold', '45.00']);
    expect(skipped[p.d.partner_id]).toEqual(['no_verified_default_method', '90.00']);
    expect(skipped[p.e.partner_id]).toEqual(['below_threshold', '20.00']);

    // Same as the pure spec: partners, amounts, events.
    const { rows: events } = await fx.db.sql.query<any>(
      `SELECT p.partner_id, pe.conversion_event_id, pe.commission_amount::text AS amount FROM payout_events pe JOIN payouts p USING (payout_id)
       WHERE p.start_date = :s::timestamptz ORDER BY p.partner_id, pe.conversion_event_id`,
      { s: PERIOD.start_date },
    );
    const planned = plan.payouts
      .flatMap((payout) => payout.events.map((e) => ({ partner_id: payout.partnerId, conversion_event_id: e.conversionEventId, cents: e.amountCents })))
      .sort((x, y) => x.partner_id - y.partner_id || x.conversion_event_id - y.conversion_event_id);
    expect(events.map((e: any) => ({ partner_id: Number(e.partner_id), conversion_event_id: Number(e.conversion_event_id), cents: parseAmount(e.amount, 'USD') }))).toEqual(planned);
    // A's payout nets the clawback: 60 + 15 - 10; the late approval and pending/rejected are not in it.
    const aEvents = events.filter((e: any) => Number(e.partner_id) === p.a.partner_id).map((e: any) => [Number(e.conversion_event_id), amountText(e.amount, 'USD')]);
    expect(aEvents).toEqual([[conv.a1, '60.00'], [conv.ab, '15.00'], [conv.aPaid, '-10.00']].sort((x, y) => (x[0] as number) - (y[0] as number)));
    const { rows: adj } = await fx.db.sql.query<any>(`SELECT payout_id FROM commission_adjustments WHERE conversion_event_id = :c::bigint`, { c: conv.aPaid });
    expect(adj[0].payout_id).not.toBeNull();
    await expectBalanced(fx.db.sql);
  });

  it('a re-run pays nothing twice', async () => {
    const before = await payoutRows();
    const again = await runJob();
    expect(again.body.result.created).toEqual([]);
    expect(await payoutRows()).toEqual(before);
    // Another period later: still nothing for held shares; the late approval alone is below threshold.
    const next = await runJob({ start_date: '2026-03-01T00:00:00.000Z', end_date: '2026-03-01T12:00:00.000Z' });
    expect(next.body.result.created).toEqual([]);
    expect(next.body.result.skipped.find((s: any) => s.partner_id === p.a.partner_id)).toEqual({
      partner_id: p.a.partner_id,
      currency: 'USD',
      reason: 'below_threshold',
      amount: '33.00',
      minimum: '50.00',
    });
  });

  it('rejects a period ending in the future (400)', async () => {
    const res = await runJob({ start_date: '2026-03-01T00:00:00.000Z', end_date: '2026-04-01T00:00:00.000Z' });
    expect(res.status).toBe(400);
  });
});

async function payoutOf(partnerId: number) {
  const res = await fx.api.get(`/v1/admin/payouts?partner_id=${partnerId}&status=pending`, { token: adminToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data[0];
}

describe('sending payouts', () => {
  it('stripe success: completed, conversions paid only when every credited partner is paid', async () => {
    const payout = await payoutOf(p.a.partner_id);
    expect(payout.conversions.map((c: any) => c.commission_amount).sort()).toEqual(['-10.00', '15.00', '60.00']);
    useScript([stripeTransferRecording('stripe-transfer-created', { payoutId: payout.payout_id, key: `payout-${payout.payout_id}`, amountCents: 6500, destination: 'acct_1PartnerA' })]);
    const res = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/approve`, undefined, { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', idempotency_key: `payout-${payout.payout_id}`, attempts: 1, provider_transaction_id: 'tr_1QxPayout42AbCdEf' });
    expect(fake.requests.map((r) => [r.method, r.path, r.headers['idempotency-key']])).toEqual([['POST', '/v1/transfers', `payout-${payout.payout_id}`]]);
    const statuses = Object.fromEntries(res.body.conversions.map((c: any) => [c.conversion_event_id, c.conversion_status]));
    expect(statuses[conv.a1!]).toBe('paid');
    expect(statuses[conv.ab!]).toBe('approved'); // B's share is still unpaid
    expect(statuses[conv.aPaid!]).toBe('paid');
    // Approving again is a 409 and calls nothing.
    useScript([]);
    const again = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/approve`, undefined, { token: adminToken });
    expect(again.status).toBe(409);
    expect(fake.requests).toEqual([]);
    await expectBalanced(fx.db.sql);
  });

  it('timeout then retry: the same key, the adapter finds the first transfer, no second transfer is requested', async () => {
    const payout = await payoutOf(p.f.partner_id);
    const key = `payout-${payout.payout_id}`;
    useScript([{ networkError: true }]);
    const first = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/approve`, undefined, { token: adminToken });
    expect(first.body).toMatchObject({ status: 'failed', idempotency_key: key });
    useScript([stripeTransferRecording('stripe-transfers-list-found', { payoutId: payout.payout_id, key, amountCents: 7500, destination: 'acct_1PartnerF' })]);
    const retry = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/approve`, undefined, { token: adminToken });
    expect(retry.body).toMatchObject({ status: 'completed', idempotency_key: key, attempts: 2 });
    expect(fake.requests.map((r) => [r.method, r.path, r.query.get('transfer_group')])).toEqual([['GET', '/v1/transfers', key]]);
    expect(retry.body.conversions[0].conversion_status).toBe('paid');
    await expectBalanced(fx.db.sql);
  });

  it('definitive failure (insufficient funds) then retry re-issues with a new key', async () => {
    // Pay B now with a lower threshold, to have a fresh stripe payout.
    const run = await runJob({ ...PERIOD, start_date: '2026-02-02T00:00:00.000Z', minimum: '10.00' });
    const created = run.body.result.created.find((c: any) => c.partner_id === p.b.partner_id);
    expect(created.amount).toBe('45.00');
    const id = created.payout_id;
    useScript([recording('stripe-transfer-balance-insufficient')]);
    const failed = await fx.api.post(`/v1/admin/payouts/${id}/approve`, undefined, { token: adminToken });
    expect(failed.body).toMatchObject({ status: 'failed' });
    expect(failed.body.failure_reason).toBeTruthy();
    const reissueKey = `payout-${id}-reissue-1`;
    useScript([stripeTransferRecording('stripe-transfer-created', { payoutId: id, key: reissueKey, amountCents: 4500, destination: 'acct_1PartnerB' })]);
    const ok = await fx.api.post(`/v1/admin/payouts/${id}/approve`, undefined, { token: adminToken });
    expect(ok.body).toMatchObject({ status: 'completed', idempotency_key: reissueKey, attempts: 2 });
    expect(fake.requests.map((r) => r.headers['idempotency-key'])).toEqual([reissueKey]);
    // Now A and B are both paid for the shared conversion.
    const { rows } = await fx.db.sql.query<any>(`SELECT status FROM conversion_events WHERE conversion_event_id = :c::bigint`, { c: conv.ab });
    expect(rows[0].status).toBe('paid');
    await expectBalanced(fx.db.sql);
  });

  it('wire: approve leaves it processing (manual), fail then retry, confirm completes', async () => {
    const payout = await payoutOf(p.c.partner_id);
    useScript([]);
    const sent = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/approve`, undefined, { token: adminToken });
    expect(sent.body.status).toBe('processing');
    const failed = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/fail`, { failure_reason: 'bank refused' }, { token: adminToken });
    expect(failed.body).toMatchObject({ status: 'failed', failure_reason: 'bank refused' });
    expect((await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/confirm`, undefined, { token: adminToken })).status).toBe(409);
    const retried = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/approve`, undefined, { token: adminToken });
    expect(retried.body.status).toBe('processing');
    const confirmed = await fx.api.post(`/v1/admin/payouts/${payout.payout_id}/confirm`, undefined, { token: adminToken });
    expect(confirmed.body).toMatchObject({ status: 'completed' });
    expect(confirmed.body.conversions[0].conversion_status).toBe('paid');
    expect(fake.requests).toEqual([]);
    await expectBalanced(fx.db.sql);
  });

  it('partner sees its own payouts with their conversions', async () => {
    const res = await fx.api.get('/v1/partner/payouts', { token: p.a.key });
    expect(res.status).toBe(200);
    expect(res.body.data.every((x: any) => x.partner_id === p.a.partner_id)).toBe(true);
    expect(res.body.data.map((x: any) => x.amount)).toEqual(['65.00', '70.00']);
    const list = await fx.api.get(`/v1/admin/payouts?status=completed`, { token: adminToken });
    expect(list.body.data.length).toBeGreaterThanOrEqual(5);
  });
});

describe('a send that crashed mid-call', () => {
  it('is re-sent only after the grace period, with the same key and mayHaveBeenSent; a replayed transfer completes it once', async () => {
    const g = await createPartner(fx.api);
    await seedPaymentMethod(fx.db.sql, { partnerId: g.partner_id, provider: 'stripe', accountId: 'acct_1PartnerG' });
    const { rows: v } = await fx.db.sql.query<any>(`SELECT vendor_id, campaign_version_id FROM conversion_events WHERE conversion_event_id = :c::bigint`, { c: conv.a1 });
    await seedPayableConversion(fx.db.sql, { vendorId: Number(v[0].vendor_id), campaignVersionId: Number(v[0].campaign_version_id), status: 'approved', shares: [[g.partner_id, '88.00']] });
    const run = await runJob({ ...PERIOD, start_date: '2026-02-03T00:00:00.000Z' });
    const id = run.body.result.created.find((c: any) => c.partner_id === g.partner_id).payout_id;
    const key = `payout-${id}`;
    // The Lambda died after committing `processing` and before recording any answer.
    await fx.db.sql.query(
      `UPDATE payouts SET status = 'processing', processed_at = '2026-03-01T11:00:00', attempts = 1, idempotency_key = :k WHERE payout_id = :id::integer`,
      { k: key, id },
    );
    await fx.db.sql.query(`UPDATE payouts SET processed_at = '2026-03-01T11:58:00' WHERE payout_id = :id::integer`, { id });
    useScript([]);
    const tooSoon = await fx.api.post(`/v1/admin/payouts/${id}/approve`, undefined, { token: adminToken });
    expect(tooSoon.status).toBe(409);
    expect(fake.requests).toEqual([]);
    await fx.db.sql.query(`UPDATE payouts SET processed_at = '2026-03-01T11:00:00' WHERE payout_id = :id::integer`, { id });
    useScript([
      stripeTransferRecording('stripe-transfers-list-empty', { payoutId: id, key, amountCents: 8800, destination: 'acct_1PartnerG' }),
      stripeTransferRecording('stripe-transfer-replayed', { payoutId: id, key, amountCents: 8800, destination: 'acct_1PartnerG' }),
    ]);
    const resent = await fx.api.post(`/v1/admin/payouts/${id}/approve`, undefined, { token: adminToken });
    expect(resent.body).toMatchObject({ status: 'completed', idempotency_key: key, attempts: 2 });
    expect(fake.requests.map((r) => [r.method, r.path, r.headers['idempotency-key'] ?? r.query.get('transfer_group')])).toEqual([
      ['GET', '/v1/transfers', key],
      ['POST', '/v1/transfers', key],
    ]);
    await expectBalanced(fx.db.sql);
  });
});

describe('reconciliation', () => {
  it('the SQL query reports the same violations as the pure spec on injected faults, and the route shows them', async () => {
    const clean = await fx.api.get('/v1/admin/reconciliation', { token: adminToken });
    expect(clean.body).toMatchObject({ balanced: true, violations: [] });
    // The books per currency: every amount here is USD.
    expect(clean.body.money.map((m: { currency: string }) => m.currency)).toEqual(['USD']);
    const sql = fx.db.sql;
    await sql.query(`UPDATE touches SET touch_value = touch_value + 1 WHERE conversion_event_id = :c::bigint`, { c: conv.c });
    await sql.query(`UPDATE payouts SET amount = amount + 5 WHERE partner_id = :p::integer AND status = 'completed' AND start_date = '2026-02-01'`, { p: p.f.partner_id });
    await sql.query(`UPDATE conversion_events SET status = 'paid' WHERE conversion_event_id = :c::bigint`, { c: conv.d });
    await sql.query(`UPDATE conversion_events SET status = 'pending' WHERE conversion_event_id = :c::bigint`, { c: conv.e });
    const violations = await reconcileBooks(sql);
    expect(new Set(violations.map((v) => v.kind))).toEqual(
      new Set(['touches_not_equal_commission', 'share_paid_incorrectly', 'payout_amount_not_equal_events', 'paid_not_paid_out', 'event_on_unpayable_conversion']),
    );
    const res = await fx.api.get('/v1/admin/reconciliation', { token: adminToken });
    expect(res.body.balanced).toBe(false);
    expect(res.body.violations.length).toBe(violations.length);
  });
});
