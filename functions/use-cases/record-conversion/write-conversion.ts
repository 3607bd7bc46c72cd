/**
 * Writes an attributed conversion: the lead, the conversion row, its touches (what each partner
 * earns), the commission snapshot, the visitor's funnel journey, the enrollment totals and any
 * milestone bonus it triggers. Runs inside the caller's transaction, after the plan is made.
 */
import { formatAmount, parseAmount } from '../../domain/money/currency.js';
import { formatScaledDecimal } from '../../domain/money/index.js';
import type { ConversionPlan, JourneyOutcome, LoadedJourney } from '../../domain/conversions/index.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { MilestoneProgress } from '../../repositories/conversions/commission-inputs.js';
import { upsertLead, writeAttributedConversion, type TotalsDelta } from '../../repositories/conversions/conversions-write.js';
import { planMilestoneBonuses } from './award-milestones.js';
import type { JourneyClickRef } from './load-journey.js';
import type { OwnedConversion } from './owned-conversion.js';

/**
 * The conversion's ids (the sale's, then its milestone bonuses') and the commission they carry,
 * in minor units of the sale's currency; undefined when the conversion key was already taken.
 */
export async function writeConversion(
  tx: SqlExecutor,
  input: OwnedConversion & {
    ownerClickId: string;
    outcome: Exclude<JourneyOutcome, { kind: 'unattributed' }>;
    journey: { journey: LoadedJourney; refs: ReadonlyMap<string, JourneyClickRef> };
    plan: ConversionPlan;
    /** The owner's milestone progress before this conversion (read with the commission inputs). */
    milestones: MilestoneProgress;
  },
): Promise<{ conversionEventIds: number[]; commissionCents: bigint } | undefined> {
  const { message, currency, eventType, ownerPartnerId, ownerTerms, ownerClickId, outcome, journey, plan, milestones } = input;
  const leadId = message.lead
    ? await upsertLead(tx, {
        ...message.lead,
        vendor_id: message.vendor_id,
        partner_id: ownerPartnerId,
        converted: plan.status !== 'rejected' && parseAmount(message.event_value ?? '0', currency) > 0n,
      })
    : null;
  const ownerRef = journey.refs.get(ownerClickId);
  const cookieId = ownerRef?.cookieId ?? null;
  const calculated = plan.calculated;
  // A rejected conversion reaches no milestone.
  const bonuses =
    plan.status === 'rejected'
      ? []
      : planMilestoneBonuses({ message, eventType, partnerId: ownerPartnerId, terms: ownerTerms, progressBefore: milestones });
  const written = await writeAttributedConversion(tx, {
    conversion: {
      vendor_id: message.vendor_id,
      source: message.source,
      receipt_id: message.receipt_id,
      conversion_event_type_id: eventType.conversion_event_type_id,
      lead_id: leadId,
      click_id: ownerRef?.auroraClickId ?? null,
      cookie_id: cookieId,
      partner_id: ownerPartnerId,
      campaign_version_id: ownerTerms.campaign_version_id,
      reward_id: calculated.rewardId === null ? null : Number(calculated.rewardId),
      attribution_type: outcome.attribution.model,
      attribution_confidence: outcome.attribution.confidence,
      transaction_id: message.transaction_id,
      customer_email: message.customer_email ?? null,
      customer_id: message.customer_id ?? null,
      event_value: message.event_value === undefined ? null : formatAmount(parseAmount(message.event_value, currency), currency),
      currency,
      commission_amount: formatAmount(plan.commissionCents, currency),
      commission_type: calculated.commissionType,
      commission_value: calculated.commissionValue,
      status: plan.status,
      occurred_at: message.occurred_at,
      rejection_reason: plan.rejectionReason,
      refunded_amount: formatAmount(plan.refundedCents, currency),
      metadata: {
        ...(message.metadata ?? {}),
        attribution_details: {
          binding: journey.journey.binding,
          commission_source: calculated.source,
          explanation: calculated.explanation,
          partner_campaign_override_id: calculated.partnerCampaignOverrideId,
          campaign_tier_id: calculated.campaignTierId,
          excluded_clicks: outcome.attribution.excluded.map((e) => ({ click_id: String(e.clickId), reason: e.reason })),
          ...(message.currency ? { currency: message.currency } : {}),
        },
      },
      applied_commission_rule_id: calculated.appliedCommissionRuleId,
    },
    touches: plan.allocation.touches.map((touch) => {
      const ref = journey.refs.get(String(touch.clickId));
      return {
        click_id: ref?.auroraClickId ?? null,
        cookie_id: ref?.cookieId ?? null,
        partner_id: Number(touch.partnerId),
        campaign_version_id: Number(touch.campaignVersionId),
        touch_type: touch.touchType,
        touch_value: formatAmount(touch.value, currency),
        occurred_at: touch.clickedAt.toISOString(),
        metadata: {
          click_uuid: journey.journey.binding === 'customer' ? null : String(touch.clickId),
          weight: touch.weight.toString(),
          weight_share: formatScaledDecimal(touch.weightBp, 4),
        },
      };
    }),
    snapshotAmount: formatAmount(plan.originalCommissionCents, currency),
    journey: {
      // Each partner's commission in the sale's currency ("500" JPY), not in cents.
      attributionMap: Object.fromEntries(
        plan.allocation.partners.map((p) => [
          `partner_${p.partnerId}`,
          { weight: formatScaledDecimal(p.weightBp, 4), commission: formatAmount(p.commissionCents, currency) },
        ]),
      ),
      // The new conversion's id is added by the statement.
      event: {
        type: 'conversion',
        event_type: eventType.name,
        value: message.event_value ?? null,
        partner_id: ownerPartnerId,
        timestamp: new Date(message.occurred_at).toISOString(),
      },
    },
    deltas: plan.contributions.map((c) => totalsDelta(c, currency)),
    bonuses: bonuses.map((b) => b.insert),
  });
  if (written === undefined) return undefined;
  const { conversionEventId } = written;
  const awarded = bonuses.filter((b) => written.bonusIds.has(b.insert.conversion.transaction_id));
  return {
    conversionEventIds: [conversionEventId, ...awarded.map((b) => written.bonusIds.get(b.insert.conversion.transaction_id)!)],
    commissionCents: awarded.reduce((sum, b) => sum + b.bonusCents, plan.commissionCents),
  };
}

function totalsDelta(
  c: { partnerId: unknown; campaignVersionId: unknown; conversions: number; revenueCents: bigint; commissionCents: bigint },
  currency: string,
): TotalsDelta {
  return {
    partner_id: Number(c.partnerId),
    campaign_version_id: Number(c.campaignVersionId),
    conversions: c.conversions,
    revenue: formatAmount(c.revenueCents, currency),
    commission: formatAmount(c.commissionCents, currency),
  };
}
