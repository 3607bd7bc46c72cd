export type ConversionStatus = 'pending' | 'approved' | 'rejected' | 'paid';

/**
 * - `approve`: the hold period passed or the vendor approved early.
 * - `pay`: every credited partner's share is in a completed payout.
 * - `reject`: the vendor rejected it or a refund arrived before payout.
 */
export type ConversionAction = 'approve' | 'pay' | 'reject';

/** An action not allowed from the conversion's current status; the API answers 409. */
export class ConversionTransitionError extends Error {
  override readonly name = 'ConversionTransitionError';
  constructor(
    readonly from: ConversionStatus,
    readonly action: ConversionAction,
  ) {
    super(`cannot ${action} a ${from} conversion`);
  }
}

/**
 * pending -> approved -> paid, or pending | approved -> rejected. Paid and rejected are final:
 * money that left is reversed by a negative adjustment, never by un-paying the conversion.
 */
export function transitionConversion(from: ConversionStatus, action: ConversionAction): ConversionStatus {
  if (action === 'approve' && from === 'pending') return 'approved';
  if (action === 'pay' && from === 'approved') return 'paid';
  if (action === 'reject' && (from === 'pending' || from === 'approved')) return 'rejected';
  throw new ConversionTransitionError(from, action);
}
