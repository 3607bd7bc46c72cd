/** Milestone bonuses a conversion's partner just earned, recorded as conversions of their own. */
import { randomUUID } from 'node:crypto';
import { evaluateMilestones } from '../../domain/commissions/index.js';
import { formatAmount } from '../../domain/money/currency.js';
import type { ConversionMessage } from '../../ports/conversion-message.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { EventTypeRow, VersionTermsRow } from '../../repositories/conversions/attribution-data.js';
import type { MilestoneProgress } from '../../repositories/conversions/commission-inputs.js';
import { writeAttributedConversion } from '../../repositories/conversions/conversions-write.js';

/**
 * Milestones the partner's count of an event type just reached. The award is a conversion_events
 * row flagged `metadata.milestone_bonus` (as the dictionary asks: "track achievement in
 * conversion_events with milestone flag") with transaction id `milestone:<id>:partner:<id>`: the
 * conversion unique key makes it once, ever, even under concurrency, and the bonus flows through
 * approval and payouts like any commission (one `only` touch carries it).
 */
export async function awardMilestones(
  tx: SqlExecutor,
  input: {
    message: ConversionMessage;
    eventType: EventTypeRow;
    partnerId: number;
    terms: VersionTermsRow;
    triggeredBy: number;
    /** Read before the conversion was written, under its enrollment lock: this conversion is not counted yet. */
    progressBefore: MilestoneProgress;
  },
): Promise<{ conversionEventId: number; bonusCents: bigint }[]> {
  const { milestones, counts, awarded: alreadyAwarded } = input.progressBefore;
  if (milestones.length === 0) return [];
  const name = input.eventType.name;
  const countsBefore = { ...counts, [name]: counts[name] ?? 0 };
  // Counted like the read counts: this conversion is not rejected (no milestone otherwise).
  const countsAfter = { ...counts, [name]: (counts[name] ?? 0) + 1 };
  const currency = input.terms.currency;
  const reached = evaluateMilestones({
    milestones,
    countsBefore,
    countsAfter,
    alreadyAwarded,
    currency,
  });
  const awarded: { conversionEventId: number; bonusCents: bigint }[] = [];
  for (const { milestone, bonusCents } of reached) {
    const bonus = formatAmount(bonusCents ?? 0n, currency);
    const zero = formatAmount(0n, currency);
    const rewardId = milestone.rewardId === null || milestone.rewardId === undefined ? null : Number(milestone.rewardId);
    const found = milestones.find((m) => m.campaignMilestoneId === milestone.campaignMilestoneId);
    // The bonus's rows in one statement: no cookie, so no journey; its enrollment's commission
    // moves, its conversion count does not (the sale already counted).
    const written = await writeAttributedConversion(tx, {
      conversion: {
        vendor_id: input.message.vendor_id,
        source: 'api',
        receipt_id: randomUUID(),
        conversion_event_type_id: found?.conversionEventTypeId ?? input.eventType.conversion_event_type_id,
        lead_id: null,
        click_id: null,
        cookie_id: null,
        partner_id: input.partnerId,
        campaign_version_id: input.terms.campaign_version_id,
        reward_id: rewardId,
        attribution_type: input.terms.attribution_model,
        attribution_confidence: 'high',
        transaction_id: `milestone:${milestone.campaignMilestoneId}:partner:${input.partnerId}`,
        customer_email: null,
        customer_id: null,
        event_value: zero,
        currency,
        commission_amount: bonus,
        commission_type: 'flat',
        commission_value: bonus,
        status: 'pending',
        occurred_at: input.message.occurred_at,
        rejection_reason: null,
        refunded_amount: zero,
        metadata: {
          milestone_bonus: true,
          campaign_milestone_id: String(milestone.campaignMilestoneId),
          milestone_name: milestone.name ?? null,
          target_count: milestone.targetCount,
          triggered_by_conversion_event_id: input.triggeredBy,
        },
        applied_commission_rule_id: null,
      },
      touches: [
        {
          click_id: null,
          cookie_id: null,
          partner_id: input.partnerId,
          campaign_version_id: input.terms.campaign_version_id,
          touch_type: 'only',
          touch_value: bonus,
          occurred_at: input.message.occurred_at,
          metadata: { weight: '1', weight_share: '1.0000', campaign_milestone_id: String(milestone.campaignMilestoneId) },
        },
      ],
      snapshotAmount: bonus,
      journey: { attributionMap: {}, event: {} },
      deltas: [{ partner_id: input.partnerId, campaign_version_id: input.terms.campaign_version_id, conversions: 0, revenue: zero, commission: bonus }],
    });
    if (written === undefined) continue;
    awarded.push({ conversionEventId: written.conversionEventId, bonusCents: bonusCents ?? 0n });
  }
  return awarded;
}
