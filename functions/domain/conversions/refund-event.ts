import { parseMoney } from '../money/index.js';
import type { RefundEvent } from '../refunds/index.js';

/**
 * A refund message as a ledger event. Every producer sends one message per refund carrying that
 * refund's own amount (the Stripe translator splits `charge.refunds.data[]` rather than passing the
 * charge's running `amount_refunded`), so refunds add up and duplicates are dropped by event id.
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
    amountCents: message.amount === undefined ? null : parseMoney(message.amount),
    cumulative: false,
  };
}
