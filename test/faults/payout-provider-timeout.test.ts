/**
 * A payout provider timing out, end to end: the local platform's management API pays through the
 * real Stripe adapter (functions/adapters/payments/) over HTTP to a local server standing in for
 * the Stripe API, with Stripe's idempotency semantics (test/support/stand-ins/stripe-stand-in.ts).
 * The stand-in holds requests past the adapter's timeout, before or after executing the transfer.
 *
 * - the adapter's own retry sends the same key and gets the transfer, or Stripe's replay of the
 *   first attempt when that one was executed and only its answer was lost;
 * - the adapter gives up, the payout fails with an unknown outcome; the operator's retry
 *   (`POST /v1/admin/payouts/{id}/approve`) uses the SAME key: when the first attempt did go
 *   through it finds that transfer and creates none, otherwise it creates one;
 * - two operators retrying at once: one send, one 409.
 *
 * Every payout ends completed once with exactly one transfer at the provider, payout_events sum to
 * the payout, and the books reconcile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayoutProviders } from '../../functions/adapters/payments/create-payout-providers.js';
import { payoutIdempotencyKey } from '../../functions/domain/payouts/index.js';
import { createHandler as createManagementApi } from '../../functions/handlers/management-api.js';
import type { LocalHandler } from '../../lib/local/load-functions.js';
import { seedPayableConversion, seedPaymentMethod } from '../support/fixtures/payout-fixtures.js';
import { expectBalanced } from '../support/books/reconcile.js';
import { seedCampaignVersion, seedPartner, seedVendor } from '../support/fixtures/seed.js';
import { httpApi, printFigures, startFaultPlatform, type FaultPlatform, type JsonAnswer } from '../support/platform/fault-platform.js';
import { startStripeStandIn, type StripeStandIn } from '../support/stand-ins/stripe-stand-in.js';
import { amountText } from '../../functions/domain/money/amount-text.js';

/** Per HTTP attempt. Long enough that an answered request never times out on a loaded machine. */
const TIMEOUT_MS = 1000;
/** The adapter's own retries after the first attempt. */
const RETRIES = 1;
const PERIOD = { start_date: '2026-02-01T00:00:00.000Z', end_date: '2026-03-01T00:00:00.000Z', minimum: '10.00' };

let fp: FaultPlatform;
let stripe: StripeStandIn;
let api: ReturnType<typeof httpApi>;
const partners: Record<'a' | 'b' | 'c' | 'd' | 'e', number> = { a: 0, b: 0, c: 0, d: 0, e: 0 };
const payouts: Record<'a' | 'b' | 'c' | 'd' | 'e', { id: number; amount: string; key: string }> = {} as never;
const figures: Record<string, number | string> = {};
const suiteStarted = performance.now();

beforeAll(async () => {
  stripe = await startStripeStandIn();
  fp = await startFaultPlatform('payout-timeout', {
    functionOverrides: {
      managementApi: (deps) =>
        createManagementApi({
          ...deps,
          payoutProviders: createPayoutProviders({
            fetch: (input, init) => fetch(input, init),
            stripe: { apiKey: 'sk_test_fault_suite', baseUrl: stripe.url, timeoutMs: TIMEOUT_MS, retries: RETRIES, retryMinDelayMs: 0 },
          }),
        }) as LocalHandler,
    },
  });
  api = httpApi(fp.platform.url);
  const sql = fp.platform.deps.sql;
  const { vendorId } = await seedVendor(sql);
  const { campaignVersionId } = await seedCampaignVersion(sql, vendorId);
  for (const name of ['a', 'b', 'c', 'd', 'e'] as const) {
    partners[name] = (await seedPartner(sql)).partnerId;
    await seedPaymentMethod(sql, { partnerId: partners[name], provider: 'stripe', accountId: `acct_1Fault${name.toUpperCase()}` });
  }
  const approved = (shares: Array<[number, string]>) => seedPayableConversion(sql, { vendorId, campaignVersionId, status: 'approved', shares });
  await approved([[partners.a, '60.00']]);
  await approved([[partners.b, '45.00']]);
  // Shared by B and C: paid only once both are.
  await approved([[partners.b, '30.00'], [partners.c, '20.00']]);
  await approved([[partners.c, '80.00']]);
  await approved([[partners.d, '55.55']]);
  await approved([[partners.e, '12.34']]);
  const run = await api.post('/v1/admin/jobs/payouts', PERIOD, fp.platform.adminToken);
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  for (const name of ['a', 'b', 'c', 'd', 'e'] as const) {
    const created = run.body.result.created.find((c: { partner_id: number }) => c.partner_id === partners[name]);
    const namespace = fp.platform.deps.config.payoutKeyNamespace;
    payouts[name] = { id: created.payout_id, amount: created.amount, key: payoutIdempotencyKey({ payoutId: created.payout_id, ...(namespace ? { namespace } : {}) }) };
  }
}, 120_000);

