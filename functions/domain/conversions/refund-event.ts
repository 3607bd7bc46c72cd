import { parseMoney } from '../money/index.js';
import type { RefundEvent } from '../refunds/index.js';

/**
 * A refund message as a ledger event. Stripe's `charge.refunded` carries the charge's running
 * total refunded (`amount_refunded`), Shopify's `refunds/create` one refund alone: the source
 * decides `cumulative`, so neither double counts.
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
    cumulative: message.source === 'stripe' && message.reason === 'refund',
  };
}
