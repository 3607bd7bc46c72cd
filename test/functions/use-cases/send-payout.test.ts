/**
 * Sending, failing and confirming payouts as use cases, with the real Stripe adapter over Stripe's
 * recorded responses (events/payments/) and the wire provider: the payout and conversion rows, the
 * outcome returned, and `PayoutsSent` / `PayoutsFailed` per provider.
 */
import { describe, expect, it } from 'vitest';
import { WirePayoutProvider } from '../../../functions/adapters/payments/wire-payout-provider.js';
import { systemActor } from '../../../functions/domain/audit/actor.js';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors.js';
import { confirmPayout } from '../../../functions/use-cases/confirm-payout.js';
import { failPayout } from '../../../functions/use-cases/fail-payout.js';
import { runPayouts } from '../../../functions/use-cases/run-payouts.js';
import { sendPayout } from '../../../functions/use-cases/send-payout.js';
import { recording, replayFetch, type Step } from '../../support/stand-ins/replay-fetch.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { seedPayableConversion, seedPaymentMethod, stripeTransferRecording } from '../../support/fixtures/payout-fixtures.js';
import { expectBalanced } from '../../support/books/reconcile.js';
import { seedCampaignVersion, seedPartner, seedVendor } from '../../support/fixtures/seed.js';
import { recordingLogger, recordingMetrics } from '../../support/fixtures/recording-telemetry.js';
import { recordedStripeProvider } from '../../support/stand-ins/recorded-stripe-provider.js';

let fake = replayFetch([]);
const now = new Date('2026-03-01T12:00:00.000Z');
const payoutOf: Record<'paid' | 'refused' | 'wire', number> = { paid: 0, refused: 0, wire: 0 };
const conversionOf: Record<keyof typeof payoutOf, number> = { paid: 0, refused: 0, wire: 0 };
const stripe = recordedStripeProvider((input, init) => fake.fetch(input, init));
const providers = { stripe, wire: new WirePayoutProvider() };

const db = useTestDatabase(async () => {
  const sql = db.sql;
  const { vendorId } = await seedVendor(sql);
  const { campaignVersionId } = await seedCampaignVersion(sql, vendorId);
  const partnerIds: Record<keyof typeof payoutOf, number> = { paid: 0, refused: 0, wire: 0 };
  for (const key of Object.keys(payoutOf) as Array<keyof typeof payoutOf>) {
    partnerIds[key] = (await seedPartner(sql)).partnerId;
    conversionOf[key] = await seedPayableConversion(sql, { vendorId, campaignVersionId, status: 'approved', shares: [[partnerIds[key], '65.00']] });
  }
  await seedPaymentMethod(sql, { partnerId: partnerIds.paid, provider: 'stripe', accountId: 'acct_1PartnerA' });
  await seedPaymentMethod(sql, { partnerId: partnerIds.refused, provider: 'stripe', accountId: 'acct_1PartnerB' });
  await seedPaymentMethod(sql, { partnerId: partnerIds.wire, provider: 'wire', details: { iban: 'DE89370400440532013000' } });
  const run = await runPayouts({ sql, now, input: {} });
  for (const key of Object.keys(payoutOf) as Array<keyof typeof payoutOf>) {
    payoutOf[key] = run.created.find((c) => c.partner_id === partnerIds[key])!.payout_id;
  }
}, 60_000);

const row = async (payoutId: number) =>
  (await db.sql.query<{ status: string; failure_reason: string | null; idempotency_key: string | null }>(
    `SELECT status, failure_reason, idempotency_key FROM payouts WHERE payout_id = :id::integer`,
    { id: payoutId },
  )).rows[0]!;
const conversionStatus = async (id: number) =>
  (await db.sql.query<{ status: string }>(`SELECT status FROM conversion_events WHERE conversion_event_id = :id::bigint`, { id })).rows[0]!.status;
const send = (payoutId: number, script: Step[], telemetry = { metrics: recordingMetrics(), logger: recordingLogger() }) => {
  fake = replayFetch(script);
  return sendPayout({ sql: db.sql, providers, payoutId, now, actor: systemActor, ...telemetry });
};

