/** Identifiers stay opaque: click ids are UUIDv7 strings in the hot store, BIGINT in Aurora. */
export type Id = string | number;

/** Attribution models a campaign version may use; `last_click` is the default. */
export const attributionModels = ['first_click', 'last_click', 'linear', 'time_decay', 'position_based'] as const;
export type AttributionModel = (typeof attributionModels)[number];
export const DEFAULT_ATTRIBUTION_MODEL: AttributionModel = 'last_click';
/** Default half-life of the `time_decay` model, in days. */
export const DEFAULT_HALF_LIFE_DAYS = 7;

/** How the conversion found its journey; decides `attribution_confidence`. */
export type AttributionBinding = 'click_id' | 'cookie' | 'customer';
export type AttributionConfidence = 'high' | 'medium' | 'low';

export type TouchType = 'first' | 'middle' | 'last' | 'only';

/** One click of the journey as read from the hot store (or Aurora). */
export interface JourneyClick {
  clickId: Id;
  partnerId: Id;
  campaignVersionId: Id;
  clickedAt: Date;
  /** Flagged by the click pipeline (HEAD request, bot user agent, flood): never earns. */
  isBot?: boolean;
}

export type ExclusionReason = 'bot' | 'after_conversion' | 'outside_window';

/** A journey click that does not take part in attribution, and why. */
export interface ExcludedClick {
  clickId: Id;
  partnerId: Id;
  reason: ExclusionReason;
}

/** A credited touch before money is allocated. */
export interface WeightedTouch {
  clickId: Id;
  partnerId: Id;
  campaignVersionId: Id;
  clickedAt: Date;
  touchType: TouchType;
  /**
   * Exact relative weight (fixed point, see {@link WEIGHT_SCALE}); only ratios matter. The cent
   * split uses these, not the rounded `weightBp`.
   */
  weight: bigint;
  /** Share of the conversion in basis points (1/10000); the touches' bp sum to exactly 10000. */
  weightBp: bigint;
}

/** A touch with its share of the commission: the `touches` row. */
export interface AttributedTouch extends WeightedTouch {
  /** Integer cents; the values of one conversion sum exactly to its commission. */
  value: bigint;
}

/** One partner's total share of a conversion. */
export interface PartnerShare {
  partnerId: Id;
  /** Sum of the partner's touches' basis points. */
  weightBp: bigint;
  /** Sum of the partner's touches' values (cents). */
  commissionCents: bigint;
  /** Time of the partner's latest credited touch (the winner tie-break). */
  latestTouchAt: Date;
}

/** `funnel_journeys.attribution_map`: decimal strings, never floats. */
export type AttributionMap = Record<string, { weight: string; commission: string }>;
