/**
 * Conversion-queue messages as the webhook and API producers put them on the queue: the one sale
 * and refund builder of the suites. Defaults are fixed instants (the handler tests run on a fixed
 * clock); suites against a platform on the real clock pass `occurred_at`.
 */
import { randomUUID } from 'node:crypto';
import type { ConversionMessage, RefundMessage } from '../../../functions/ports/conversion-message.js';

/** A sale message (vendor from the argument, a unique transaction id, everything else defaulted). */
export function sale(
  vendorId: number,
  overrides: Partial<ConversionMessage> = {},
): ConversionMessage {
  return {
    kind: 'conversion',
    vendor_id: vendorId,
    source: 'api',
    receipt_id: randomUUID(),
    event_type: 'sale',
    transaction_id: `tx-${randomUUID()}`,
    event_value: '100.00',
    occurred_at: '2024-03-18T10:00:00.000Z',
    ...overrides,
  };
}

export function refund(vendorId: number, transactionId: string, overrides: Partial<RefundMessage> = {}): RefundMessage {
  return {
    kind: 'refund',
    vendor_id: vendorId,
    source: 'api',
    transaction_id: transactionId,
    reason: 'refund',
    occurred_at: '2024-03-19T10:00:00.000Z',
    provider_event_id: `re-${randomUUID()}`,
    ...overrides,
  };
}