afterAll(async () => {
  await fp?.stop();
  await stripe?.close();
  figures.wall_ms = Math.round(performance.now() - suiteStarted);
  printFigures('payout-provider-timeout', figures);
});

const approve = (id: number): Promise<JsonAnswer> => api.post(`/v1/admin/payouts/${id}/approve`, undefined, fp.platform.adminToken);
const requestsFor = (key: string) => stripe.requests.filter((r) => r.idempotencyKey === key || r.transferGroup === key);
const cents = (amount: string) => Number(amount.replace('.', ''));

describe('a payout provider timing out', () => {
  it("the adapter's own retry sends the same key and completes the payout with one transfer", async () => {
    const { id, key, amount } = payouts.a;
    stripe.script(key, ['hang']);
    const started = performance.now();
    const res = await approve(id);
    figures.adapter_retry_ms = Math.round(performance.now() - started);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', idempotency_key: key, attempts: 1, provider_transaction_id: stripe.transfers.get(key)!.id });
    expect(requestsFor(key).map((r) => [r.method, r.idempotencyKey, r.outcome])).toEqual([
      ['POST', key, 'hung'],
      ['POST', key, 'created'],
    ]);
    expect(stripe.transfers.get(key)).toMatchObject({ amount: cents(amount), destination: 'acct_1FaultA', transfer_group: key });
  });

  it("the first attempt went through but its answer timed out: the adapter's retry gets Stripe's replay, no second transfer", async () => {
    const { id, key, amount } = payouts.e;
    stripe.script(key, ['execute-then-hang']);
    const res = await approve(id);
    expect(res.body).toMatchObject({ status: 'completed', idempotency_key: key, attempts: 1, provider_transaction_id: stripe.transfers.get(key)!.id });
    expect(requestsFor(key).map((r) => [r.method, r.idempotencyKey, r.outcome])).toEqual([
      ['POST', key, 'executed-then-hung'],
      ['POST', key, 'replayed'],
    ]);
    expect(stripe.transfers.get(key)).toMatchObject({ amount: cents(amount), destination: 'acct_1FaultE' });
  });

  it('timed out but went through: the payout fails with an unknown outcome, the operator retry finds the transfer and creates none', async () => {
    const { id, key, amount } = payouts.b;
    // Every attempt of the first approve times out; the first one was executed at Stripe.
    stripe.script(key, ['execute-then-hang', ...Array.from({ length: RETRIES }, () => 'hang' as const)]);
    const first = await approve(id);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'failed', idempotency_key: key, attempts: 1 });
    expect(first.body.failure_reason).toContain(`within ${TIMEOUT_MS} ms`);
    expect(stripe.transfers.has(key)).toBe(true);
    const payoutRow = await fp.platform.deps.sql.query<{ provider_response: { reason: string; outcome: string } }>(
      `SELECT provider_response FROM payouts WHERE payout_id = :id::integer`,
      { id },
    );
    expect(payoutRow.rows[0]!.provider_response).toMatchObject({ reason: 'timeout', outcome: 'unknown' });

    const retry = await approve(id);
    expect(retry.body).toMatchObject({ status: 'completed', idempotency_key: key, attempts: 2, provider_transaction_id: stripe.transfers.get(key)!.id });
    expect(requestsFor(key).map((r) => [r.method, r.outcome])).toEqual([
      ...Array.from({ length: RETRIES + 1 }, (_, i) => ['POST', i === 0 ? 'executed-then-hung' : 'hung']),
      ['GET', 'listed'],
    ]);
    expect(stripe.transfers.get(key)).toMatchObject({ amount: cents(amount), destination: 'acct_1FaultB' });
  });

  it('timed out and did not go through: the operator retry creates the transfer under the same key', async () => {
    const { id, key, amount } = payouts.c;
    stripe.script(key, Array.from({ length: RETRIES + 1 }, () => 'hang' as const));
    const first = await approve(id);
    expect(first.body).toMatchObject({ status: 'failed', idempotency_key: key });
    expect(stripe.transfers.has(key)).toBe(false);
    const retry = await approve(id);
    expect(retry.body).toMatchObject({ status: 'completed', idempotency_key: key, attempts: 2, provider_transaction_id: stripe.transfers.get(key)!.id });
    expect(requestsFor(key).map((r) => [r.method, r.idempotencyKey ?? r.transferGroup, r.outcome])).toEqual([
      ...Array.from({ length: RETRIES + 1 }, () => ['POST', key, 'hung']),
      ['GET', key, 'listed'],
      ['POST', key, 'created'],
    ]);
    expect(stripe.transfers.get(key)).toMatchObject({ amount: cents(amount), destination: 'acct_1FaultC' });
  });

  it('two operators retrying the timed-out payout at once: one send, one 409, one transfer', async () => {
    const { id, key } = payouts.d;
    stripe.script(key, ['execute-then-hang', ...Array.from({ length: RETRIES }, () => 'hang' as const)]);
    expect((await approve(id)).body.status).toBe('failed');
    const answers = await Promise.all([approve(id), approve(id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 200)!.body).toMatchObject({ status: 'completed', idempotency_key: key });
    expect(requestsFor(key).filter((r) => r.outcome === 'created' || r.outcome === 'executed-then-hung')).toHaveLength(1);
  });

  it('every payout completed once, one transfer each, events sum to the payout, the books balance', async () => {
    const sql = fp.platform.deps.sql;
    const before = stripe.requests.length;
    // Approving a completed payout again is refused and calls nothing.
    expect((await approve(payouts.a.id)).status).toBe(409);
    expect(stripe.requests.length).toBe(before);

    expect([...stripe.transfers.keys()].sort()).toEqual(Object.values(payouts).map((p) => p.key).sort());
    for (const payout of Object.values(payouts)) {
      // Every request about this payout carried its one key; the transfer is for its amount.
      expect(requestsFor(payout.key).every((r) => r.method === 'GET' || r.idempotencyKey === payout.key)).toBe(true);
      expect(stripe.transfers.get(payout.key)!.amount).toBe(cents(payout.amount));
    }
    const rows = await sql.query<{ payout_id: number; status: string; amount: string; events: string; provider_transaction_id: string }>(
      `SELECT p.payout_id, p.status, p.amount::text AS amount, p.provider_transaction_id,
              (SELECT SUM(e.commission_amount)::text FROM payout_events e WHERE e.payout_id = p.payout_id AND NOT e.is_deleted) AS events
       FROM payouts p ORDER BY p.payout_id`,
    );
    // The columns print 3 decimals; the job reported the amounts in USD's 2.
    const usd = (value: string) => amountText(value, 'USD');
    expect(rows.rows.map((r) => ({ ...r, amount: usd(r.amount), events: usd(r.events) }))).toEqual(
      Object.values(payouts)
        .sort((x, y) => x.id - y.id)
        .map((p) => ({ payout_id: p.id, status: 'completed', amount: p.amount, events: p.amount, provider_transaction_id: stripe.transfers.get(p.key)!.id })),
    );
    const unpaid = await sql.query(`SELECT conversion_event_id FROM conversion_events WHERE status <> 'paid'`);
    expect(unpaid.rows).toEqual([]);
    await expectBalanced(sql);
    figures.payouts = rows.rows.length;
    figures.transfers = stripe.transfers.size;
    figures.provider_requests = stripe.requests.length;
    figures.timed_out_requests = stripe.requests.filter((r) => r.outcome === 'hung' || r.outcome === 'executed-then-hung').length;
  });
});
