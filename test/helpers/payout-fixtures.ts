/**
 * Payout test seeding and read-back: partners' payment methods, conversions in a given state with
 * their touches, and the money tables read back as ledger rows for the pure payout rules
 * (test/support/payout-oracle) to cross-check the SQL.
 */
import { randomUUID } from 'node:crypto';
import { ledgerRowsFromRecords, type LedgerRows } from '../support/payout-oracle/index.js';
import type { SqlExecutor } from '../../functions/ports/sql-executor.js';
import { recording, type Recording } from '../functions/adapters/payments/replay-fetch.js';

export async function seedPaymentMethod(
  sql: SqlExecutor,
  args: { partnerId: number; provider: 'stripe' | 'paypal' | 'wire'; accountId?: string | null; details?: Record<string, unknown>; verified?: boolean; isDefault?: boolean },
): Promise<number> {
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO partner_payment_methods (partner_id, payment_provider_id, provider_account_id, account_details, is_default, is_verified, verified_at)
     VALUES (:p::integer, (SELECT payment_provider_id FROM payment_providers WHERE name = :provider), :account, :details::jsonb,
             :isDefault::boolean, :verified::boolean, CASE WHEN :verified::boolean THEN NOW() END)
     RETURNING partner_payment_method_id AS id`,
    { p: args.partnerId, provider: args.provider, account: args.accountId ?? null, details: args.details ?? {}, isDefault: args.isDefault ?? true, verified: args.verified ?? true },
  );
  return Number(rows[0]!.id);
}

export interface SeedPayableConversion {
  vendorId: number;
  campaignVersionId: number;
  status: 'pending' | 'approved' | 'rejected' | 'paid';
  /** Partner id -> touch value (decimal string); the first partner is the conversion's partner. */
  shares: Array<[number, string]>;
  approvedAt?: string | null;
  occurredAt?: string;
}

/** A conversion whose commission = the sum of its touches, one touch per share. */
export async function seedPayableConversion(sql: SqlExecutor, c: SeedPayableConversion): Promise<number> {
  const total = c.shares.reduce((sum, [, value]) => sum + BigInt(value.replace('.', '')), 0n);
  const commission = `${total / 100n}.${(total % 100n).toString().padStart(2, '0')}`;
  const occurredAt = c.occurredAt ?? '2026-01-10T10:00:00.000Z';
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO conversion_events (vendor_id, source, receipt_id, conversion_event_type_id, partner_id, campaign_version_id,
       attribution_type, transaction_id, event_value, commission_amount, commission_type, commission_value, status,
       occurred_at, recorded_at, approved_at, customer_email, customer_id)
     VALUES (:vendor::integer, 'api', :receipt::uuid, (SELECT conversion_event_type_id FROM conversion_event_types WHERE name = 'sale'),
       :partner::integer, :cv::integer, 'linear', :tx, :commission::numeric * 10, :commission::numeric, 'percentage', '10.00', :status,
       :occurred::timestamptz, :occurred::timestamptz, :approved::timestamptz, :email, :customer)
     RETURNING conversion_event_id AS id`,
    {
      vendor: c.vendorId,
      receipt: randomUUID(),
      partner: c.shares[0]![0],
      cv: c.campaignVersionId,
      tx: `tx-${randomUUID()}`,
      commission,
      status: c.status,
      occurred: occurredAt,
      approved: c.approvedAt === undefined ? (c.status === 'approved' || c.status === 'paid' ? '2026-02-10T10:00:00.000Z' : null) : c.approvedAt,
      email: `customer-${randomUUID()}@example.com`,
      customer: `cus_${randomUUID()}`,
    },
  );
  const id = Number(rows[0]!.id);
  for (const [index, [partnerId, value]] of c.shares.entries()) {
    await sql.query(
      `INSERT INTO touches (conversion_event_id, partner_id, campaign_version_id, touch_type, touch_value, attribution_type, occurred_at)
       VALUES (:id::bigint, :p::integer, :cv::integer, :type, :value::numeric, 'linear', :occurred::timestamptz)`,
      { id, p: partnerId, cv: c.campaignVersionId, type: c.shares.length === 1 ? 'only' : index === 0 ? 'first' : 'last', value, occurred: occurredAt },
    );
  }
  return id;
}

/** The money tables as the pure payout rules read them. */
export async function loadLedger(sql: SqlExecutor): Promise<LedgerRows> {
  const q = async (text: string) => (await sql.query<Record<string, unknown>>(text)).rows;
  return ledgerRowsFromRecords({
    conversionEvents: await q(`SELECT conversion_event_id, status, commission_amount::text AS commission_amount, currency, approved_at, is_deleted FROM conversion_events`),
    touches: await q(`SELECT conversion_event_id, partner_id, touch_value::text AS touch_value, is_deleted FROM touches`),
    payouts: await q(`SELECT payout_id, partner_id, status, amount::text AS amount, currency, is_deleted FROM payouts`),
    payoutEvents: await q(`SELECT payout_id, conversion_event_id, commission_amount::text AS commission_amount, is_deleted FROM payout_events`),
    commissionAdjustments: await q(`SELECT commission_adjustment_id, conversion_event_id, partner_id, amount::text AS amount, currency, payout_id, created_at FROM commission_adjustments`),
  });
}

/** A recorded Stripe transfer (or transfer list) rewritten to be the transfer of this payout. */
export function stripeTransferRecording(
  name: 'stripe-transfer-created' | 'stripe-transfer-replayed' | 'stripe-transfers-list-found' | 'stripe-transfers-list-empty',
  payout: { payoutId: number; key: string; amountCents: number; destination: string },
): Recording {
  const rec = recording(name);
  const patch = (t: Record<string, unknown>) => {
    t.amount = payout.amountCents;
    t.destination = payout.destination;
    t.currency = 'usd';
    t.metadata = { payout_id: String(payout.payoutId), idempotency_key: payout.key };
    t.transfer_group = payout.key;
  };
  const body = rec.response.body as Record<string, unknown>;
  if (Array.isArray(body.data)) for (const t of body.data as Record<string, unknown>[]) patch(t);
  else patch(body);
  return rec;
}
