/**
 * `POST /webhooks/{provider}/{integration_id}`: Stripe and Shopify deliveries.
 *
 * Verify the signature over the raw body exactly as received (base64-decoded when API Gateway
 * encoded it) BEFORE parsing; then translate, apply the integration's event mapping, and ENQUEUE
 * before answering. A bad signature, a stale or future timestamp or a malformed body is a 400
 * with nothing enqueued; a failed send is a 503 so the provider retries (the consumer dedupes on
 * the provider event id and the conversion key, so a retry after a lost answer is harmless).
 * Unhandled event types are acknowledged with 200 `{ ignored: true }` so providers stop sending.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { HttpError, NotFoundError } from '../platform/http/errors.js';
import { headerOf, unstorableValueOf } from '../platform/http/parse-request.js';
import { problemDetailsMiddleware } from '../platform/http/problem-middleware.js';
import { toGatewayResult, type ApiResult } from '../platform/http/responses.js';
import { verifyShopifyHmac, verifyStripeSignature, WebhookSignatureError } from '../domain/webhooks/index.js';
import {
  applyEventMapping,
  conversionReceiptId,
  integrationProviders,
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
import type { ConversionQueueMessage } from '../ports/conversion-message.js';
import { createSqsConversionQueue, type ConversionQueue } from '../adapters/aws/conversion-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { findIntegrationForWebhook, listMappings, type MappingRow } from '../repositories/integrations.js';

export interface WebhooksOptions {
  /** Defaults to the SQS conversions queue through `deps.sqs`. */
  conversionQueue?: ConversionQueue;
}

/** 400 for anything wrong with the delivery itself: nothing is enqueued. */
class BadWebhookError extends HttpError {
  constructor(detail: string, type: string, options: { cause?: unknown } = {}) {
    super(400, 'Bad Request', detail, { type, cause: options.cause });
  }
}

/** 503: the conversion could not be queued; the provider retries the delivery. */
class QueueUnavailableError extends HttpError {
  constructor(options: { cause?: unknown }) {
    super(503, 'Service Unavailable', 'The event could not be queued; retry the delivery.', { ...options, headers: { 'retry-after': '30' } });
  }
}

function routeOf(event: APIGatewayProxyEventV2): { provider: IntegrationProvider; integrationId: number } {
  const fromPath = /^\/webhooks\/([^/]+)\/([^/]+)\/?$/.exec(event.rawPath ?? '');
  const provider = event.pathParameters?.provider ?? fromPath?.[1];
  const id = event.pathParameters?.integration_id ?? fromPath?.[2];
  // integration_id is a PostgreSQL integer: a larger id cannot exist (and would fail the ::integer cast with a 500).
  if (!provider || !(integrationProviders as readonly string[]).includes(provider) || !id || !/^[1-9]\d{0,9}$/.test(id) || Number(id) > 2_147_483_647) {
    throw new NotFoundError('No such webhook endpoint.');
  }
  return { provider: provider as IntegrationProvider, integrationId: Number(id) };
}

