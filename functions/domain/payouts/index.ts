/** The payout rules: see docs/payouts.md. */
export {
  planPayouts,
  PayoutPlanError,
  DEFAULT_MINIMUM_PAYOUT_CENTS,
  type PayoutCredit,
  type PayoutPartner,
  type PayoutPlan,
  type PlannedPayout,
  type PlannedPayoutEvent,
  type PlanPayoutsInput,
  type SkippedPartner,
  type SkipReason,
} from './plan-payouts.js';
export { transitionPayout, PayoutTransitionError, type PayoutAction, type PayoutStatus } from './transition-payout.js';
export {
  transitionConversion,
  ConversionTransitionError,
  type ConversionAction,
  type ConversionStatus,
} from './transition-conversion.js';
export { payoutIdempotencyKey, parsePayoutIdempotencyKey, nextIdempotencyGeneration } from './payout-idempotency-key.js';
export { selectPayableCredits } from './select-payable-credits.js';
export { conversionsToMarkPaid, completedShares } from './conversions-to-mark-paid.js';
export { reconcile, type Violation, type ViolationKind } from './reconcile.js';
export { ledgerRowsFromRecords } from './ledger-rows-from-records.js';
export {
  grossShares,
  shareComponents,
  touchShares,
  shareKey,
  type AdjustmentRow,
  type ConversionRow,
  type LedgerRows,
  type PayoutEventRow,
  type PayoutRow,
  type ShareKey,
  type TouchRow,
} from './ledger-rows.js';
