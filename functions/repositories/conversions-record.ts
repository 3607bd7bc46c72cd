/**
 * Records one conversion or refund message, each in ONE transaction: dedupe, journey, commission,
 * rows. The hot store (DynamoDB) is read before the transaction so no Aurora lock waits on the
 * network; everything the decision depends on is then read and written inside it, under an
 * advisory lock on (vendor, source, transaction id) that serialises a sale, its refunds and their
 * redeliveries. The decisions themselves are the pure `functions/domain/conversions/`.
 */
import { randomUUID } from 'node:crypto';
import type { JourneyClick } from '../domain/attribution/index.js';
import { isBotUserAgent } from '../domain/clicks/is-bot-user-agent.js';
import { evaluateMilestones } from '../domain/commissions/index.js';
import {
  anchorClick,
  eventTypeRole,
  ledgerInCurrency,
  planConversion,
  planRefund,
  refundEventFromMessage,
  resolveJourney,
  type ConversionPlan,
  type JourneyOutcome,
  type LoadedJourney,
  type UnattributedReason,
} from '../domain/conversions/index.js';
import { formatAmount, normaliseCurrency, parseAmount } from '../domain/money/currency.js';
import { formatScaledDecimal } from '../domain/money/index.js';
import type { ClickStore, StoredClick } from '../ports/click-store.js';
import type { ConversionMessage, RefundMessage } from '../ports/conversion-message.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import {
  conversionAlreadyRecorded,
  findAuroraClick,
  findCustomerBinding,
  findEventType,
  findJourneyId,
  listAuroraCookieClicks,
  loadVersionTerms,
  lockTransactionKey,
  recordWebhookDelivery,
  type AuroraClickRow,
  type EventTypeRow,
  type VersionTermsRow,
} from './attribution-data.js';
import { ingestClickBatch } from './click-ingestion.js';
import {
  customerHistory,
  loadMilestones,
  loadOverrides,
  loadPartners,
  loadRules,
  loadTiers,
  milestoneProgress,
  partnerMonthRevenueCents,
} from './commission-inputs.js';
import {
  applyEnrollmentTotals,
  completeJourney,
  insertConversion,
  insertSnapshot,
  insertTouches,
  insertUnattributed,
  lockEnrollments,
  upsertLead,
  type TotalsDelta,
} from './conversions-write.js';
import { addFunnelEvent } from './funnel-events.js';
import { applyRefundPlan, loadLedgerRefunds, loadRefundTargets, recordRefund } from './refunds.js';
import { writeAuditLog } from './audit-logs.js';

export type RecordOutcome =
  | { kind: 'created'; conversionEventIds: number[] }
  | { kind: 'duplicate' }
  | { kind: 'unattributed'; reason: UnattributedReason }
  /** `rejectedIds`: conversions this refund rejected (full refund or dispute) - the vendor is told. */
  | { kind: 'refund_applied'; conversionEventIds: number[]; rejectedIds: number[] }
  | { kind: 'refund_held' }
  /** A funnel event (page_view, add_to_cart, ...) added to the visitor's journey: no conversion, no money. */
  | { kind: 'funnel_event'; funnelJourneyId: number }
  /** A browser (the beacon) named an event type that is not a funnel stage: nothing written. */
  | { kind: 'ignored'; reason: 'not_a_funnel_event' };

/** The hot store's part of a journey, read before the transaction. */
export interface HotJourney {
  carried?: StoredClick;
  cookieId?: string;
  clicks: StoredClick[];
}

