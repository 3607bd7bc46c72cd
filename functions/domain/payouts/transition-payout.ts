import type { PayoutProviderName } from '../../ports/payout-provider.js';
import { ConflictError } from '../errors.js';

export type PayoutStatus = 'pending' | 'processing' | 'completed' | 'failed';

/**
 * - `approve`: operator review done; the payout is about to be sent (pending -> processing).
 * - `complete`: the provider reported the money moved (Stripe/PayPal only).
 * - `confirm`: the operator says the wire left the bank (wire only).
 * - `fail`: the provider or the operator reports a failure (processing -> failed).
 * - `retry`: send a failed payout again (failed -> processing), same payout, same events.
 */
export type PayoutAction = 'approve' | 'complete' | 'confirm' | 'fail' | 'retry';

/** An action not allowed from the payout's current status: a conflict (the API answers 409). */
export class PayoutTransitionError extends ConflictError {
  override readonly name = 'PayoutTransitionError';
  constructor(
    readonly from: PayoutStatus,
    readonly action: PayoutAction,
    readonly provider: PayoutProviderName,
  ) {
    super(`cannot ${action} a ${from} ${provider} payout`);
  }
}

/**
 * The payout lifecycle: pending -> processing (approve) -> completed | failed; failed ->
 * processing (retry). Completed is final: a completed payout is never failed or retried
 * (accounting requirement), and a wire payout is completed only by the operator's confirm, never
 * by a provider callback, because nothing but the operator knows the wire was sent.
 */
export function transitionPayout(from: PayoutStatus, action: PayoutAction, provider: PayoutProviderName): PayoutStatus {
  switch (action) {
    case 'approve':
      if (from === 'pending') return 'processing';
      break;
    case 'complete':
      if (from === 'processing' && provider !== 'wire') return 'completed';
      break;
    case 'confirm':
      if (from === 'processing' && provider === 'wire') return 'completed';
      break;
    case 'fail':
      if (from === 'processing') return 'failed';
      break;
    case 'retry':
      if (from === 'failed') return 'processing';
      break;
  }
  throw new PayoutTransitionError(from, action, provider);
}
