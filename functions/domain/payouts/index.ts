/**
 * The payout rules production runs in TypeScript: the payout and conversion transitions, the
 * provider idempotency key, and the run's thresholds (docs/payouts.md). The run itself and the
 * reconciliation are set-based SQL (functions/repositories/payouts/payouts.ts, reconciliation.ts); their
 * pure specification is the test oracle in test/support/payout-oracle/.
 */
export { transitionPayout, PayoutTransitionError, type PayoutAction, type PayoutStatus } from './transition-payout.js';
export {
  transitionConversion,
  ConversionTransitionError,
  type ConversionAction,
  type ConversionStatus,
} from './transition-conversion.js';
export { payoutIdempotencyKey, parsePayoutIdempotencyKey, nextIdempotencyGeneration } from './payout-idempotency-key.js';