describe('sendPayout', () => {
  it('a transfer Stripe creates completes the payout, pays its conversion and counts PayoutsSent for stripe', async () => {
    const id = payoutOf.paid;
    const metrics = recordingMetrics();
    const logger = recordingLogger();
    const outcome = await send(id, [stripeTransferRecording('stripe-transfer-created', { payoutId: id, key: `payout-${id}`, amountCents: 6500, destination: 'acct_1PartnerA' })], { metrics, logger });
    expect(outcome).toEqual({ payout_id: id, status: 'completed' });
    expect(await row(id)).toMatchObject({ status: 'completed', idempotency_key: `payout-${id}` });
    expect(await conversionStatus(conversionOf.paid)).toBe('paid');
    expect(fake.requests.map((r) => [r.method, r.path, r.headers['idempotency-key']])).toEqual([['POST', '/v1/transfers', `payout-${id}`]]);
    expect(metrics.recorded).toEqual([{ name: 'PayoutsSent', value: 1, dimensions: { provider: 'stripe' } }]);
    expect(logger.lines).toEqual([{ level: 'info', message: 'payout sent', fields: { payout_id: id, provider: 'stripe', status: 'completed' } }]);
  });

  it("Stripe's refusal (insufficient balance) is recorded as failed, returned, and counted as PayoutsFailed for stripe", async () => {
    const id = payoutOf.refused;
    const metrics = recordingMetrics();
    const outcome = await send(id, [recording('stripe-transfer-balance-insufficient')], { metrics, logger: recordingLogger() });
    expect(outcome).toEqual({ payout_id: id, status: 'failed' });
    expect((await row(id)).status).toBe('failed');
    expect((await row(id)).failure_reason).toBeTruthy();
    expect(await conversionStatus(conversionOf.refused)).toBe('approved');
    expect(metrics.recorded).toEqual([{ name: 'PayoutsFailed', value: 1, dimensions: { provider: 'stripe' } }]);
  });

  it('a completed payout cannot be sent again (a ConflictError), an unknown one is a NotFoundError; neither calls Stripe or counts', async () => {
    const metrics = recordingMetrics();
    await expect(send(payoutOf.paid, [], { metrics, logger: recordingLogger() })).rejects.toBeInstanceOf(ConflictError);
    await expect(send(999_999, [], { metrics, logger: recordingLogger() })).rejects.toBeInstanceOf(NotFoundError);
    expect(fake.requests).toEqual([]);
    expect(metrics.recorded).toEqual([]);
  });
});

describe('wire payouts: send, fail on the operator word, retry, confirm', () => {
  it('counts the hand-over to the wire process as sent, the operator failure as failed, and confirm pays the conversion', async () => {
    const id = payoutOf.wire;
    const metrics = recordingMetrics();
    expect(await send(id, [], { metrics, logger: recordingLogger() })).toEqual({ payout_id: id, status: 'processing' });
    await failPayout({ sql: db.sql, payoutId: id, failureReason: 'bank refused', now, actor: systemActor, metrics });
    expect(await row(id)).toMatchObject({ status: 'failed', failure_reason: 'bank refused' });
    await expect(confirmPayout({ sql: db.sql, payoutId: id, now, actor: systemActor })).rejects.toBeInstanceOf(ConflictError);
    expect((await send(id, [], { metrics, logger: recordingLogger() })).status).toBe('processing');
    expect(await confirmPayout({ sql: db.sql, payoutId: id, now, actor: systemActor })).toEqual({ conversions_paid: [conversionOf.wire] });
    expect((await row(id)).status).toBe('completed');
    expect(await conversionStatus(conversionOf.wire)).toBe('paid');
    expect(metrics.recorded).toEqual([
      { name: 'PayoutsSent', value: 1, dimensions: { provider: 'wire' } },
      { name: 'PayoutsFailed', value: 1, dimensions: { provider: 'wire' } },
      { name: 'PayoutsSent', value: 1, dimensions: { provider: 'wire' } },
    ]);
    expect(fake.requests).toEqual([]);
    await expectBalanced(db.sql);
  });
});
