/**
 * Records one conversion message in ONE transaction: dedupe, journey, commission, rows; then,
 * after the commit, queues the vendor's `conversion.created` notice. The hot store (DynamoDB) is
 * read before the transaction so no Aurora lock waits on the network; everything the decision
 * depends on is then read and written inside it, under an advisory lock on (vendor, source,
 * transaction id) that serialises a sale, its refunds and their redeliveries. The decisions
 * themselves are the pure `functions/domain/conversions/`; the SQL is in `functions/repositories/`.
 */
import {
  anchorClick,
  eventTypeRole,
  resolveJourney,
  type ConversionPlan,
  type UnattributedReason,
} from '../domain/conversions/index.js';
import { normaliseCurrency, parseAmount } from '../domain/money/currency.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { ClickStore } from '../ports/click-store.js';
import type { ConversionMessage } from '../ports/conversion-message.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import {
  findEventTypeAndRecorded,
  loadVersionsTerms,
  lockTransactionKey,
  recordWebhookDelivery,
  type VersionTermsRow,
} from '../repositories/conversions/attribution-data.js';
import { ingestClickBatch } from '../repositories/clicks/click-ingestion.js';
import { insertUnattributed, lockEnrollments } from '../repositories/conversions/conversions-write.js';
import { addFunnelEvent } from '../repositories/clicks/funnel-events.js';
import { queueConversionNotices } from './queue-conversion-notices.js';
import { journeyOfEvent, loadHotJourney, loadJourney, type HotJourney } from './record-conversion/load-journey.js';
import { priceConversion } from './record-conversion/price-conversion.js';
import { writeConversion } from './record-conversion/write-conversion.js';

export type RecordConversionOutcome =
  /** `commissionCents`: what the conversion and its milestone bonuses earn, in minor units of `currency`. */
  | { kind: 'created'; conversionEventIds: number[]; status: ConversionPlan['status']; currency: string; commissionCents: bigint }
  | { kind: 'duplicate' }
  | { kind: 'unattributed'; reason: UnattributedReason }
  /** A funnel event (page_view, add_to_cart, ...) added to the visitor's journey: no conversion, no money. */
  | { kind: 'funnel_event'; funnelJourneyId: number }
  /** A browser (the beacon) named an event type that is not a funnel stage: nothing written. */
  | { kind: 'ignored'; reason: 'not_a_funnel_event' };

/** The `outcome` dimension of the `Conversions` metric; funnel events and ignored beacons are not conversions. */
function metricOutcome(outcome: RecordConversionOutcome): string | undefined {
  switch (outcome.kind) {
    case 'created':
      return outcome.status === 'rejected' ? 'rejected' : 'attributed';
    case 'duplicate':
    case 'unattributed':
      return outcome.kind;
    default:
      return undefined;
  }
}

/**
 * Records a conversion message. Returns `duplicate` when the provider event or the conversion key
 * was already handled (nothing written), `unattributed` when stored without a partner. A created
 * conversion (and a duplicate: its first notice may have been lost after the commit) queues its
 * `conversion.created` notice under a deterministic id, so the vendor gets it once.
 */
export async function recordConversion(input: {
  sql: SqlExecutor;
  clickStore: ClickStore;
  /** Absent: notifications are off (logged). */
  notificationQueue?: NotificationQueue;
  message: ConversionMessage;
  now: Date;
  logger?: Logger;
  metrics?: BusinessMetrics;
}): Promise<RecordConversionOutcome> {
  const { message } = input;
  const logger = input.logger ?? silentLogger;
  const metrics = input.metrics ?? silentMetrics;
  const correlation = { correlation_id: `${message.source}:${message.transaction_id}`, receipt_id: message.receipt_id };
  const hot = await loadHotJourney(input.clickStore, message, input.now);
  const outcome = await recordInTransaction(input.sql, message, hot);

  const counted = metricOutcome(outcome);
  if (counted) metrics.add('Conversions', 1, { source: message.source, outcome: counted });
  if (outcome.kind === 'created' && outcome.commissionCents > 0n) {
    metrics.add('CommissionAmount', Number(outcome.commissionCents), { currency: outcome.currency });
  }
  if (outcome.kind === 'unattributed') logger.info('conversion_unattributed', { ...correlation, reason: outcome.reason });
  else logger.debug('conversion_recorded', { ...correlation, outcome: outcome.kind });

  const notices = { sql: input.sql, queue: input.notificationQueue, eventType: 'conversion.created' as const, logger };
  if (outcome.kind === 'created') await queueConversionNotices({ ...notices, conversions: { ids: outcome.conversionEventIds } });
  else if (outcome.kind === 'duplicate') await queueConversionNotices({ ...notices, conversions: { receiptId: message.receipt_id } });
  return outcome;
}

