/**
 * Shopify webhooks to conversion-queue messages. The transaction id is the order id (refunds
 * name it as `order_id`), so an order and its refunds meet on one key; `orders/create` and
 * `orders/paid` of one order produce the same (vendor, source, transaction, event type) and the
 * consumer keeps one. Each `refunds/create` is its own refund (not a running total), deduped on
 * the webhook id.
 */
import type { RefundMessage } from '../../ports/conversion-message.js';
import { formatMoney } from '../money/format-money.js';
import { parseMoney } from '../money/parse-money.js';
import { MalformedWebhookError } from './malformed-webhook-error.js';
import { asClickId, currencyOf, decimalAmount, isoToUtc, isRecord, optionalString } from './provider-values.js';
import type { ConversionMessage, IntegrationContext, WebhookTranslation } from './types.js';

export const handledShopifyTopics = ['orders/create', 'orders/paid', 'refunds/create'] as const;

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

function order(topic: string, webhookId: string, body: Record<string, unknown>, integration: IntegrationContext): WebhookTranslation {
  if (topic === 'orders/create' && body.financial_status !== 'paid') {
    // An unpaid order is not a sale yet; orders/paid will bring it.
    return { handled: false, reason: `order not paid (financial_status ${String(body.financial_status)})` };
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
    event_value: decimalAmount(body.current_total_price ?? body.total_price, 'total_price'),
    ...(currencyOf(body.currency) ? { currency: currencyOf(body.currency) } : {}),
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

function refund(webhookId: string, body: Record<string, unknown>, integration: IntegrationContext): WebhookTranslation {
  const transactions = Array.isArray(body.transactions) ? body.transactions : [];
  let cents = 0n;
  for (const [index, transaction] of transactions.entries()) {
    if (!isRecord(transaction) || transaction.kind !== 'refund' || transaction.status !== 'success') continue;
    cents += parseMoney(decimalAmount(transaction.amount, `transactions.${index}.amount`));
  }
  if (cents === 0n) return { handled: false, reason: 'refund moved no money (restock or adjustment only)' };
  const message: RefundMessage = {
    kind: 'refund',
    vendor_id: integration.vendor_id,
    source: 'shopify',
    transaction_id: requireId(body.order_id, 'order_id'),
    amount: formatMoney(cents),
    reason: 'refund',
    occurred_at: isoToUtc(body.processed_at ?? body.created_at, 'processed_at'),
    integration_id: integration.integration_id,
    provider_event_id: webhookId,
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
  return topic === 'refunds/create' ? refund(webhookId, body, integration) : order(topic, webhookId, body, integration);
}
