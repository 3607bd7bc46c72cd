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
import { HttpError, NotFoundError, UnavailableError } from '../platform/http/errors.js';
import { headerOf, unstorableValueOf } from '../platform/http/parse-request.js';
import { problemDetailsMiddleware } from '../platform/http/problem-middleware.js';
import { toGatewayResult, type ApiResult } from '../platform/http/responses.js';
import { WebhookSignatureError } from '../domain/webhooks/index.js';
import { integrationProviders, MalformedWebhookError, type IntegrationProvider } from '../domain/integrations/index.js';
import { createSqsConversionQueue, type ConversionQueue } from '../adapters/aws/conversion-queue.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { acceptWebhook } from '../use-cases/accept-webhook.js';

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

/**
 * Verifies, translates and enqueues one delivery (`use-cases/accept-webhook.ts`); answers 200
 * with what was enqueued (or `ignored`), 400 for a delivery at fault, 404 for an unknown
 * endpoint, 503 with Retry-After 30 when the queue refused it.
 */
export async function handleWebhook(input: {
  event: APIGatewayProxyEventV2;
  sql: SqlExecutor;
  queue: ConversionQueue;
  now: Date;
  logger?: Logger;
}): Promise<ApiResult> {
  const { event } = input;
  const { provider, integrationId } = routeOf(event);
  try {
    const result = await acceptWebhook({
      sql: input.sql,
      queue: input.queue,
      delivery: { provider, integrationId, rawBody: rawBodyOf(event), header: (name) => headerOf(event, name) },
      now: input.now,
      findUnstorableValue: unstorableValueOf,
      ...(input.logger ? { logger: input.logger } : {}),
    });
    if (result.kind === 'ignored') return { status: 200, body: { received: true, ignored: true, reason: result.reason } };
    return { status: 200, body: { received: true, enqueued: result.enqueued, receipt_ids: result.receiptIds } };
  } catch (error) {
    if (error instanceof WebhookSignatureError) {
      // The detail names which check failed and stays generic otherwise.
      throw new BadWebhookError(`Signature verification failed (${error.reason}).`, '/problems/webhook-signature', { cause: error });
    }
    if (error instanceof MalformedWebhookError) throw new BadWebhookError(error.message, '/problems/webhook-malformed', { cause: error });
    if (error instanceof UnavailableError) throw new QueueUnavailableError({ cause: error });
    throw error;
  }
}

export function createHandler(deps: PlatformDeps, options: WebhooksOptions = {}) {
  let queue = options.conversionQueue;
  const wrapped = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(problemDetailsMiddleware(deps.logger))
    .handler(async (event) => {
      queue ??= createSqsConversionQueue({ client: deps.sqs, queueUrl: deps.config.queueUrls.conversions });
      return toGatewayResult(await handleWebhook({ event, sql: deps.sql, queue, now: deps.now(), logger: deps.logger }));
    });
  return (event: APIGatewayProxyEventV2, context?: unknown): Promise<APIGatewayProxyStructuredResultV2> =>
    wrapped(event, (context ?? {}) as Context);
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