function rawBodyOf(event: APIGatewayProxyEventV2): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (cause) {
    throw new BadWebhookError('The body is not valid JSON.', '/problems/webhook-malformed', { cause });
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

export async function handleWebhook(input: {
  event: APIGatewayProxyEventV2;
  sql: SqlExecutor;
  queue: ConversionQueue;
  now: Date;
}): Promise<ApiResult> {
  const { event, sql, queue, now } = input;
  const { provider, integrationId } = routeOf(event);
  const integration = await findIntegrationForWebhook(sql, integrationId);
  if (!integration || integration.vendor_deleted || integration.config.provider !== provider) {
    throw new NotFoundError('No such webhook endpoint.');
  }
  const secret = typeof integration.config.signing_secret === 'string' ? integration.config.signing_secret : '';
  const raw = rawBodyOf(event);
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
      verifyStripeSignature({ rawBody: raw, header: headerOf(event, 'stripe-signature'), secret, now, toleranceSeconds: tolerance });
      const stripeEvent = parseStripeEvent(parseJson(raw));
      eventName = stripeEvent.type;
      translation = translateStripeEvent({ event: stripeEvent, integration: context });
    } else {
      verifyShopifyHmac({ rawBody: raw, header: headerOf(event, 'x-shopify-hmac-sha256'), secret });
      const topic = headerOf(event, 'x-shopify-topic')?.trim();
      const webhookId = headerOf(event, 'x-shopify-webhook-id')?.trim();
      if (!topic || !webhookId) {
        throw new BadWebhookError('X-Shopify-Topic and X-Shopify-Webhook-Id are required.', '/problems/webhook-malformed');
      }
      const shop = headerOf(event, 'x-shopify-shop-domain')?.trim().toLowerCase();
      const expectedShop = typeof integration.config.shop_domain === 'string' ? integration.config.shop_domain.toLowerCase() : undefined;
      if (expectedShop && shop && shop !== expectedShop) {
        throw new BadWebhookError('X-Shopify-Shop-Domain is not this integration’s shop.', '/problems/webhook-malformed');
      }
      eventName = topic;
      translation = translateShopifyWebhook({ topic, webhookId: webhookId.slice(0, 255), body: parseJson(raw), integration: context });
    }
  } catch (error) {
    if (error instanceof WebhookSignatureError) {
      // The reason names which check failed (no secret material); the detail stays generic for callers.
      console.warn(JSON.stringify({ level: 'warn', message: 'webhook signature refused', provider, integration_id: integrationId, reason: error.reason }));
      throw new BadWebhookError(`Signature verification failed (${error.reason}).`, '/problems/webhook-signature', { cause: error });
    }
    if (error instanceof MalformedWebhookError) throw new BadWebhookError(error.message, '/problems/webhook-malformed', { cause: error });
    throw error;
  }

  if (!translation.handled) return { status: 200, body: { received: true, ignored: true, reason: translation.reason } };

  let messages: ConversionQueueMessage[];
  try {
    const mapping = chooseMapping(await listMappings(sql, { integration_id: integration.integration_id, event_name: eventName }), integration.campaign_id);
    const outcome = applyEventMapping({ messages: translation.messages, mapping, subject: translation.mappingSubject, tags: translation.tags });
    if (!outcome.apply) return { status: 200, body: { received: true, ignored: true, reason: outcome.reason } };
    messages = withReceipts(outcome.messages);
    // A provider's string that PostgreSQL cannot store (U+0000, an unpaired surrogate) would
    // fail the consumer on every delivery and end in the dead-letter queue: refused here instead.
    const unstorable = unstorableValueOf(messages, 'event');
    if (unstorable) throw new MalformedWebhookError(`${unstorable.path}: ${unstorable.message}`);
  } catch (error) {
    if (error instanceof MalformedWebhookError) throw new BadWebhookError(error.message, '/problems/webhook-malformed', { cause: error });
    throw error;
  }

  try {
    await queue.send(messages);
  } catch (error) {
    // A ZodError here is our bug (a message off contract), not the provider's: still a 5xx, logged.
    console.error(JSON.stringify({ level: 'error', message: 'conversion enqueue failed', provider, integration_id: integrationId, error: String(error) }));
    throw new QueueUnavailableError({ cause: error });
  }
  return {
    status: 200,
    body: {
      received: true,
      enqueued: messages.length,
      receipt_ids: messages.flatMap((m) => (m.kind === 'conversion' ? [m.receipt_id] : [])),
    },
  };
}

export function createHandler(deps: PlatformDeps, options: WebhooksOptions = {}) {
  let queue = options.conversionQueue;
  const wrapped = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(problemDetailsMiddleware())
    .handler(async (event) => {
      queue ??= createSqsConversionQueue({ client: deps.sqs, queueUrl: deps.config.queueUrls.conversions });
      return toGatewayResult(await handleWebhook({ event, sql: deps.sql, queue, now: deps.now() }));
    });
  return (event: APIGatewayProxyEventV2, context?: unknown): Promise<APIGatewayProxyStructuredResultV2> =>
    wrapped(event, (context ?? {}) as Context);
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
