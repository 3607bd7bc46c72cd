/**
 * Refunds and disputes in Aurora. Every refund of a transaction is kept in one ledger row - an
 * `unattributed_conversions` row of event type `refund` (reason `refund_ledger`), i.e. "refund
 * events of this transaction", whose payload holds the set of refund events keyed by provider
 * event id. A conversion's state is always recomputed from its sale and the WHOLE set, so a
 * refund before its sale, after it, or redelivered, ends in the same rows. Reports of
 * unattributed conversions should leave these rows out (`reason <> 'refund_ledger'`). The sale path reads
 * the same ledger when it records the conversion.
 */
import type { RefundEvent } from '../../domain/refunds/index.js';
import { largerRefundClaim } from '../../domain/refunds/reduce-refunds.js';
import { formatAmount, MAX_CURRENCY_EXPONENT, parseAmount } from '../../domain/money/currency.js';
import { formatScaledDecimal, parseScaledDecimal } from '../../domain/money/index.js';
import { ledgerInCurrency, type RefundPlan, type RefundTarget, type StoredTouch } from '../../domain/conversions/index.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { addJourneyCommission, applyEnrollmentTotals } from './conversions-write.js';

export const REFUND_LEDGER_EVENT_TYPE = 'refund';
export const REFUND_LEDGER_REASON = 'refund_ledger';

interface LedgerEntry {
  event_id: string;
  reason: RefundEvent['reason'];
  dispute_id?: string | null;
  amount: string | null;
  cumulative: boolean;
  /** Absent on entries written before refund statuses were kept: succeeded. */
  status?: RefundEvent['status'];
  charge_id?: string | null;
}

interface TransactionKey {
  vendorId: number;
  source: string;
  transactionId: string;
}

// The ledger keeps amounts at 3 decimals (the widest minor unit): a refund can arrive before the
// sale that tells its currency. `ledgerInCurrency` turns them into the sale's minor units.
const toEvent = (e: LedgerEntry): RefundEvent => ({
  eventId: e.event_id,
  reason: e.reason,
  disputeId: e.dispute_id ?? null,
  amountCents: e.amount === null ? null : parseScaledDecimal(e.amount, MAX_CURRENCY_EXPONENT),
  cumulative: e.cumulative,
  ...(e.status ? { status: e.status } : {}),
  chargeId: e.charge_id ?? null,
});

const toEntry = (e: RefundEvent): LedgerEntry => ({
  event_id: e.eventId,
  reason: e.reason,
  dispute_id: e.disputeId ?? null,
  amount: e.amountCents === null || e.amountCents === undefined ? null : formatScaledDecimal(e.amountCents, MAX_CURRENCY_EXPONENT),
  cumulative: e.cumulative === true,
  ...(e.status ? { status: e.status } : {}),
  ...(e.chargeId ? { charge_id: e.chargeId } : {}),
});


/**
 * The refund events recorded for this transaction (empty when none): in minor units of
 * `currency` when given, else in the ledger's thousandths.
 */
export async function loadLedgerRefunds(sql: SqlExecutor, key: TransactionKey, currency?: string): Promise<RefundEvent[]> {
  const result = await sql.query<{ payload: LedgerPayload | null }>(LEDGER_PAYLOAD_SQL, ledgerParams(key));
  return ledgerRefundsOf(result.rows[0]?.payload ?? null, currency);
}

export type LedgerPayload = { refunds?: LedgerEntry[] };

/** The ledger row's payload; parameters `ledgerParams` (also read inside loadCommissionInputs' statement). */
export const LEDGER_PAYLOAD_SQL = `SELECT payload FROM unattributed_conversions
     WHERE vendor_id = :vendor::integer AND source = :source AND transaction_id = :tx AND event_type = :ledgerType`;

export const ledgerParams = (key: TransactionKey) => ({
  vendor: key.vendorId,
  source: key.source,
  tx: key.transactionId,
  ledgerType: REFUND_LEDGER_EVENT_TYPE,
});

export function ledgerRefundsOf(payload: LedgerPayload | null, currency?: string): RefundEvent[] {
  const events = (payload?.refunds ?? []).map(toEvent);
  return currency === undefined ? events : ledgerInCurrency(events, currency);
}