/** The click the shopper carried and its cookie's clicks of this vendor, from DynamoDB (expired items dropped). */
export async function loadHotJourney(
  store: ClickStore,
  message: Pick<ConversionMessage, 'click_id' | 'cookie_id' | 'vendor_id'>,
  now: Date,
): Promise<HotJourney> {
  const carried = message.click_id ? await store.get(message.click_id.toLowerCase(), now) : undefined;
  const cookieId = (carried?.cookie_id ?? message.cookie_id)?.toLowerCase();
  const listed = cookieId ? await store.listByCookie(cookieId, { now, limit: 1000 }) : [];
  const clicks = [...listed];
  if (carried && !clicks.some((c) => c.click_id === carried.click_id)) clicks.push(carried);
  return {
    carried: carried?.vendor_id === message.vendor_id ? carried : undefined,
    cookieId,
    clicks: clicks.filter((c) => c.vendor_id === message.vendor_id),
  };
}

interface JourneyClickRef {
  auroraClickId: number | null;
  cookieId: string | null;
}

const toJourneyClick = (row: {
  click_uuid: string;
  partner_id: number;
  campaign_version_id: number;
  clicked_at: string;
  user_agent: string | null;
}): JourneyClick => ({
  clickId: row.click_uuid,
  partnerId: row.partner_id,
  campaignVersionId: row.campaign_version_id,
  clickedAt: new Date(row.clicked_at),
  // A recorded click with a crawler's user agent never earns (the redirect should not record
  // them, but clicks also arrive from other paths).
  isBot: row.user_agent !== null && isBotUserAgent(row.user_agent),
});

/**
 * Records a conversion message. Returns `duplicate` when the provider event or the conversion key
 * was already handled (nothing written), `unattributed` when stored without a partner.
 */