/** Everything the decision depends on, read and written in one transaction under the transaction key's lock. */
function recordInTransaction(sql: SqlExecutor, message: ConversionMessage, hot: HotJourney): Promise<RecordConversionOutcome> {
  const key = { vendorId: message.vendor_id, source: message.source, transactionId: message.transaction_id };
  return sql.transaction(async (tx) => {
    // A provider event is recorded under the lock before anything is read; otherwise the lock is
    // taken by the statement that reads the event type.
    if (message.provider_event_id) {
      await lockTransactionKey(tx, key);
      const first = await recordWebhookDelivery(tx, {
        provider: message.source,
        providerEventId: message.provider_event_id,
        integrationId: message.integration_id,
      });
      if (!first) return { kind: 'duplicate' } as const;
    }
    const { eventType, alreadyRecorded } = await findEventTypeAndRecorded(tx, { ...key, eventType: message.event_type }, { lock: !message.provider_event_id });
    if (alreadyRecorded) return { kind: 'duplicate' } as const;
    const namedCurrency = message.currency === undefined ? undefined : normaliseCurrency(message.currency);
    const unattributed = async (reason: UnattributedReason, refusal?: string): Promise<RecordConversionOutcome> => {
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
    if (hot.clicks.length > 0) await ingestClickBatch({ sql: tx, clicks: hot.clicks, inTransaction: true });

    const journey = await loadJourney(tx, message, hot, { lockEnrollments: role === 'commissionable' });
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
    // The terms of every version the journey touches, in one read: the anchor's, the owner's and
    // the credited touches' (whose campaigns must all price in the sale's currency).
    // Those of the journey's Aurora clicks came with them; only the others are read.
    const terms = new Map(journey.terms);
    const unread = journey.journey.clicks.map((c) => Number(c.campaignVersionId)).filter((id) => !terms.has(id));
    if (unread.length > 0) for (const [id, row] of await loadVersionsTerms(tx, unread)) terms.set(id, row);
    const anchorTerms = terms.get(Number(anchor.campaignVersionId));
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
    const ownerTerms = terms.get(Number(owner.campaignVersionId)) ?? anchorTerms;

    const credited = outcome.attribution.touches.filter((t) => t.weight > 0n);
    // A sale is priced in its campaign's currency; one in another currency is refused rather than
    // converted at a rate nobody agreed to (docs/money.md). A message without a currency is in
    // the campaign's. Every credited touch's campaign must price in it too: shares are never
    // added to totals of another currency.
    const currency = namedCurrency ?? ownerTerms.currency;
    if (message.event_value !== undefined && !fitsCurrency(message.event_value, currency)) {
      return unattributed('amount_exceeds_currency_decimals', `${message.event_value} is not an amount in ${currency} (too many decimals).`);
    }
    const mismatch = [ownerTerms, ...credited.map((t) => terms.get(Number(t.campaignVersionId)))]
      .filter((t): t is VersionTermsRow => t !== undefined && t.currency !== currency)
      .sort((a, b) => a.campaign_id - b.campaign_id)[0];
    if (mismatch) {
      return unattributed(
        'currency_mismatch',
        `The sale is in ${currency} but campaign ${mismatch.campaign_id} prices in ${mismatch.currency}: no commission (amounts are never converted).`,
      );
    }
    const enrollments = [
      { partner_id: ownerPartnerId, campaign_version_id: ownerTerms.campaign_version_id },
      ...credited.map((t) => ({ partner_id: Number(t.partnerId), campaign_version_id: Number(t.campaignVersionId) })),
    ];
    // Usually the journey read already locked them all (its clicks' enrollments).
    if (!enrollments.every((e) => journey.lockedEnrollments?.has(`${e.partner_id}:${e.campaign_version_id}`))) {
      await lockEnrollments(tx, enrollments);
    }
    const { plan, milestones } = await priceConversion(tx, { message, currency, eventType, ownerPartnerId, ownerTerms, attribution: outcome, credited });
    const written = await writeConversion(tx, {
      message,
      currency,
      eventType,
      ownerPartnerId,
      ownerTerms,
      ownerClickId: String(owner.clickId),
      outcome,
      journey,
      plan,
      milestones,
    });
    if (!written) return { kind: 'duplicate' } as const;
    return { kind: 'created', ...written, status: plan.status, currency } as const;
  });
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

function fitsCurrency(value: string, currency: string): boolean {
  try {
    parseAmount(value, currency);
    return true;
  } catch {
    return false;
  }
}
