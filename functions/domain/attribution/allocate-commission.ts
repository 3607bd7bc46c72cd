import { formatMoney, formatScaledDecimal, splitLargestRemainder } from '../money/index.js';
import type { JourneyAttribution } from './attribute-journey.js';
import type { AttributedTouch, AttributionMap, PartnerShare } from './types.js';

/** A journey attribution with the commission split across its touches and partners. */
export interface ConversionAttribution extends JourneyAttribution {
  commissionCents: bigint;
  touches: AttributedTouch[];
  /** Credited partners (non-zero weight), largest share first, ties latest touch first. */
  partners: PartnerShare[];
  /** `funnel_journeys.attribution_map`, keyed `partner_<id>`. */
  attributionMap: AttributionMap;
}

/**
 * Splits `commissionCents` across the touches by their exact weights (largest remainder, ties
 * to the earlier touch), so the touch values sum exactly to the commission. Works for negative
 * amounts (a reversal mirrors the original split). An unattributed journey (no touches) keeps
 * the commission unallocated: touches and partners are empty.
 */
export function allocateCommission(attribution: JourneyAttribution, commissionCents: bigint): ConversionAttribution {
  const { touches } = attribution;
  const values = touches.length > 0 ? splitLargestRemainder(commissionCents, touches) : [];
  const attributed: AttributedTouch[] = touches.map((touch, i) => ({ ...touch, value: values[i] ?? 0n }));

  const byPartner = new Map<string, PartnerShare & { exact: bigint; lastIndex: number }>();
  attributed.forEach((touch, index) => {
    if (touch.weight === 0n) return;
    const key = String(touch.partnerId);
    const entry = byPartner.get(key) ?? {
      partnerId: touch.partnerId,
      weightBp: 0n,
      commissionCents: 0n,
      latestTouchAt: touch.clickedAt,
      exact: 0n,
      lastIndex: index,
    };
    entry.weightBp += touch.weightBp;
    entry.commissionCents += touch.value;
    entry.exact += touch.weight;
    entry.latestTouchAt = touch.clickedAt;
    entry.lastIndex = index;
    byPartner.set(key, entry);
  });
  const ranked = [...byPartner.values()].sort((a, b) =>
    a.exact === b.exact ? b.lastIndex - a.lastIndex : a.exact > b.exact ? -1 : 1,
  );
  const partners: PartnerShare[] = ranked.map(({ partnerId, weightBp, commissionCents: cents, latestTouchAt }) => ({
    partnerId,
    weightBp,
    commissionCents: cents,
    latestTouchAt,
  }));
  const attributionMap: AttributionMap = {};
  for (const p of partners) {
    attributionMap[`partner_${p.partnerId}`] = {
      weight: formatScaledDecimal(p.weightBp, 4),
      commission: formatMoney(p.commissionCents),
    };
  }
  return { ...attribution, commissionCents, touches: attributed, partners, attributionMap };
}
