/**
 * A vendor reports a conversion or a funnel event (`POST /v1/conversions`): checked, then queued
 * for attribution before the caller is answered. The receipt is a UUIDv5 of (vendor, source
 * `api`, transaction id, event type), the consumer's unique key, so the same report always gets
 * the same receipt and a repeat changes nothing (it is queued again and the consumer's unique
 * constraint drops it).
 */
import { isReservedEventType } from '../domain/conversions/event-type-role.js';
import { NotFoundError, UnavailableError, ValidationError } from '../domain/errors.js';
import { conversionReceiptId } from '../domain/integrations/conversion-receipt-id.js';
import { currencyExponent, formatAmount, parseAmount } from '../domain/money/currency.js';
import { InvalidDecimalError } from '../domain/money/index.js';
import type { ConversionMessage } from '../ports/conversion-message.js';
import type { ConversionQueue } from '../ports/conversion-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { findCampaign } from '../repositories/campaigns/campaigns.js';
import { findConversionEventType } from '../repositories/accounts/integrations.js';

/** How far in the future `occurred_at` may be (clock skew between the vendor and us). */
const maxFutureSkewMs = 5 * 60 * 1000;

/** What the vendor reports, already validated field by field (`body` of the route). */
export interface ConversionReport {
  event_type: string;
  transaction_id: string;
  event_value?: string;
  /** ISO 4217, upper case; absent means the campaign's currency. */
  currency?: string;
  occurred_at?: string;
  click_id?: string;
  cookie_id?: string;
  customer_id?: string;
  customer_email?: string;
  campaign_id?: number;
  lead?: ConversionMessage['lead'];
  metadata?: Record<string, unknown>;
}

/** 400 naming `body.event_value` when the amount has more decimals than `currency` has. */
function assertAmountFits(value: string | undefined, currency: string): void {
  if (value === undefined) return;
  try {
    parseAmount(value, currency);
  } catch (error) {
    if (!(error instanceof InvalidDecimalError)) throw error;
    const places = currencyExponent(currency);
    throw new ValidationError(`Invalid body: body.event_value - ${currency} has ${places} decimal place${places === 1 ? '' : 's'}.`, [
      { path: 'body.event_value', message: `An amount in ${currency} has at most ${places} decimal place${places === 1 ? '' : 's'} (e.g. "${formatAmount(1234n, currency)}").` },
    ]);
  }
}

/**
 * Returns the receipt. Throws `ValidationError` (unknown or reserved event type, an amount finer
 * than its currency, a time in the future), `NotFoundError` (another vendor's campaign) and
 * `UnavailableError` when the queue refused it (nothing was accepted: retry).
 */
export async function reportConversion(input: {
  sql: SqlExecutor;
  queue: ConversionQueue;
  vendorId: number;
  report: ConversionReport;
  now: Date;
}): Promise<{ receiptId: string }> {
  const { sql, report, now } = input;
  const type = await findConversionEventType(sql, { name: report.event_type });
  if (!type) {
    throw new ValidationError(`Unknown event type "${report.event_type}".`, [{ path: 'body.event_type', message: 'No such conversion event type.' }]);
  }
  if (isReservedEventType(type.name)) {
    throw new ValidationError(`Event type "${type.name}" cannot be reported.`, [
      { path: 'body.event_type', message: 'click is recorded by the short link; refund and dispute arrive as refunds of a sale.' },
    ]);
  }
  let campaignCurrency: string | undefined;
  if (report.campaign_id !== undefined) {
    const campaign = await findCampaign(sql, { campaign_id: report.campaign_id, vendor_id: input.vendorId });
    if (!campaign) throw new NotFoundError('Campaign not found.');
    campaignCurrency = campaign.currency;
  }
  // Without a currency the amount is in the campaign's: checked here when the campaign is named,
  // else by the consumer (an amount that does not fit is kept as unattributed, with its reason).
  const currency = report.currency ?? campaignCurrency;
  if (currency !== undefined) assertAmountFits(report.event_value, currency);
  const occurredAt = report.occurred_at === undefined ? now : new Date(report.occurred_at);
  if (occurredAt.getTime() > now.getTime() + maxFutureSkewMs) {
    throw new ValidationError('occurred_at is in the future.', [{ path: 'body.occurred_at', message: 'More than 5 minutes ahead of the server clock.' }]);
  }
  const key = { vendor_id: input.vendorId, source: 'api' as const, transaction_id: report.transaction_id, event_type: type.name };
  const message: ConversionMessage = {
    kind: 'conversion',
    ...key,
    receipt_id: conversionReceiptId(key),
    occurred_at: occurredAt.toISOString(),
    ...(report.event_value !== undefined ? { event_value: report.event_value } : {}),
    ...(report.currency !== undefined ? { currency: report.currency } : {}),
    ...(report.click_id !== undefined ? { click_id: report.click_id.toLowerCase() } : {}),
    ...(report.cookie_id !== undefined ? { cookie_id: report.cookie_id.toLowerCase() } : {}),
    ...(report.customer_id !== undefined ? { customer_id: report.customer_id } : {}),
    ...(report.customer_email !== undefined ? { customer_email: report.customer_email } : {}),
    ...(report.campaign_id !== undefined ? { campaign_id: report.campaign_id } : {}),
    ...(report.lead !== undefined ? { lead: report.lead } : {}),
    ...(report.metadata !== undefined ? { metadata: report.metadata } : {}),
  };
  try {
    await input.queue.send([message]);
  } catch (error) {
    throw new UnavailableError('The conversion could not be queued; retry the request.', { cause: error });
  }
  return { receiptId: message.receipt_id };
}
