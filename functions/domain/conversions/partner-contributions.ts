import { splitLargestRemainder } from '../money/index.js';
import type { Id } from '../attribution/index.js';
import type { PartnerContribution } from './types.js';

/** A credited touch as stored: partner, version, exact weight and value. */
export interface StoredTouchShare {
  partnerId: Id;
  campaignVersionId: Id;
  /** Exact relative weight (only ratios matter). */
  weight: bigint;
  /** The touch's value in cents. */
  value: bigint;
}

/**
 * What a conversion adds to each credited partner's totals: one conversion, the partner's share of
 * the net sale (sale minus refunds, split by weight with the largest remainder so the shares sum
 * to the net sale), and its touches' commission. A rejected conversion contributes nothing.
 * A partner's version is the version of its latest credited touch (touches in time order).
 */
export function partnerContributions(input: {
  touches: readonly StoredTouchShare[];
  netSaleCents: bigint;
  rejected: boolean;
}): PartnerContribution[] {
  if (input.rejected) return [];
  const byPartner = new Map<string, PartnerContribution & { weight: bigint }>();
  for (const touch of input.touches) {
    if (touch.weight === 0n) continue;
    const key = String(touch.partnerId);
    const entry = byPartner.get(key) ?? {
      partnerId: touch.partnerId,
      campaignVersionId: touch.campaignVersionId,
      conversions: 1,
      revenueCents: 0n,
      commissionCents: 0n,
      weight: 0n,
    };
    entry.weight += touch.weight;
    entry.commissionCents += touch.value;
    entry.campaignVersionId = touch.campaignVersionId;
    byPartner.set(key, entry);
  }
  const entries = [...byPartner.values()];
  if (entries.length === 0) return [];
  const revenue = splitLargestRemainder(input.netSaleCents, entries.map((e) => e.weight));
  return entries.map(({ weight: _weight, ...entry }, i) => ({ ...entry, revenueCents: revenue[i] ?? 0n }));
}

/** after - before per partner and version (both may be empty), zero rows dropped. */
export function contributionDelta(
  before: readonly PartnerContribution[],
  after: readonly PartnerContribution[],
): PartnerContribution[] {
  const key = (c: PartnerContribution) => `${c.partnerId}|${c.campaignVersionId}`;
  const delta = new Map<string, PartnerContribution>();
  const add = (c: PartnerContribution, sign: 1n | -1n) => {
    const entry = delta.get(key(c)) ?? {
      partnerId: c.partnerId,
      campaignVersionId: c.campaignVersionId,
      conversions: 0,
      revenueCents: 0n,
      commissionCents: 0n,
    };
    entry.conversions += sign === 1n ? c.conversions : -c.conversions;
    entry.revenueCents += sign * c.revenueCents;
    entry.commissionCents += sign * c.commissionCents;
    delta.set(key(c), entry);
  };
  for (const c of before) add(c, -1n);
  for (const c of after) add(c, 1n);
  return [...delta.values()].filter((d) => d.conversions !== 0 || d.revenueCents !== 0n || d.commissionCents !== 0n);
}