/** Adds one refund event to the transaction's ledger (a copy of a known event keeps the larger claim); returns the whole set. */
export async function recordRefund(
  sql: SqlExecutor,
  key: TransactionKey & { occurredAt: string; integrationId?: number },
  event: RefundEvent,
): Promise<RefundEvent[]> {
  await sql.query(
    `INSERT INTO unattributed_conversions (vendor_id, source, transaction_id, event_type, payload, reason, occurred_at)
     VALUES (:vendor::integer, :source, :tx, :type, '{"refunds": []}'::jsonb, :reason, :at::timestamptz)
     ON CONFLICT (vendor_id, source, transaction_id, event_type) DO NOTHING`,
    {
      vendor: key.vendorId,
      source: key.source,
      tx: key.transactionId,
      type: REFUND_LEDGER_EVENT_TYPE,
      reason: REFUND_LEDGER_REASON,
      at: key.occurredAt,
    },
  );
  const events = await loadLedgerRefunds(sql, key);
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const seen = byId.get(event.eventId);
  byId.set(event.eventId, seen ? largerRefundClaim(seen, event) : event);
  const merged = [...byId.values()].sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  await sql.query(
    `UPDATE unattributed_conversions SET payload = :payload::jsonb
     WHERE vendor_id = :vendor::integer AND source = :source AND transaction_id = :tx AND event_type = :type`,
    {
      vendor: key.vendorId,
      source: key.source,
      tx: key.transactionId,
      type: REFUND_LEDGER_EVENT_TYPE,
      payload: JSON.stringify({ refunds: merged.map(toEntry) }),
    },
  );
  return merged;
}

export interface LoadedRefundTarget extends RefundTarget {
  conversionEventId: number;
  /** The conversion's currency: every amount of the target is in its minor units. */
  currency: string;
  funnelJourneyId: number | null;
}

/** The transaction's recorded conversions (all event types), with touches, snapshot and adjustments. */
export async function loadRefundTargets(sql: SqlExecutor, key: TransactionKey): Promise<LoadedRefundTarget[]> {
  const conversions = await sql.query<{
    conversion_event_id: number;
    status: RefundTarget['status'];
    rejection_reason: string | null;
    event_value: string | null;
    currency: string;
    commission_amount: string | null;
    refunded_amount: string;
    funnel_journey_id: number | null;
    original: string | null;
  }>(
    `SELECT ce.conversion_event_id, ce.status, ce.rejection_reason, ce.event_value, ce.currency, ce.commission_amount,
            ce.refunded_amount, ce.funnel_journey_id,
            (SELECT s.commission_amount FROM event_commission_snapshots s
             WHERE s.conversion_event_id = ce.conversion_event_id
             ORDER BY s.event_commission_snapshot_id LIMIT 1) AS original
     FROM conversion_events ce
     WHERE ce.vendor_id = :vendor::integer AND ce.source = :source AND ce.transaction_id = :tx AND ce.is_deleted IS NOT TRUE
     ORDER BY ce.conversion_event_id
     FOR UPDATE OF ce`,
    { vendor: key.vendorId, source: key.source, tx: key.transactionId },
  );
  if (conversions.rows.length === 0) return [];
  const ids = conversions.rows.map((row) => row.conversion_event_id);
  const touches = await sql.query<{
    touch_id: number;
    conversion_event_id: number;
    partner_id: number;
    campaign_version_id: number;
    touch_value: string | null;
    weight: string | null;
  }>(
    `SELECT touch_id, conversion_event_id, partner_id, campaign_version_id, touch_value, metadata ->> 'weight' AS weight
     FROM touches WHERE conversion_event_id = ANY(:ids::bigint[]) AND is_deleted IS NOT TRUE
     ORDER BY conversion_event_id, occurred_at, touch_id`,
    { ids },
  );
  const adjustments = await sql.query<{ conversion_event_id: number; partner_id: number; amount: string }>(
    `SELECT conversion_event_id, partner_id, sum(amount)::text AS amount FROM commission_adjustments
     WHERE conversion_event_id = ANY(:ids::bigint[]) GROUP BY conversion_event_id, partner_id`,
    { ids },
  );
  // What live payouts of each partner hold for the share, gross of the adjustments netted into
  // those payouts (docs/payouts.md: a netted clawback shares the conversion's payout_events row).
  const held = await sql.query<{ conversion_event_id: number; partner_id: number; held: string }>(
    `SELECT x.conversion_event_id, x.partner_id, sum(x.amount - x.netted)::text AS held
     FROM (
       SELECT pe.conversion_event_id, p.partner_id, pe.commission_amount AS amount,
              COALESCE((SELECT sum(a.amount) FROM commission_adjustments a
                        WHERE a.payout_id = p.payout_id AND a.conversion_event_id = pe.conversion_event_id
                          AND a.partner_id = p.partner_id), 0) AS netted
       FROM payout_events pe JOIN payouts p ON p.payout_id = pe.payout_id
       WHERE pe.conversion_event_id = ANY(:ids::bigint[]) AND p.is_deleted IS NOT TRUE AND pe.is_deleted IS NOT TRUE
     ) AS x
     GROUP BY x.conversion_event_id, x.partner_id`,
    { ids },
  );
  return conversions.rows.map((row) => {
    const parseMoney = (value: string) => parseAmount(value, row.currency);
    const own: StoredTouch[] = touches.rows
      .filter((t) => t.conversion_event_id === row.conversion_event_id)
      .map((t) => ({
        touchId: t.touch_id,
        partnerId: t.partner_id,
        campaignVersionId: t.campaign_version_id,
        weight: BigInt(t.weight ?? '0'),
        value: parseMoney(t.touch_value ?? '0'),
      }));
    const commission = parseMoney(row.commission_amount ?? '0');
    return {
      conversionEventId: row.conversion_event_id,
      currency: row.currency,
      funnelJourneyId: row.funnel_journey_id,
      status: row.status,
      rejectionReason: row.rejection_reason,
      saleCents: parseMoney(row.event_value ?? '0'),
      originalCommissionCents: row.original === null ? commission : parseMoney(row.original),
      commissionCents: commission,
      refundedCents: parseMoney(row.refunded_amount),
      touches: own,
      heldByPartner: held.rows.some((h) => h.conversion_event_id === row.conversion_event_id)
        ? new Map(
            held.rows
              .filter((h) => h.conversion_event_id === row.conversion_event_id)
              .map((h) => [String(h.partner_id), parseMoney(h.held)]),
          )
        : undefined,
      adjustmentsByPartner: new Map(
        adjustments.rows
          .filter((a) => a.conversion_event_id === row.conversion_event_id)
          .map((a) => [String(a.partner_id), parseMoney(a.amount)]),
      ),
    };
  });
}

