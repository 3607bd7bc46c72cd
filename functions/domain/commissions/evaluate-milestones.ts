import { exactMinorUnits } from '../money/currency.js';
import { roundHalfUp } from '../money/round-half-up.js';
import type { Id } from './types.js';

/** A `campaign_milestones` row, optionally with its flat reward amount. */
export interface Milestone {
  campaignMilestoneId: Id;
  /** Event type counted (`sale`, `signup`). */
  eventType: string;
  targetCount: number;
  rewardId?: Id | null;
  name?: string;
  /** The reward's flat amount in the campaign's currency ("500.00"), when known: gives `bonusCents`. */
  rewardValue?: string | null;
}

export interface ReachedMilestone {
  milestone: Milestone;
  /** The flat bonus in minor units, or null when the reward amount was not supplied. */
  bonusCents: bigint | null;
}

export interface EvaluateMilestonesInput {
  milestones: readonly Milestone[];
  /** The partner's counts per event type before this conversion (missing = 0). */
  countsBefore: Readonly<Record<string, number>>;
  /** ... and after it. */
  countsAfter: Readonly<Record<string, number>>;
  /** Milestone ids already awarded to this partner, ever. */
  alreadyAwarded: Iterable<Id>;
  /** The campaign's currency: rewards are amounts of it. @default "USD" */
  currency?: string;
}

/**
 * A reward is vendor-wide (no currency of its own): its flat value is read in the campaign's
 * currency and rounded half-up to its minor unit when finer ("50.50" on a JPY campaign is ¥51).
 */
function bonusIn(value: string, currency: string): bigint {
  const { num, den } = exactMinorUnits(value, currency);
  return roundHalfUp(num, den);
}

/**
 * The milestones this conversion reaches: the count crossed the target now
 * (before < target <= after) and the milestone was never awarded. One bonus, once, ever: a
 * count that later drops (refund) and climbs again does not re-award, because the caller
 * records the award and passes it in `alreadyAwarded` (enforce it with a unique constraint).
 */
export function evaluateMilestones(input: EvaluateMilestonesInput): ReachedMilestone[] {
  const awarded = new Set([...input.alreadyAwarded].map(String));
  return input.milestones
    .filter((m) => {
      if (awarded.has(String(m.campaignMilestoneId))) return false;
      const before = input.countsBefore[m.eventType] ?? 0;
      const after = input.countsAfter[m.eventType] ?? 0;
      return m.targetCount > 0 && before < m.targetCount && after >= m.targetCount;
    })
    .map((milestone) => ({
      milestone,
      bonusCents: milestone.rewardValue != null ? bonusIn(milestone.rewardValue, input.currency ?? 'USD') : null,
    }));
}
