/**
 * The payout oracle: a pure TypeScript specification of the payout run, the paid marking and the
 * reconciliation, which production runs as set-based SQL (functions/repositories/payouts/payouts.ts and
 * reconciliation.ts). Tests only: they cross-check the SQL's rows against it (docs/payouts.md).
 */
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
export { selectPayableCredits } from './select-payable-credits.js';
export { conversionsToMarkPaid, completedShares } from './conversions-to-mark-paid.js';
export { reconcile, type Violation, type ViolationKind } from './reconcile.js';
export { ledgerRowsFromRecords, readLedgerRows } from './ledger-rows-from-records.js';
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