/**
 * Writes a refund plan: the conversion, its touches (what each partner now earns), the journey's
 * commission, new adjustments for shares a payout holds, and the enrollment totals.
 */
export async function applyRefundPlan(
  sql: SqlExecutor,
  input: { target: LoadedRefundTarget; plan: RefundPlan; sourceEventId: string; reason: 'refund' | 'dispute' | 'dispute_won' },
): Promise<void> {
  const { target, plan } = input;
  if (plan.kind === 'unchanged') return;
  const formatMoney = (minor: bigint) => formatAmount(minor, target.currency);
  await sql.query(
    `UPDATE conversion_events
     SET commission_amount = :commission::numeric, refunded_amount = :refunded::numeric, status = :status::text,
         rejection_reason = CASE WHEN :status::text = 'rejected' THEN COALESCE(:reason, rejection_reason) ELSE rejection_reason END,
         rejected_at = CASE WHEN :status::text = 'rejected' THEN COALESCE(rejected_at, NOW()) ELSE rejected_at END
     WHERE conversion_event_id = :id::bigint`,
    {
      id: target.conversionEventId,
      commission: formatMoney(plan.commissionCents),
      refunded: formatMoney(plan.refundedCents),
      status: plan.status,
      reason: plan.rejectionReason,
    },
  );
  if (plan.touchValues.length > 0) {
    await sql.query(
      `UPDATE touches t SET touch_value = v.value
       FROM jsonb_to_recordset(:values::jsonb) AS v(touch_id bigint, value numeric)
       WHERE t.touch_id = v.touch_id`,
      { values: JSON.stringify(plan.touchValues.map((v) => ({ touch_id: v.touchId, value: formatMoney(v.value) }))) },
    );
  }
  const journeyDelta = plan.commissionCents - target.commissionCents;
  if (target.funnelJourneyId !== null && journeyDelta !== 0n) {
    await addJourneyCommission(sql, target.funnelJourneyId, formatMoney(journeyDelta));
  }
  if (plan.adjustments.length > 0) {
    await sql.query(
      `INSERT INTO commission_adjustments (conversion_event_id, partner_id, amount, currency, reason, source_event_id)
       SELECT :id::bigint, a.partner_id, a.amount, :currency, :reason, :event
       FROM jsonb_to_recordset(:rows::jsonb) AS a(partner_id integer, amount numeric)
       ON CONFLICT (conversion_event_id, partner_id, source_event_id) DO NOTHING`,
      {
        id: target.conversionEventId,
        currency: target.currency,
        reason:
          input.reason === 'dispute' ? 'dispute after payout' : input.reason === 'dispute_won' ? 'dispute won after payout' : 'refund after payout',
        event: input.sourceEventId,
        rows: JSON.stringify(plan.adjustments.map((a) => ({ partner_id: Number(a.partnerId), amount: formatMoney(a.amountCents) }))),
      },
    );
  }
  const deltas = plan.totalsDelta.map((d) => ({
    partner_id: Number(d.partnerId),
    campaign_version_id: Number(d.campaignVersionId),
    conversions: d.conversions,
    revenue: formatMoney(d.revenueCents),
    commission: formatMoney(d.commissionCents),
  }));
  await applyEnrollmentTotals(sql, { deltas, lastConversionAt: null });
}
