import { allocateCommission, type ConversionAttribution } from './allocate-commission.js';
import { attributeJourney, type AttributeJourneyInput } from './attribute-journey.js';

export interface AttributeConversionInput extends AttributeJourneyInput {
  /** The conversion's commission in cents, to split across the touches. */
  commissionCents: bigint;
}

/**
 * Attributes a conversion and splits its commission in one call:
 * {@link attributeJourney} then {@link allocateCommission}.
 *
 * When the commission depends on the winning partner (overrides, tiers), call
 * `attributeJourney` first, compute the commission for `winner`, then `allocateCommission`.
 */
export function attributeConversion(input: AttributeConversionInput): ConversionAttribution {
  return allocateCommission(attributeJourney(input), input.commissionCents);
}
