import { MAX_CURRENCY_EXPONENT, parseAmount } from '../money/currency.js';
import { formatScaledDecimal, parseScaledDecimal } from '../money/index.js';
import type { RefundEvent } from '../refunds/index.js';

/**
 * A refund message as a ledger event, keyed by `refund_key` (the refund's, dispute's or running
 * total's own id; `provider_event_id` for producers that send one message per refund). Copies
 * under one key merge (`largerRefundClaim`); different keys add up, except that per charge a
 * running total (`cumulative`) only tops up what the per-refund events have not explained
 * (`reduceRefunds`), so Stripe's `refund.*` events and `charge.refunded` never count the same money twice.
 *
 * A refund may arrive before its sale, so its currency's minor unit is not known yet: the amount
 * is kept in thousandths of the major unit (the widest minor unit, 3 decimals) and turned into the
 * sale's minor units when it is applied (`ledgerInCurrency` below).
 */
export function refundEventFromMessage(message: {
  source: string;
  provider_event_id: string;
  reason: 'refund' | 'dispute' | 'dispute_won';
  amount?: string;
  refund_key?: string;
  refund_status?: RefundEvent['status'];
  charge_id?: string;
  cumulative?: boolean;
  dispute_id?: string;
}): RefundEvent {
  return {
    eventId: message.refund_key ?? message.provider_event_id,
    reason: message.reason,
    amountCents: message.amount === undefined ? null : parseScaledDecimal(message.amount, MAX_CURRENCY_EXPONENT),
    cumulative: message.cumulative === true,
    ...(message.refund_status ? { status: message.refund_status } : {}),
    ...(message.charge_id ? { chargeId: message.charge_id } : {}),
    ...(message.dispute_id ? { disputeId: message.dispute_id } : {}),
  };
}

/**
 * Ledger events (amounts in thousandths) in minor units of the sale's `currency`. A refund with
 * more decimals than the currency has is refused (InvalidDecimalError), never rounded.
 */
export function ledgerInCurrency(events: readonly RefundEvent[], currency: string): RefundEvent[] {
  return events.map((e) => {
    if (e.amountCents === null || e.amountCents === undefined) return e;
    return { ...e, amountCents: parseAmount(formatScaledDecimal(e.amountCents, MAX_CURRENCY_EXPONENT), currency) };
  });
}