export async function recordConversion(input: {
  sql: SqlExecutor;
  message: ConversionMessage;
  hot: HotJourney;
}): Promise<RecordOutcome> {
  const { message, hot } = input;
  const key = { vendorId: message.vendor_id, source: message.source, transactionId: message.transaction_id };
  return input.sql.transaction(async (tx) => {
    await lockTransactionKey(tx, key);
    if (message.provider_event_id) {
      const first = await recordWebhookDelivery(tx, {
        provider: message.source,
        providerEventId: message.provider_event_id,
        integrationId: message.integration_id,
      });
      if (!first) return { kind: 'duplicate' } as const;
    }
    const eventType = await findEventType(tx, message.event_type);
    if (
      await conversionAlreadyRecorded(tx, {
        ...key,
        eventTypeId: eventType?.conversion_event_type_id ?? null,
        eventType: message.event_type,
      })
    ) {
      return { kind: 'duplicate' } as const;
    }
    const namedCurrency = message.currency === undefined ? undefined : normaliseCurrency(message.currency);
    const unattributed = async (reason: UnattributedReason, refusal?: string): Promise<RecordOutcome> => {
      const inserted = await insertUnattributed(tx, {
        vendor_id: message.vendor_id,
        source: message.source,
        transaction_id: message.transaction_id,
        event_type: message.event_type,
        event_value: message.event_value ?? null,
        currency: namedCurrency ?? 'USD',
        payload: { ...(message as unknown as Record<string, unknown>), ...(refusal ? { refusal } : {}) },
        reason,
        occurred_at: message.occurred_at,
      });
      return inserted ? { kind: 'unattributed', reason } : { kind: 'duplicate' };
    };
    if (!eventType) return unattributed('unknown_event_type');
    // Only commissionable event types make conversions; the others are funnel stages, and a
    // browser may only ever report those (docs/campaign-edits-and-events.md).
    const role = eventTypeRole({ name: eventType.name, isCommissionable: eventType.is_commissionable === true });
    if (message.funnel_only && role !== 'funnel') return { kind: 'ignored', reason: 'not_a_funnel_event' } as const;
    if (message.currency !== undefined && namedCurrency === undefined) {
      return unattributed('unknown_currency', `${JSON.stringify(message.currency)} is not an ISO 4217 currency the platform accepts.`);
    }

    // Clicks the hot store holds but Aurora may not yet: written first, idempotently, so the
    // touches can reference them and the journey is whole.
    if (hot.clicks.length > 0) await ingestClickBatch({ sql: tx, clicks: hot.clicks });

    const journey = await loadJourney(tx, message, hot);
    if (journey.kind === 'none') return unattributed(journey.reason);
    if (role !== 'commissionable') {
      const funnelJourneyId = await journeyOfEvent(tx, message, journey.journey, journey.refs);
      if (funnelJourneyId === null) return unattributed('cookie_has_no_clicks');
      const added = await addFunnelEvent(tx, {
        funnelJourneyId,
        eventTypeId: eventType.conversion_event_type_id,
        occurredAt: message.occurred_at,
        event: funnelEvent(message),
      });
      return added ? ({ kind: 'funnel_event', funnelJourneyId } as const) : ({ kind: 'duplicate' } as const);
    }
    const conversionAt = new Date(message.occurred_at);
    const anchor = anchorClick({ clicks: journey.journey.clicks, conversionAt, clickId: message.click_id?.toLowerCase() });
    if (!anchor) return unattributed('no_click_in_window');
    const anchorTerms = await loadVersionTerms(tx, Number(anchor.campaignVersionId));
    if (!anchorTerms) return unattributed('no_click_in_window');
    const outcome = resolveJourney({
      journey: journey.journey,
      conversionAt,
      ...(message.click_id ? { explicitClickId: message.click_id.toLowerCase() } : {}),
      terms: {
        campaignVersionId: anchorTerms.campaign_version_id,
        model: anchorTerms.attribution_model,
        halfLifeDays: anchorTerms.time_decay_half_life_days,
        cookieWindowDays: anchorTerms.cookie_duration_days ?? 30,
      },
    });
    if (outcome.kind === 'unattributed') return unattributed(outcome.reason);
    const owner =
      outcome.kind === 'bot_only'
        ? { partnerId: outcome.partnerId, campaignVersionId: outcome.campaignVersionId, clickId: outcome.clickId }
        : outcome.attribution.winner!;
    const ownerPartnerId = Number(owner.partnerId);
    const ownerTerms =
      Number(owner.campaignVersionId) === anchorTerms.campaign_version_id
        ? anchorTerms
        : ((await loadVersionTerms(tx, Number(owner.campaignVersionId))) ?? anchorTerms);

    const credited = outcome.attribution.touches.filter((t) => t.weight > 0n);
    // A sale is priced in its campaign's currency; one in another currency is refused rather than
    // converted at a rate nobody agreed to (docs/money.md). A message without a currency is in
    // the campaign's. Every credited touch's campaign must price in it too: shares are never
    // added to totals of another currency.
    const currency = namedCurrency ?? ownerTerms.currency;
    if (message.event_value !== undefined && !fitsCurrency(message.event_value, currency)) {
      return unattributed('amount_exceeds_currency_decimals', `${message.event_value} is not an amount in ${currency} (too many decimals).`);
    }
    const mismatch = await firstOtherCurrency(tx, currency, [
      ownerTerms,
      ...credited.map((t) => ({ campaign_version_id: Number(t.campaignVersionId) })),
    ]);
    if (mismatch) {
      return unattributed(
        'currency_mismatch',
        `The sale is in ${currency} but campaign ${mismatch.campaign_id} prices in ${mismatch.currency}: no commission (amounts are never converted).`,
      );
    }
    await lockEnrollments(tx, [
      { partner_id: ownerPartnerId, campaign_version_id: ownerTerms.campaign_version_id },
      ...credited.map((t) => ({ partner_id: Number(t.partnerId), campaign_version_id: Number(t.campaignVersionId) })),
    ]);
    const plan = await planWithInputs(tx, { message, currency, eventType, ownerPartnerId, ownerTerms, attribution: outcome, credited });

    const leadId = message.lead
      ? await upsertLead(tx, {
          ...message.lead,
          vendor_id: message.vendor_id,
          partner_id: ownerPartnerId,
          converted: plan.status !== 'rejected' && parseAmount(message.event_value ?? '0', currency) > 0n,
        })
      : null;
    const ownerRef = journey.refs.get(String(owner.clickId));
    const cookieId = ownerRef?.cookieId ?? null;
    const funnelJourneyId = cookieId ? await findJourneyId(tx, cookieId) : null;
    const calculated = plan.calculated;
    const conversionEventId = await insertConversion(tx, {
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
      funnel_journey_id: funnelJourneyId,
      applied_commission_rule_id: calculated.appliedCommissionRuleId,
    });
    if (conversionEventId === undefined) return { kind: 'duplicate' } as const;

    await insertTouches(tx, {
      conversionEventId,
      leadId,
      attributionType: outcome.attribution.model,
      confidence: outcome.attribution.confidence,
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
    });
    await insertSnapshot(tx, {
      conversion_event_id: conversionEventId,
      commission_type: calculated.commissionType,
      commission_value: calculated.commissionValue,
      commission_amount: formatAmount(plan.originalCommissionCents, currency),
      partner_id: ownerPartnerId,
      campaign_version_id: ownerTerms.campaign_version_id,
      reward_id: calculated.rewardId === null ? null : Number(calculated.rewardId),
      commission_rule_id: calculated.appliedCommissionRuleId,
    });
    if (funnelJourneyId !== null) {
      await completeJourney(tx, {
        funnelJourneyId,
        occurredAt: message.occurred_at,
        commission: formatAmount(plan.commissionCents, currency),
        // Each partner's commission in the sale's currency ("500" JPY), not in cents.
        attributionMap: Object.fromEntries(
          plan.allocation.partners.map((p) => [
            `partner_${p.partnerId}`,
            { weight: formatScaledDecimal(p.weightBp, 4), commission: formatAmount(p.commissionCents, currency) },
          ]),
        ),
        eventTypeId: eventType.conversion_event_type_id,
        event: {
          type: 'conversion',
          conversion_event_id: conversionEventId,
          event_type: eventType.name,
          value: message.event_value ?? null,
          partner_id: ownerPartnerId,
          timestamp: new Date(message.occurred_at).toISOString(),
        },
      });
    }
    await applyEnrollmentTotals(tx, {
      deltas: plan.contributions.map((c) => totalsDelta(c, currency)),
      lastConversionAt: message.occurred_at,
    });
    const bonuses =
      plan.status === 'rejected'
        ? []
        : await awardMilestones(tx, {
            message,
            eventType,
            partnerId: ownerPartnerId,
            terms: ownerTerms,
            triggeredBy: conversionEventId,
          });
    return { kind: 'created', conversionEventIds: [conversionEventId, ...bonuses] } as const;
  });
}

