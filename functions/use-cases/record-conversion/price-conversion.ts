/** Reads everything the commission engine needs for a conversion and returns its plan (the decision itself is pure: `planConversion`). */
import { parseAmount } from '../../domain/money/currency.js';
import { planConversion, type ConversionPlan, type JourneyOutcome } from '../../domain/conversions/index.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { OwnedConversion } from './owned-conversion.js';
import { loadCommissionInputs, type MilestoneProgress } from '../../repositories/conversions/commission-inputs.js';

/**
 * Inside the conversion's transaction, after its enrollments are locked, so the partner's period
 * revenue and milestone counts cannot move under it. Also returns the owner's milestone progress
 * before this conversion, read in the same statement (awardMilestones needs it after the write).
 */
export async function priceConversion(
  tx: SqlExecutor,
  input: OwnedConversion & {
    attribution: Exclude<JourneyOutcome, { kind: 'unattributed' }>;
    credited: readonly { partnerId: unknown }[];
  },
): Promise<{ plan: ConversionPlan; milestones: MilestoneProgress }> {
  const { message, currency, eventType, ownerPartnerId, ownerTerms } = input;
  const occurredAt = new Date(message.occurred_at);
  // Refused (the message fails and dead-letters with the reason) when it has more decimals than
  // the currency: the API already answers 400 for it, and a rounded amount is not the sale.
  const eventValueCents = message.event_value === undefined ? null : parseAmount(message.event_value, currency);
  const partnerIds = [...new Set([ownerPartnerId, ...input.credited.map((t) => Number(t.partnerId))])];
  const { partners, overrides, rules, tiers, partnerPeriodRevenueCents: revenue, history, heldRefunds, milestones } = await loadCommissionInputs(tx, {
    partnerIds,
    ownerPartnerId,
    vendorId: message.vendor_id,
    campaignVersionId: ownerTerms.campaign_version_id,
    occurredAt,
    currency,
    ...(message.customer_id !== undefined ? { customerId: message.customer_id } : {}),
    ...(message.customer_email !== undefined ? { customerEmail: message.customer_email } : {}),
    eventValueCents: eventValueCents ?? 0n,
    transaction: { source: message.source, transactionId: message.transaction_id },
  });
  const declaredFirst = message.metadata?.is_first_purchase;
  const plan = planConversion({
    attribution: input.attribution.attribution,
    botOnly: input.attribution.kind === 'bot_only',
    partnerEmails: new Map([...partners.entries()].map(([id, row]) => [id, row.email])),
    customerEmail: message.customer_email ?? null,
    heldRefunds,
    commission: {
      event: {
        eventType: eventType.name,
        eventValueCents,
        occurredAt,
        // The vendor's own flag wins over our history (it may know purchases made before us).
        isFirstPurchase: typeof declaredFirst === 'boolean' ? declaredFirst : history.isFirstPurchase,
        customerLifetimeValueCents: history.lifetimeValueCents,
      },
      eventType: {
        conversionEventTypeId: eventType.conversion_event_type_id,
        name: eventType.name,
        isCommissionable: eventType.is_commissionable === true,
        defaultCommissionType: eventType.default_commission_type,
        defaultCommissionValue: eventType.default_commission_value,
      },
      partner: { partnerId: ownerPartnerId, tier: partners.get(String(ownerPartnerId))?.tier ?? 'standard' },
      overrides,
      rules,
      campaignVersion: {
        defaultCommissionType: ownerTerms.default_commission_type,
        defaultCommissionValue: ownerTerms.default_commission_value,
        tiers,
      },
      partnerPeriodRevenueCents: revenue,
      currency,
    },
  });
  return { plan, milestones };
}
