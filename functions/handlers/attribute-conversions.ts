/**
 * The conversions queue's consumer: parses each message and calls one use case, recording a
 * conversion (`use-cases/record-conversion.ts`) or applying a refund (`use-cases/apply-refund.ts`),
 * each in its own transaction; the use case queues the vendor's notice after its commit.
 *
 * - A message that is not JSON or fails the schema is poison: its reason is logged and it is
 *   reported as a batch item failure, so SQS dead-letters it after `maxReceiveCount`; the rest of
 *   the batch commits.
 * - A message whose transaction fails (database unavailable, a lock timeout) is reported too and
 *   retried alone: everything is idempotent, so a retry after a partial success changes nothing.
 * - Duplicates (same provider event, same conversion key) are acknowledged without effect, but
 *   the notification is sent again under the same deterministic id: if the first send failed
 *   after the commit, the retry still notifies, and the notifier dedupes on the id.
 * - A batch in which every message failed throws (Powertools' `FullBatchFailureError`): the
 *   invocation fails, so the function's Errors alarm sees it, and SQS retries the whole batch.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDynamoDbClickStore } from '../adapters/aws/dynamodb-click-store.js';
import { createSqsNotificationQueue } from '../adapters/aws/sqs-notification-queue.js';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { ClickStore } from '../ports/click-store.js';
import { conversionQueueMessageSchema, type ConversionQueueMessage } from '../ports/conversion-message.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { applyRefund } from '../use-cases/apply-refund.js';
import { recordConversion } from '../use-cases/record-conversion.js';

type Parsed = { ok: true; message: ConversionQueueMessage } | { ok: false; reason: string };

function parseBody(body: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = conversionQueueMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, reason: `invalid conversion message: ${issues.join('; ')}` };
  }
  return { ok: true, message: parsed.data };
}

/** A poison message: failed so SQS dead-letters it, its reason already logged. */
class InvalidConversionMessageError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidConversionMessageError';
  }
}

export interface AttributeConversionsDeps {
  sql: SqlExecutor;
  clickStore: ClickStore;
  /** The notifications queue; absent = notifications off (logged once per message). */
  notificationQueue?: NotificationQueue;
  now: () => Date;
  logger?: Logger;
  metrics?: BusinessMetrics;
}

/** The consumer on injected clients: used by `createHandler`, the local platform and the tests. */
export function createAttributeConversions(deps: AttributeConversionsDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? silentMetrics;

  return async (event) => {
    const counts: Record<string, number> = {};
    let failed = 0;
    const processRecord = async (record: SQSRecord): Promise<void> => {
      const parsed = parseBody(record.body);
      if (!parsed.ok) {
        logger.error('conversion_message_rejected', { message_id: record.messageId, reason: parsed.reason });
        failed += 1;
        throw new InvalidConversionMessageError(parsed.reason);
      }
      const message = parsed.message;
      const common = { sql: deps.sql, notificationQueue: deps.notificationQueue, logger, metrics };
      try {
        const outcome =
          message.kind === 'refund'
            ? await applyRefund({ ...common, message })
            : await recordConversion({ ...common, clickStore: deps.clickStore, message, now: deps.now() });
        counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1;
      } catch (error) {
        logger.error('conversion_message_failed', {
          message_id: record.messageId,
          correlation_id: `${message.source}:${message.transaction_id}`,
          kind: message.kind,
          error: error instanceof Error ? error.message : String(error),
        });
        failed += 1;
        throw error;
      }
    };
    try {
      // One at a time: messages of one batch often share a transaction or a partner, and each
      // holds row locks until it commits.
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), { processInParallel: false });
    } finally {
      logger.info('conversions_processed', { messages: event.Records.length, failed, ...counts });
    }
  };
}

export function createHandler(deps: PlatformDeps): (event: SQSEvent, context?: unknown) => Promise<SQSBatchResponse> {
  const queueUrl = deps.config.queueUrls.notifications;
  const attribute = createAttributeConversions({
    // A getter: the SQL executor is built on first use.
    get sql() {
      return deps.sql;
    },
    clickStore: createDynamoDbClickStore({ client: deps.dynamodb, tableName: deps.config.tableNames.clicks }),
    ...(queueUrl ? { notificationQueue: createSqsNotificationQueue({ client: deps.sqs, queueUrl }) } : {}),
    now: deps.now,
    logger: deps.logger,
    metrics: deps.metrics,
  });
  return (event) => attribute(event);
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