/**
 * The journey a funnel event belongs to: the cookie of the click the visitor carried, else of the
 * journey's latest click that has one (a customer-bound journey: its first conversion's cookie).
 */
async function journeyOfEvent(
  tx: SqlExecutor,
  message: ConversionMessage,
  journey: LoadedJourney,
  refs: ReadonlyMap<string, JourneyClickRef>,
): Promise<number | null> {
  const carried = message.click_id ? refs.get(message.click_id.toLowerCase())?.cookieId : undefined;
  const latest = [...journey.clicks]
    .sort((a, b) => a.clickedAt.getTime() - b.clickedAt.getTime())
    .map((click) => refs.get(String(click.clickId))?.cookieId)
    .filter((cookie): cookie is string => typeof cookie === 'string')
    .pop();
  const cookieId = carried ?? latest;
  return cookieId ? findJourneyId(tx, cookieId) : null;
}

/** The event as `events_sequence` keeps it (the dictionary's shape: type, timestamp, page, value). */
function funnelEvent(message: ConversionMessage): Record<string, unknown> & { event_id: string } {
  const page = message.metadata?.page;
  return {
    type: message.event_type,
    event_id: message.receipt_id,
    ...(typeof page === 'string' ? { page: page.slice(0, 500) } : {}),
    ...(message.event_value !== undefined ? { value: message.event_value } : {}),
    ...(message.currency !== undefined ? { currency: message.currency } : {}),
    ...(message.click_id !== undefined ? { click_id: message.click_id.toLowerCase() } : {}),
    source: message.funnel_only ? 'beacon' : message.source,
    timestamp: new Date(message.occurred_at).toISOString(),
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

function fitsCurrency(value: string, currency: string): boolean {
  try {
    parseAmount(value, currency);
    return true;
  } catch {
    return false;
  }
}

/** The first of these campaign versions whose campaign prices in a currency other than `currency`. */
async function firstOtherCurrency(
  tx: SqlExecutor,
  currency: string,
  versions: readonly { campaign_version_id: number }[],
): Promise<{ campaign_id: number; currency: string } | undefined> {
  const { rows } = await tx.query<{ campaign_id: number; currency: string }>(
    `SELECT c.campaign_id, c.currency FROM campaign_versions cv JOIN campaigns c ON c.campaign_id = cv.campaign_id
     WHERE cv.campaign_version_id = ANY(:ids::integer[]) AND c.currency <> :currency
     ORDER BY c.campaign_id LIMIT 1`,
    { ids: [...new Set(versions.map((v) => v.campaign_version_id))], currency },
  );
  return rows[0];
}

type LoadedJourneyResult =
  | { kind: 'none'; reason: UnattributedReason }
  | { kind: 'found'; journey: LoadedJourney; refs: Map<string, JourneyClickRef> };

/**
 * The journey, in order of evidence: the carried click's cookie, the cookie id, the customer's
 * first attribution (low confidence; tried first for recurring sales, which bind to it).
 * Aurora's rows (now holding the hot store's clicks) are merged with hot-store clicks Aurora
 * could not take (link unknown to it yet), so no click of the journey is dropped.
 */
async function loadJourney(tx: SqlExecutor, message: ConversionMessage, hot: HotJourney): Promise<LoadedJourneyResult> {
  const inCampaign = (click: { campaign_id: number }) => message.campaign_id === undefined || click.campaign_id === message.campaign_id;
  const byCustomer = async (): Promise<LoadedJourneyResult | undefined> => {
    const bound = await findCustomerBinding(tx, {
      vendorId: message.vendor_id,
      customerId: message.customer_id,
      customerEmail: message.customer_email,
      campaignId: message.campaign_id,
    });
    if (!bound) return undefined;
    const clickId = `customer:${bound.conversion_event_id}`;
    return {
      kind: 'found',
      journey: {
        binding: 'customer',
        clicks: [{ clickId, partnerId: bound.partner_id, campaignVersionId: bound.campaign_version_id, clickedAt: new Date(message.occurred_at) }],
      },
      refs: new Map([[clickId, { auroraClickId: bound.click_id, cookieId: bound.cookie_id }]]),
    };
  };
  if (message.recurring) {
    const bound = await byCustomer();
    if (bound) return bound;
  }
  const carriedAurora = message.click_id && !hot.carried ? await findAuroraClick(tx, message.click_id.toLowerCase()) : undefined;
  const carriedFound = hot.carried !== undefined || (carriedAurora !== undefined && carriedAurora.vendor_id === message.vendor_id);
  const cookieId = hot.cookieId ?? carriedAurora?.cookie_id ?? message.cookie_id?.toLowerCase();
  const rows: AuroraClickRow[] = cookieId ? await listAuroraCookieClicks(tx, cookieId, message.vendor_id) : [];
  if (carriedAurora && carriedAurora.vendor_id === message.vendor_id && !rows.some((r) => r.click_uuid === carriedAurora.click_uuid)) {
    rows.push(carriedAurora);
  }
  const refs = new Map<string, JourneyClickRef>();
  const clicks: JourneyClick[] = [];
  for (const row of rows.filter(inCampaign)) {
    refs.set(row.click_uuid, { auroraClickId: row.click_id, cookieId: row.cookie_id });
    clicks.push(toJourneyClick(row));
  }
  for (const click of hot.clicks.filter(inCampaign)) {
    if (refs.has(click.click_id)) continue;
    refs.set(click.click_id, { auroraClickId: null, cookieId: null });
    clicks.push(toJourneyClick({ ...click, click_uuid: click.click_id }));
  }
  if (clicks.length > 0) {
    return { kind: 'found', journey: { binding: carriedFound ? 'click_id' : 'cookie', clicks }, refs };
  }
  const bound = message.recurring ? undefined : await byCustomer();
  if (bound) return bound;
  const reason: UnattributedReason = message.click_id
    ? 'click_not_found'
    : message.cookie_id
      ? 'cookie_has_no_clicks'
      : message.customer_id || message.customer_email
        ? 'no_earlier_customer_attribution'
        : 'no_click_or_customer';
  return { kind: 'none', reason };
}

async function planWithInputs(
  tx: SqlExecutor,
  input: {
    message: ConversionMessage;
    currency: string;
    eventType: EventTypeRow;
    ownerPartnerId: number;
    ownerTerms: VersionTermsRow;
    attribution: Exclude<JourneyOutcome, { kind: 'unattributed' }>;
    credited: readonly { partnerId: unknown }[];
  },
): Promise<ConversionPlan> {
  const { message, currency, eventType, ownerPartnerId, ownerTerms } = input;
  const occurredAt = new Date(message.occurred_at);
  // Refused (the message fails and dead-letters with the reason) when it has more decimals than
  // the currency: the API already answers 400 for it, and a rounded amount is not the sale.
  const eventValueCents = message.event_value === undefined ? null : parseAmount(message.event_value, currency);
  const partnerIds = [...new Set([ownerPartnerId, ...input.credited.map((t) => Number(t.partnerId))])];
  const [partners, overrides, rules, tiers, revenue, history, heldRefunds] = [
    await loadPartners(tx, partnerIds),
    await loadOverrides(tx, ownerPartnerId, ownerTerms.campaign_version_id),
    await loadRules(tx, message.vendor_id, ownerTerms.campaign_version_id),
    await loadTiers(tx, ownerTerms.campaign_version_id),
    await partnerMonthRevenueCents(tx, { partnerId: ownerPartnerId, vendorId: message.vendor_id, occurredAt, currency }),
    await customerHistory(tx, {
      vendorId: message.vendor_id,
      customerId: message.customer_id,
      customerEmail: message.customer_email,
      occurredAt,
      eventValueCents: eventValueCents ?? 0n,
      currency,
    }),
    await loadLedgerRefunds(tx, { vendorId: message.vendor_id, source: message.source, transactionId: message.transaction_id }, currency),
  ];
  const declaredFirst = message.metadata?.is_first_purchase;
  return planConversion({
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
}

/**
 * Milestones the partner's count of an event type just reached. The award is a conversion_events
 * row flagged `metadata.milestone_bonus` (as the dictionary asks: "track achievement in
 * conversion_events with milestone flag") with transaction id `milestone:<id>:partner:<id>`: the
 * conversion unique key makes it once, ever, even under concurrency, and the bonus flows through
 * approval and payouts like any commission (one `only` touch carries it).
 */
async function awardMilestones(
  tx: SqlExecutor,
  input: { message: ConversionMessage; eventType: EventTypeRow; partnerId: number; terms: VersionTermsRow; triggeredBy: number },
): Promise<number[]> {
  const milestones = await loadMilestones(tx, input.terms.campaign_version_id);
  if (milestones.length === 0) return [];
  const progress = await milestoneProgress(tx, {
    partnerId: input.partnerId,
    campaignVersionId: input.terms.campaign_version_id,
    vendorId: input.message.vendor_id,
  });
  const countsBefore = { ...progress.counts, [input.eventType.name]: (progress.counts[input.eventType.name] ?? 1) - 1 };
  const currency = input.terms.currency;
  const reached = evaluateMilestones({
    milestones,
    countsBefore,
    countsAfter: progress.counts,
    alreadyAwarded: progress.awarded,
    currency,
  });
  const ids: number[] = [];
  for (const { milestone, bonusCents } of reached) {
    const bonus = formatAmount(bonusCents ?? 0n, currency);
    const zero = formatAmount(0n, currency);
    const rewardId = milestone.rewardId === null || milestone.rewardId === undefined ? null : Number(milestone.rewardId);
    const found = milestones.find((m) => m.campaignMilestoneId === milestone.campaignMilestoneId);
    const id = await insertConversion(tx, {
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
      funnel_journey_id: null,
      applied_commission_rule_id: null,
    });
    if (id === undefined) continue;
    ids.push(id);
    await insertTouches(tx, {
      conversionEventId: id,
      leadId: null,
      attributionType: input.terms.attribution_model,
      confidence: 'high',
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
    });
    await insertSnapshot(tx, {
      conversion_event_id: id,
      commission_type: 'flat',
      commission_value: bonus,
      commission_amount: bonus,
      partner_id: input.partnerId,
      campaign_version_id: input.terms.campaign_version_id,
      reward_id: rewardId,
      commission_rule_id: null,
    });
    await applyEnrollmentTotals(tx, {
      deltas: [{ partner_id: input.partnerId, campaign_version_id: input.terms.campaign_version_id, conversions: 0, revenue: zero, commission: bonus }],
      lastConversionAt: null,
    });
  }
  return ids;
}

/**
 * Records a refund or dispute: dedupe on the provider event id, add it to the transaction's
 * ledger, then bring every recorded conversion of the transaction to the state its sale and the
 * whole ledger imply. Without a sale yet the refund is held in the ledger, and the sale applies
 * it when it arrives.
 */
export async function recordRefundMessage(input: { sql: SqlExecutor; message: RefundMessage }): Promise<RecordOutcome> {
  const { message } = input;
  const key = { vendorId: message.vendor_id, source: message.source, transactionId: message.transaction_id };
  return input.sql.transaction(async (tx) => {
    await lockTransactionKey(tx, key);
    const first = await recordWebhookDelivery(tx, {
      provider: message.source,
      providerEventId: message.provider_event_id,
      integrationId: message.integration_id,
    });
    if (!first) return { kind: 'duplicate' } as const;
    const event = refundEventFromMessage(message);
    const ledger = await recordRefund(tx, { ...key, occurredAt: message.occurred_at, integrationId: message.integration_id }, event);
    const targets = await loadRefundTargets(tx, key);
    if (targets.length === 0) return { kind: 'refund_held' } as const;
    await lockEnrollments(
      tx,
      targets.flatMap((t) => t.touches.map((touch) => ({ partner_id: Number(touch.partnerId), campaign_version_id: Number(touch.campaignVersionId) }))),
    );
    const rejectedIds: number[] = [];
    for (const target of targets) {
      const plan = planRefund(target, ledgerInCurrency(ledger, target.currency));
      await applyRefundPlan(tx, { target, plan, sourceEventId: message.provider_event_id, reason: message.reason });
      if (plan.kind === 'apply' && (plan.status !== target.status || plan.commissionCents !== target.commissionCents)) {
        await writeAuditLog(tx, {
          entity_type: 'conversion_events',
          entity_id: target.conversionEventId,
          action: plan.status === 'rejected' && target.status !== 'rejected' ? 'reject' : 'refund',
          actor: { actor_type: 'system', actor_id: null, ip_address: null },
          before: { status: target.status, commission_amount: formatAmount(target.commissionCents, target.currency) },
          after: { status: plan.status, commission_amount: formatAmount(plan.commissionCents, target.currency) },
          reason: `${message.reason} ${message.provider_event_id}`,
        });
      }
      if (plan.kind === 'apply' && plan.status === 'rejected' && target.status !== 'rejected') rejectedIds.push(target.conversionEventId);
    }
    return { kind: 'refund_applied', conversionEventIds: targets.map((t) => t.conversionEventId), rejectedIds } as const;
  });
}
