import type { AttributionBinding, AttributionModel, Id, JourneyClick } from '../attribution/index.js';

/** The attribution terms of the campaign version the journey is judged by. */
export interface AttributionTerms {
  campaignVersionId: Id;
  model: AttributionModel;
  halfLifeDays: number;
  cookieWindowDays: number;
}

/** A journey as loaded for one conversion: its clicks and how it was found. */
export interface LoadedJourney {
  binding: AttributionBinding;
  clicks: readonly JourneyClick[];
}

/** Why a conversion could not be credited to anyone (`unattributed_conversions.reason`). */
export type UnattributedReason =
  | 'unknown_event_type'
  | 'no_click_or_customer'
  | 'click_not_found'
  | 'cookie_has_no_clicks'
  | 'no_earlier_customer_attribution'
  | 'no_click_in_window'
  /** The message named a code that is not an ISO 4217 currency the platform accepts. */
  | 'unknown_currency'
  /** The sale's currency is not its campaign's: refused, never converted (docs/money.md). */
  | 'currency_mismatch'
  /** The amount has more decimals than its currency (e.g. "12.345" USD): never rounded. */
  | 'amount_exceeds_currency_decimals';

/** Why a conversion was stored but earns nothing (`conversion_events.rejection_reason`). */
export type ConversionRejectionReason = 'self_referral' | 'bot_click' | 'refund' | 'dispute';

/**
 * One credited partner's part of a conversion in the `campaign_partners` totals. The totals are
 * a sum of these over the partner's conversions, so a change (refund) is applied as the
 * difference between two contributions and every arrival order gives the same totals.
 */
export interface PartnerContribution {
  partnerId: Id;
  campaignVersionId: Id;
  conversions: number;
  revenueCents: bigint;
  commissionCents: bigint;
}
