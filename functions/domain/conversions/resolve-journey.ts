import { attributeJourney, type Id, type JourneyAttribution, type JourneyClick } from '../attribution/index.js';
import type { AttributionTerms, LoadedJourney, UnattributedReason } from './types.js';

export type JourneyOutcome =
  | { kind: 'unattributed'; reason: UnattributedReason }
  /** Every eligible click was a bot's: stored rejected, credited to nobody. */
  | { kind: 'bot_only'; partnerId: Id; campaignVersionId: Id; clickId: Id; attribution: JourneyAttribution }
  | { kind: 'attributed'; attribution: JourneyAttribution };

/**
 * The anchor click whose campaign version sets the model and the cookie window: the click the
 * shopper carried, else the cookie's latest click at or before the conversion.
 */
export function anchorClick(input: {
  clicks: readonly JourneyClick[];
  conversionAt: Date;
  clickId?: Id;
}): JourneyClick | undefined {
  if (input.clickId !== undefined) {
    const carried = input.clicks.find((c) => String(c.clickId) === String(input.clickId));
    if (carried) return carried;
  }
  const at = input.conversionAt.getTime();
  return [...input.clicks]
    .filter((c) => c.clickedAt.getTime() <= at)
    .sort((a, b) => b.clickedAt.getTime() - a.clickedAt.getTime() || (String(a.clickId) < String(b.clickId) ? 1 : -1))[0];
}

/**
 * Weighs a loaded journey under the terms and classifies the result: credited, bot-only
 * (rejected, not dropped), or unattributed with a reason (clicks outside the window or after the
 * conversion).
 */
export function resolveJourney(input: {
  journey: LoadedJourney;
  terms: AttributionTerms;
  conversionAt: Date;
  /** The click the conversion names: may be a few seconds after `conversionAt` (clock skew, see EXPLICIT_CLICK_SKEW_MS). */
  explicitClickId?: Id;
}): JourneyOutcome {
  const attribution = attributeJourney({
    clicks: input.journey.clicks,
    conversionAt: input.conversionAt,
    model: input.terms.model,
    halfLifeDays: input.terms.halfLifeDays,
    cookieWindowDays: input.terms.cookieWindowDays,
    binding: input.journey.binding,
    ...(input.explicitClickId !== undefined ? { explicitClickId: input.explicitClickId } : {}),
  });
  if (attribution.winner) return { kind: 'attributed', attribution };
  const bots = attribution.excluded.filter((e) => e.reason === 'bot');
  const lastBot = bots.length > 0 ? input.journey.clicks.filter((c) => bots.some((b) => String(b.clickId) === String(c.clickId))) : [];
  const latest = lastBot.sort((a, b) => b.clickedAt.getTime() - a.clickedAt.getTime())[0];
  if (latest) {
    return {
      kind: 'bot_only',
      partnerId: latest.partnerId,
      campaignVersionId: latest.campaignVersionId,
      clickId: latest.clickId,
      attribution,
    };
  }
  return { kind: 'unattributed', reason: 'no_click_in_window' };
}
