/**
 * Shopify webhooks to conversion-queue messages (docs/provider-events.md). The transaction id is
 * the order id (refunds name it as `order_id`), so an order, its refunds and its cancellation
 * meet on one key; `orders/create` and `orders/paid` of one order produce the same (vendor,
 * source, transaction, event type) and the consumer keeps one. Each `refunds/create` is its own
 * refund (not a running total), deduped on the webhook id.
 *
 * Money is the shop's: `total_price_set.shop_money` (the presentment money is the customer's
 * currency), read as an exact decimal of its ISO 4217 currency. Refunds are the successful
 * `refund` transactions as Shopify sends them (positive amounts); nothing takes the absolute
 * value of a negative number.
 */
import type { RefundMessage } from '../../ports/conversion-message.js';
import { formatAmount, normaliseCurrency, parseAmount } from '../money/currency.js';
import { MalformedWebhookError } from './malformed-webhook-error.js';
import { asClickId, isoToUtc, isRecord, optionalString, quoteInput, withinRecordableRange } from './provider-values.js';
import type { ConversionMessage, IntegrationContext, WebhookTranslation } from './types.js';

export const handledShopifyTopics = ['orders/create', 'orders/paid', 'orders/cancelled', 'refunds/create'] as const;

function clickIdOfOrder(order: Record<string, unknown>): string | undefined {
  if (Array.isArray(order.note_attributes)) {
    for (const attribute of order.note_attributes) {
      if (isRecord(attribute) && attribute.name === 'aff_click_id') {
        const id = asClickId(attribute.value);
        if (id) return id;
      }
    }
  }
  if (typeof order.landing_site === 'string') {
    try {
      // landing_site is a path with its query ("/products/x?aff_click_id=..."), sometimes a full URL.
      return asClickId(new URL(order.landing_site, 'https://shop.invalid').searchParams.get('aff_click_id'));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function tagsOf(order: Record<string, unknown>): string[] {
  return typeof order.tags === 'string' ? order.tags.split(',').map((t) => t.trim()).filter(Boolean) : [];
}

function requireId(value: unknown, field: string): string {
  const id = optionalString(value);
  if (!id) throw new MalformedWebhookError(`${field} is required`);
  return id;
}

function requireCurrency(value: unknown, field: string): string {
  const currency = normaliseCurrency(value);
  if (!currency) throw new MalformedWebhookError(`${field} ${quoteInput(value)} is not an ISO 4217 currency`);
  return currency;
}

/** An exact amount of `currency` in minor units (Shopify sends decimal strings; a JSON number is refused, not rounded). */
function minorUnits(value: unknown, currency: string, field: string): bigint {
  if (typeof value !== 'string') throw new MalformedWebhookError(`${field} must be a decimal string`);
  let minor: bigint;
  try {
    minor = parseAmount(value.trim(), currency);
  } catch (cause) {
    throw new MalformedWebhookError(`${field} is not an amount of ${currency}`, { cause });
  }
  withinRecordableRange(formatAmount(minor, currency), field);
  return minor;
}

/** The order's total in the shop's currency: `total_price_set.shop_money`, else `total_price` in `currency`. */
function orderTotal(body: Record<string, unknown>): { minor: bigint; currency: string } {
  const set = isRecord(body.total_price_set) && isRecord(body.total_price_set.shop_money) ? body.total_price_set.shop_money : undefined;
  if (set) {
    const currency = requireCurrency(set.currency_code, 'total_price_set.shop_money.currency_code');
    return { minor: minorUnits(set.amount, currency, 'total_price_set.shop_money.amount'), currency };
  }
  const currency = requireCurrency(body.currency, 'currency');
  return { minor: minorUnits(body.total_price, currency, 'total_price'), currency };
}

function order(topic: string, webhookId: string, body: Record<string, unknown>, integration: IntegrationContext): WebhookTranslation {
  if (topic === 'orders/create' && body.financial_status !== 'paid') {
    // An unpaid order is not a sale yet; orders/paid will bring it.
    return { handled: false, reason: `order not paid (financial_status ${String(body.financial_status)})` };
  }
  const total = orderTotal(body);
  if (total.minor <= 0n) {
    // A free order (100 % discount, a gift card covering it) or an adjustment: nothing was sold
    // that a commission could be a share of, and a negative one would pay the partner back to front.
    return { handled: false, reason: `order total ${formatAmount(total.minor, total.currency)} ${total.currency} is not a sale` };
  }
  const customer = isRecord(body.customer) ? body.customer : {};
  const email = optionalString(body.email) ?? optionalString(body.contact_email) ?? optionalString(customer.email);
  const clickId = clickIdOfOrder(body);
  const message: ConversionMessage = {
    kind: 'conversion',
    vendor_id: integration.vendor_id,
    source: 'shopify',
    receipt_id: '00000000-0000-0000-0000-000000000000',
    event_type: 'sale',
    transaction_id: requireId(body.id, 'id'),
    event_value: formatAmount(total.minor, total.currency),
    currency: total.currency,
    occurred_at: isoToUtc(body.processed_at ?? body.created_at, 'processed_at'),
    ...(clickId ? { click_id: clickId } : {}),
    ...(optionalString(customer.id) ? { customer_id: optionalString(customer.id) } : {}),
    ...(email ? { customer_email: email } : {}),
    ...(integration.campaign_id !== undefined ? { campaign_id: integration.campaign_id } : {}),
    integration_id: integration.integration_id,
    provider_event_id: webhookId,
    metadata: { shopify_topic: topic, shopify_order_name: optionalString(body.name) ?? null },
  };
  return { handled: true, messages: [message], mappingSubject: body, tags: tagsOf(body) };
}

/**
 * `orders/cancelled`: the whole order is reversed (a cancelled order is not a sale the partner
 * earns on, whether or not its money was refunded). One entry per order in the refund ledger,
 * so the cancellation and any refunds/create of the same order never reverse more than the sale;
 * before payout the commission is rejected, after payout it is clawed back in the next payout.
 */
function cancellation(webhookId: string, body: Record<string, unknown>, integration: IntegrationContext): WebhookTranslation {
  const orderId = requireId(body.id, 'id');
  const total = orderTotal(body);
  const message: RefundMessage = {
    kind: 'refund',
    vendor_id: integration.vendor_id,
    source: 'shopify',
    transaction_id: orderId,
    reason: 'refund',
    currency: total.currency,
    refund_key: `orders/cancelled:${orderId}`,
    occurred_at: isoToUtc(body.cancelled_at ?? body.updated_at, 'cancelled_at'),
    integration_id: integration.integration_id,
    provider_event_id: webhookId,
  };
  return { handled: true, messages: [message], mappingSubject: body, tags: tagsOf(body) };
}

function refund(webhookId: string, body: Record<string, unknown>, integration: IntegrationContext): WebhookTranslation {
  const transactions = Array.isArray(body.transactions) ? body.transactions : [];
  let minor = 0n;
  let currency: string | undefined;
  for (const [index, transaction] of transactions.entries()) {
    if (!isRecord(transaction) || transaction.kind !== 'refund' || transaction.status !== 'success') continue;
    const own = requireCurrency(transaction.currency, `transactions.${index}.currency`);
    if (currency && own !== currency) throw new MalformedWebhookError(`transactions.${index}.currency ${own} differs from ${currency}`);
    currency = own;
    const amount = minorUnits(transaction.amount, own, `transactions.${index}.amount`);
    if (amount < 0n) throw new MalformedWebhookError(`transactions.${index}.amount must not be negative`);
    minor += amount;
  }
  if (minor === 0n || !currency) return { handled: false, reason: 'refund moved no money (restock or adjustment only)' };
  const message: RefundMessage = {
    kind: 'refund',
    vendor_id: integration.vendor_id,
    source: 'shopify',
    transaction_id: requireId(body.order_id, 'order_id'),
    amount: withinRecordableRange(formatAmount(minor, currency), 'transactions'),
    currency,
    reason: 'refund',
    occurred_at: isoToUtc(body.processed_at ?? body.created_at, 'processed_at'),
    integration_id: integration.integration_id,
    provider_event_id: webhookId,
    // The refund's own id: the same refund delivered under another webhook id counts once.
    ...(optionalString(body.id) ? { refund_key: `refund:${optionalString(body.id)}` } : {}),
  };
  return { handled: true, messages: [message], mappingSubject: body, tags: [] };
}

/**
 * Translates a verified Shopify webhook (`X-Shopify-Topic`, `X-Shopify-Webhook-Id`, parsed body).
 * @throws MalformedWebhookError when a handled topic lacks what it needs.
 */
export function translateShopifyWebhook(input: {
  topic: string;
  webhookId: string;
  body: unknown;
  integration: IntegrationContext;
}): WebhookTranslation {
  const { topic, webhookId, body, integration } = input;
  if (!(handledShopifyTopics as readonly string[]).includes(topic)) return { handled: false, reason: `unhandled topic ${topic}` };
  if (!isRecord(body)) throw new MalformedWebhookError('The body is not a JSON object');
  if (topic === 'refunds/create') return refund(webhookId, body, integration);
  if (topic === 'orders/cancelled') return cancellation(webhookId, body, integration);
  return order(topic, webhookId, body, integration);
}
