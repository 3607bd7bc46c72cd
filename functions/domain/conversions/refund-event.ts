import { MAX_CURRENCY_EXPONENT } from '../money/currency.js';
import { parseScaledDecimal } from '../money/index.js';
import type { RefundEvent } from '../refunds/index.js';

/**
 * A refund message as a ledger event. Every producer sends one message per refund carrying that
 * refund's own amount (the Stripe translator splits `charge.refunds.data[]` rather than passing the
 * charge's running `amount_refunded`), so refunds add up and duplicates are dropped by event id.
 *
 * A refund may arrive before its sale, so its currency's minor unit is not known yet: the amount
 * is kept in thousandths of the major unit (the widest minor unit, 3 decimals) and turned into the
 * sale's minor units when it is applied (`ledgerInCurrency`, repositories/refunds.ts).
 */
export function refundEventFromMessage(message: {
  source: string;
  provider_event_id: string;
  reason: 'refund' | 'dispute';
  amount?: string;
}): RefundEvent {
  return {
    eventId: message.provider_event_id,
    reason: message.reason,
    amountCents: message.amount === undefined ? null : parseScaledDecimal(message.amount, MAX_CURRENCY_EXPONENT),
    cumulative: false,
  };
}
