/**
 * A Stripe or Shopify delivery: verify the signature over the raw body exactly as received
 * BEFORE parsing; then translate, apply the integration's event mapping, and ENQUEUE the
 * conversions and refunds it carries before the caller answers. The consumer dedupes on the
 * provider event id and the conversion key, so a retried delivery after a lost answer is harmless.
 */
import type { FieldError } from '../domain/errors.js';
import { NotFoundError, UnavailableError } from '../domain/errors.js';
import {
  applyEventMapping,
  conversionReceiptId,
  MalformedWebhookError,
  mappingConfigSchema,
  parseStripeEvent,
  translateShopifyWebhook,
  translateStripeEvent,
  type IntegrationContext,
  type IntegrationProvider,
  type ResolvedMapping,
  type WebhookTranslation,
} from '../domain/integrations/index.js';
import { verifyShopifyHmac, verifyStripeSignature, WebhookSignatureError } from '../domain/webhooks/index.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import { conversionQueueMessageSchema, type ConversionQueueMessage } from '../ports/conversion-message.js';
import { MAX_QUEUE_MESSAGE_BYTES, type ConversionQueue } from '../ports/conversion-queue.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { findIntegrationForWebhook, listMappings, type MappingRow } from '../repositories/accounts/integrations.js';

/** One delivery as received: the route's provider and integration, the raw body bytes, its headers. */
export interface WebhookDelivery {
  provider: IntegrationProvider;
  integrationId: number;
  rawBody: Buffer;
  header(name: string): string | undefined;
}

export type AcceptWebhookResult =
  /** An event the platform does not handle, or the mapping excludes: acknowledged so the provider stops sending. */
  | { kind: 'ignored'; reason: string }
  | { kind: 'enqueued'; enqueued: number; receiptIds: string[] };

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (cause) {
    throw new MalformedWebhookError('The body is not valid JSON.', { cause });
  }
}

/** Among an event's mappings, the one for the integration's campaign wins, else the oldest. */
function chooseMapping(rows: MappingRow[], campaignId: number | null): ResolvedMapping | undefined {
  const row = rows.find((r) => campaignId !== null && r.campaign_id === campaignId) ?? rows[0];
  if (!row) return undefined;
  const config = mappingConfigSchema.parse(row.mapping_config);
  const eventType = row.event_type_name ?? config.event_type;
  return {
    integration_event_mapping_id: row.integration_event_mapping_id,
    config,
    ...(eventType ? { event_type: eventType } : {}),
    ...(row.campaign_id !== null ? { campaign_id: row.campaign_id } : {}),
  };
}

function withReceipts(messages: ConversionQueueMessage[]): ConversionQueueMessage[] {
  return messages.map((m) => (m.kind === 'conversion' ? { ...m, receipt_id: conversionReceiptId(m) } : m));
}

/**
 * Throws `NotFoundError` (no such integration for this provider), `WebhookSignatureError` (the
 * signature, a stale or future timestamp), `MalformedWebhookError` (a body or header the
 * provider's contract does not allow; nothing enqueued) and `UnavailableError` (the queue refused:
 * the provider retries).
 */
