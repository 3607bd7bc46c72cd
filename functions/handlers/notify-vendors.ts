/**
 * The notifications consumer: delivers each notice (`use-cases/notify-vendor.ts`). A notice that
 * is not delivered yet (`retry`, `unsignable`) is a batch item failure whose message is first
 * postponed by an exponential delay (`retryDelaySeconds`, via ChangeMessageVisibility), so SQS
 * redelivers it with backoff; after `maxReceiveCount` the message moves to the DLQ. Notices that
 * can never be delivered (no endpoint, a refused target) are recorded as failed and acknowledged:
 * retrying cannot help. A malformed message is failed so it reaches the DLQ with its body intact.
 * A batch in which every notice failed throws (Powertools' `FullBatchFailureError`), so the
 * function's Errors alarm sees it.
 */
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import { functions, queues } from '../../lib/resources.js';
import { retryDelaySeconds } from '../domain/notifications/index.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { Logger } from '../ports/logger.js';
import { notificationMessageSchema, type NotificationMessage } from '../ports/notification-message.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import type { WebhookSender } from '../ports/webhook-sender.js';
import { createWebhookSender } from '../adapters/http/webhook-sender.js';
import { notifyVendor } from '../use-cases/notify-vendor.js';

export interface NotifyVendorsOptions {
  /** Test-only escape hatch: deliver to loopback/private receivers. Never set in production. */
  allowPrivateWebhookTargets?: boolean;
  sender?: WebhookSender;
  /** Delays a failed message's next receive; default: ChangeMessageVisibility on the notifications queue. */
  postpone?: Postpone;
}

/** Makes a received message invisible for `seconds` (its retry backoff). */
export type Postpone = (receiptHandle: string, seconds: number) => Promise<void>;

const maxReceives = queues.notifications.maxReceiveCount;

function receiveCount(record: SQSRecord): number {
  return Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
}

/** Not delivered yet: the message is failed so SQS brings it back (after its backoff). */
class NotificationNotDeliveredError extends Error {
  constructor(notificationId: string, outcome: string) {
    super(`notification ${notificationId}: ${outcome}`);
    this.name = 'NotificationNotDeliveredError';
  }
}

export function createNotifyVendors(deps: {
  sql: SqlExecutor;
  now: () => Date;
  sender: WebhookSender;
  logger?: Logger;
  metrics?: BusinessMetrics;
  postpone?: Postpone;
}) {
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? silentMetrics;

  /** Best effort: without it the message simply comes back after the queue's visibility timeout. */
  async function backOff(record: SQSRecord, receives: number): Promise<void> {
    if (!deps.postpone || receives >= maxReceives) return;
    try {
      await deps.postpone(record.receiptHandle, retryDelaySeconds(receives));
    } catch (error) {
      logger.warn('could not postpone the retry', { message_id: record.messageId, error: String(error) });
    }
  }

  async function processRecord(record: SQSRecord): Promise<void> {
    let message: NotificationMessage;
    try {
      message = notificationMessageSchema.parse(JSON.parse(record.body));
    } catch (error) {
      // Poison: fail it so it reaches the DLQ with its body intact for inspection.
      logger.error('invalid notification message', { message_id: record.messageId, error: String(error) });
      throw error;
    }
    const receives = receiveCount(record);
    let outcome;
    try {
      outcome = await notifyVendor({
        sql: deps.sql,
        sender: deps.sender,
        message,
        lastAttempt: receives >= maxReceives,
        now: deps.now(),
        logger,
        metrics,
      });
    } catch (error) {
      logger.error('notification failed', { notification_id: message.notification_id, error: String(error) });
      throw error;
    }
    if (outcome === 'retry' || outcome === 'unsignable') {
      await backOff(record, receives);
      throw new NotificationNotDeliveredError(message.notification_id, outcome);
    }
  }

  return (event: SQSEvent): Promise<SQSBatchResponse> => processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), { processInParallel: false });
}

/**
 * Deliveries run one after another: a full batch of vendors each using its whole deadline must
 * still end before the function's timeout (5 s kept for the database and the batch response).
 */
export const deliveryDeadlineMs = Math.floor((functions.notifyVendors.timeoutSeconds * 1000 - 5_000) / queues.notifications.batchSize);

export function createHandler(deps: PlatformDeps, options: NotifyVendorsOptions = {}) {
  const sender =
    options.sender ??
    createWebhookSender({
      allowPrivateTargets: options.allowPrivateWebhookTargets === true,
      allowLoopbackTargets: deps.config.allowLoopbackWebhooks === true,
      deadlineMs: deliveryDeadlineMs,
      timeoutMs: deliveryDeadlineMs,
    });
  const queueUrl = deps.config.queueUrls.notifications;
  const postpone: Postpone | undefined =
    options.postpone ??
    (queueUrl
      ? async (receiptHandle, seconds) => {
          await deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
        }
      : undefined);
  return createNotifyVendors({
    get sql() {
      return deps.sql;
    },
    now: deps.now,
    sender,
    logger: deps.logger,
    metrics: deps.metrics,
    postpone,
  });
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
