/**
 * The notifications consumer: POSTs each notice to the vendor's `webhook_url`, signed per
 * Standard Webhooks with the vendor's `webhook_secret`. Only a 2xx is delivered; any other answer
 * or a network error is a batch item failure whose message is first postponed by an exponential
 * delay (`retryDelaySeconds`, via ChangeMessageVisibility), so SQS redelivers it with backoff; after
 * `maxReceiveCount` the message moves to the DLQ.
 * Attempts and the last error are kept in `notification_deliveries`. A notice already delivered
 * is acknowledged without a second POST. Notices that can never be delivered (no endpoint, a
 * refused target) are recorded as failed and acknowledged: retrying cannot help.
 *
 * A notice that cannot be SIGNED (no secret, or one the `standardwebhooks` library refuses) is
 * our fault, not the vendor's: it is logged at level error, never POSTed unsigned, never marked
 * delivered, and failed like a refused POST, so it is retried with backoff (a secret rotated in
 * the meantime lets it through) and then lands in the notifications DLQ. The monitoring stack
 * alarms at the first one (`notifications-unsignable`, a metric filter on `outcome: unsignable`)
 * and again when it is dead-lettered (`notifications-dlq-not-empty`).
 */
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { functions, queues } from '../../lib/resources.js';
import { buildVendorWebhook, retryDelaySeconds } from '../domain/notifications/index.js';
import { notificationMessageSchema, type NotificationMessage } from '../ports/notification-message.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { createWebhookSender, WebhookTargetRefusedError, type WebhookSender } from '../adapters/http/webhook-sender.js';
import { ensureDelivery, findVendorWebhookTarget, recordAttempt } from '../repositories/notifications.js';

export interface NotifyVendorsOptions {
  /** Test-only escape hatch: deliver to loopback/private receivers. Never set in production. */
  allowPrivateWebhookTargets?: boolean;
  sender?: WebhookSender;
  log?: (entry: Record<string, unknown>) => void;
  /** Delays a failed message's next receive; default: ChangeMessageVisibility on the notifications queue. */
  postpone?: Postpone;
}

/** Makes a received message invisible for `seconds` (its retry backoff). */
export type Postpone = (receiptHandle: string, seconds: number) => Promise<void>;

type Outcome = 'delivered' | 'retry' | 'unsignable' | 'gave_up' | 'already_delivered';

const maxReceives = queues.notifications.maxReceiveCount;

function receiveCount(record: SQSRecord): number {
  return Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
}

export function createNotifyVendors(deps: {
  sql: SqlExecutor;
  now: () => Date;
  sender: WebhookSender;
  log: (entry: Record<string, unknown>) => void;
  postpone?: Postpone;
}) {
  /** Best effort: without it the message simply comes back after the queue's visibility timeout. */
  async function backOff(record: SQSRecord, receives: number): Promise<void> {
    if (!deps.postpone || receives >= maxReceives) return;
    try {
      await deps.postpone(record.receiptHandle, retryDelaySeconds(receives));
    } catch (error) {
      deps.log({ level: 'warn', message: 'could not postpone the retry', messageId: record.messageId, error: String(error) });
    }
  }

  async function deliver(message: NotificationMessage, lastReceive: boolean): Promise<Outcome> {
    const now = deps.now();
    const row = await ensureDelivery(deps.sql, { message, now });
    if (row.status === 'delivered') return 'already_delivered';
    const giveUp = async (error: string) => {
      await recordAttempt(deps.sql, { notification_id: message.notification_id, status: 'failed', error, now, countsAsAttempt: false });
      return 'gave_up' as const;
    };
    const vendor = await findVendorWebhookTarget(deps.sql, message.vendor_id);
    if (!vendor?.webhook_url) return giveUp('vendor has no webhook_url');
    const unsignable = async (error: string) => {
      await recordAttempt(deps.sql, { notification_id: message.notification_id, status: lastReceive ? 'failed' : 'pending', error, now, countsAsAttempt: false });
      return 'unsignable' as const;
    };
    if (!vendor.webhook_secret) return unsignable('cannot sign: vendor has no webhook_secret');
    let request;
    try {
      request = buildVendorWebhook({ message, secret: vendor.webhook_secret, now });
    } catch (error) {
      return unsignable(`cannot sign: ${(error as Error).message}`);
    }
    let error: string;
    try {
      const { status } = await deps.sender.post({ url: vendor.webhook_url, headers: { ...request.headers }, body: request.body });
      if (status >= 200 && status < 300) {
        await recordAttempt(deps.sql, { notification_id: message.notification_id, status: 'delivered', error: null, now, countsAsAttempt: true });
        return 'delivered';
      }
      error = `HTTP ${status}`;
    } catch (cause) {
      if (cause instanceof WebhookTargetRefusedError) return giveUp(`target refused: ${cause.message}`);
      error = `network: ${(cause as Error).message}`;
    }
    await recordAttempt(deps.sql, {
      notification_id: message.notification_id,
      status: lastReceive ? 'failed' : 'pending',
      error,
      now,
      countsAsAttempt: true,
    });
    return 'retry';
  }

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let message: NotificationMessage;
      try {
        message = notificationMessageSchema.parse(JSON.parse(record.body));
      } catch (error) {
        // Poison: fail it so it reaches the DLQ with its body intact for inspection.
        deps.log({ level: 'error', message: 'invalid notification message', messageId: record.messageId, error: String(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        const receives = receiveCount(record);
        const outcome = await deliver(message, receives >= maxReceives);
        const level = outcome === 'unsignable' ? 'error' : outcome === 'retry' || outcome === 'gave_up' ? 'warn' : 'info';
        deps.log({ level, message: 'vendor notification', outcome, notification_id: message.notification_id, vendor_id: message.vendor_id });
        if (outcome === 'retry' || outcome === 'unsignable') {
          await backOff(record, receives);
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      } catch (error) {
        deps.log({ level: 'error', message: 'notification failed', notification_id: message.notification_id, error: String(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
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
  const log = options.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify(entry)));
  const queueUrl = deps.config.queueUrls.notifications;
  const postpone: Postpone | undefined =
    options.postpone ??
    (queueUrl
      ? async (receiptHandle, seconds) => {
          await deps.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
        }
      : undefined);
  return createNotifyVendors({ get sql() { return deps.sql; }, now: deps.now, sender, log, postpone });
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