export async function acceptWebhook(input: {
  sql: SqlExecutor;
  queue: ConversionQueue;
  delivery: WebhookDelivery;
  now: Date;
  /**
   * The first value PostgreSQL could not store (U+0000, an unpaired surrogate), which would fail
   * the consumer on every delivery: refused here instead. Given by the caller (the HTTP layer
   * owns the one implementation, shared with every JSON body).
   */
  findUnstorableValue: (value: unknown, root: string) => FieldError | undefined;
  logger?: Logger;
}): Promise<AcceptWebhookResult> {
  const { sql, delivery, now } = input;
  const logger = input.logger ?? silentLogger;
  const { provider, integrationId } = delivery;
  const integration = await findIntegrationForWebhook(sql, integrationId);
  if (!integration || integration.vendor_deleted || integration.config.provider !== provider) {
    throw new NotFoundError('No such webhook endpoint.');
  }
  const secret = typeof integration.config.signing_secret === 'string' ? integration.config.signing_secret : '';
  const raw = delivery.rawBody;
  const context: IntegrationContext = {
    integration_id: integration.integration_id,
    vendor_id: integration.vendor_id,
    ...(integration.campaign_id !== null ? { campaign_id: integration.campaign_id } : {}),
  };

  let translation: WebhookTranslation;
  let eventName: string;
  try {
    if (provider === 'stripe') {
      const tolerance = typeof integration.config.tolerance_seconds === 'number' ? integration.config.tolerance_seconds : undefined;
      verifyStripeSignature({ rawBody: raw, header: delivery.header('stripe-signature'), secret, now, toleranceSeconds: tolerance });
      const stripeEvent = parseStripeEvent(parseJson(raw));
      eventName = stripeEvent.type;
      translation = translateStripeEvent({ event: stripeEvent, integration: context });
    } else {
      verifyShopifyHmac({ rawBody: raw, header: delivery.header('x-shopify-hmac-sha256'), secret });
      const topic = delivery.header('x-shopify-topic')?.trim();
      const webhookId = delivery.header('x-shopify-webhook-id')?.trim();
      if (!topic || !webhookId) throw new MalformedWebhookError('X-Shopify-Topic and X-Shopify-Webhook-Id are required.');
      const shop = delivery.header('x-shopify-shop-domain')?.trim().toLowerCase();
      const expectedShop = typeof integration.config.shop_domain === 'string' ? integration.config.shop_domain.toLowerCase() : undefined;
      if (expectedShop && shop && shop !== expectedShop) throw new MalformedWebhookError('X-Shopify-Shop-Domain is not this integration’s shop.');
      eventName = topic;
      translation = translateShopifyWebhook({ topic, webhookId: webhookId.slice(0, 255), body: parseJson(raw), integration: context });
    }
  } catch (error) {
    if (error instanceof WebhookSignatureError) {
      // The reason names which check failed (no secret material).
      logger.warn('webhook signature refused', { provider, integration_id: integrationId, reason: error.reason });
    }
    throw error;
  }

  if (!translation.handled) return { kind: 'ignored', reason: translation.reason };

  const mapping = chooseMapping(await listMappings(sql, { integration_id: integration.integration_id, event_name: eventName }), integration.campaign_id);
  const outcome = applyEventMapping({ messages: translation.messages, mapping, subject: translation.mappingSubject, tags: translation.tags });
  if (!outcome.apply) return { kind: 'ignored', reason: outcome.reason };
  const messages = withReceipts(outcome.messages);
  const unstorable = input.findUnstorableValue(messages, 'event');
  if (unstorable) throw new MalformedWebhookError(`${unstorable.path}: ${unstorable.message}`);
  // A message the queue can never take (a validly signed event with a value off the message
  // contract, e.g. a 500 KB refund id) is the delivery's problem, not a reason for the provider to
  // retry it forever: refused here, naming the field, instead of a 503 on every retry.
  for (const message of messages) {
    const checked = conversionQueueMessageSchema.safeParse(message);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw new MalformedWebhookError(`event.${issue.path.join('.')}: ${issue.message}`);
    }
    if (Buffer.byteLength(JSON.stringify(message)) > MAX_QUEUE_MESSAGE_BYTES) {
      throw new MalformedWebhookError(`The event's ${message.kind} is over ${MAX_QUEUE_MESSAGE_BYTES} bytes once translated: no field of a real event is that large.`);
    }
  }

  try {
    await input.queue.send(messages);
  } catch (error) {
    // A ZodError here is our bug (a message off contract), not the provider's: still a 5xx, logged.
    logger.error('conversion enqueue failed', { provider, integration_id: integrationId, error: String(error) });
    throw new UnavailableError('The event could not be queued; retry the delivery.', { cause: error });
  }
  return {
    kind: 'enqueued',
    enqueued: messages.length,
    receiptIds: messages.flatMap((m) => (m.kind === 'conversion' ? [m.receipt_id] : [])),
  };
}
