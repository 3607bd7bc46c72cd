/**
 * Conversions orchestration that stays pure: given the loaded journey, commission inputs and
 * refund ledger, decide the rows to write. The repositories load and write; nothing here does I/O.
 */
export * from './types.js';
export { resolveJourney, anchorClick, type JourneyOutcome } from './resolve-journey.js';
export { planConversion, creditedOwner, type PlanConversionInput, type ConversionPlan } from './plan-conversion.js';
export { planRefund, type RefundPlan, type RefundTarget, type StoredTouch } from './plan-refund.js';
export { partnerContributions, contributionDelta, type StoredTouchShare } from './partner-contributions.js';
export { ledgerInCurrency, refundEventFromMessage } from './refund-event.js';
export { eventTypeRole, isReservedEventType, type EventTypeRole } from './event-type-role.js';
