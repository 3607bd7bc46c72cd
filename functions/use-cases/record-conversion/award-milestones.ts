/** Milestone bonuses a conversion's partner just earned, recorded as conversions of their own. */
import { randomUUID } from 'node:crypto';
import { evaluateMilestones } from '../../domain/commissions/index.js';
import { formatAmount } from '../../domain/money/currency.js';
import type { ConversionMessage } from '../../ports/conversion-message.js';
import type { EventTypeRow, VersionTermsRow } from '../../repositories/conversions/attribution-data.js';
import type { MilestoneProgress } from '../../repositories/conversions/commission-inputs.js';
import type { MilestoneBonusInsert } from '../../repositories/conversions/conversions-write.js';

/**
 * Milestones the partner's count of an event type just reached. The award is a conversion_events
 * row flagged `metadata.milestone_bonus` (as the dictionary asks: "track achievement in
 * conversion_events with milestone flag") with transaction id `milestone:<id>:partner:<id>`: the
 * conversion unique key makes it once, ever, even under concurrency, and the bonus flows through
 * approval and payouts like any commission (one `only` touch carries it).
 */
export function planMilestoneBonuses(input: {
  message: ConversionMessage;
  eventType: EventTypeRow;
  partnerId: number;
  terms: VersionTermsRow;
  /** Read before the conversion is written, under its enrollment lock: this conversion is not counted yet. */
  progressBefore: MilestoneProgress;
}): { insert: MilestoneBonusInsert; bonusCents: bigint }[] {
  const { milestones, counts, awarded: alreadyAwarded } = input.progressBefore;
  if (milestones.length === 0) return [];
  const name = input.eventType.name;
  const countsBefore = { ...counts, [name]: counts[name] ?? 0 };
  // Counted like the read counts: this conversion is not rejected (no milestone otherwise).
  const countsAfter = { ...counts, [name]: (counts[name] ?? 0) + 1 };
  const currency = input.terms.currency;
  const reached = evaluateMilestones({ milestones, countsBefore, countsAfter, alreadyAwarded, currency });
  return reached.map(({ milestone, bonusCents }) => {
    const bonus = formatAmount(bonusCents ?? 0n, currency);
    const zero = formatAmount(0n, currency);
    const rewardId = milestone.rewardId === null || milestone.rewardId === undefined ? null : Number(milestone.rewardId);
    const found = milestones.find((m) => m.campaignMilestoneId === milestone.campaignMilestoneId);
    // No cookie, so no journey; its enrollment's commission moves, its conversion count does not
    // (the sale already counted).
    return {
      bonusCents: bonusCents ?? 0n,
      insert: {
        conversion: {
          vendor_id: input.message.vendor_id,
          source: 'api',
          receipt_id: randomUUID(),
          conversion_event_type_id: found?.conversionEventTypeId ?? input.eventType.conversion_event_type_id,
          partner_id: input.partnerId,
          campaign_version_id: input.terms.campaign_version_id,
          reward_id: rewardId,
          attribution_type: input.terms.attribution_model,
          attribution_confidence: 'high',
          transaction_id: `milestone:${milestone.campaignMilestoneId}:partner:${input.partnerId}`,
          event_value: zero,
          currency,
          commission_amount: bonus,
          commission_type: 'flat',
          commission_value: bonus,
          status: 'pending',
          occurred_at: input.message.occurred_at,
          refunded_amount: zero,
          metadata: {
            milestone_bonus: true,
            campaign_milestone_id: String(milestone.campaignMilestoneId),
            milestone_name: milestone.name ?? null,
            target_count: milestone.targetCount,
          },
        },
        touch: {
          touch_value: bonus,
          metadata: { weight: '1', weight_share: '1.0000', campaign_milestone_id: String(milestone.campaignMilestoneId) },
        },
        snapshotAmount: bonus,
        delta: { partner_id: input.partnerId, campaign_version_id: input.terms.campaign_version_id, conversions: 0, revenue: zero, commission: bonus },
      },
    };
  });
}
