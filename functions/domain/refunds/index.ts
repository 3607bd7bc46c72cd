/**
 * Refunds and disputes: an order-independent, idempotent reducer from a sale and its
 * reversals to the final commission, status and any post-payout negative adjustment.
 */
export * from './types.js';
export { reduceRefunds, type ReduceRefundsInput, type RefundOutcome } from './reduce-refunds.js';
export {
  emptyLedger,
  recordLedgerEvent,
  resolveLedger,
  type ConversionLedger,
  type LedgerEvent,
  type LedgerState,
} from './conversion-ledger.js';
export {
  reallocateCommission,
  type PartnerCommissionShare,
  type ReallocatedShare,
} from './reallocate-commission.js';
export { settleAdjustment } from './settle-adjustment.js';
