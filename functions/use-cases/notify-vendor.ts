/**
 * Delivers one vendor notice: POSTs it to the vendor's `webhook_url`, signed per Standard
 * Webhooks with the vendor's `webhook_secret`; only a 2xx is delivered. Attempts and the last
 * error are kept in `notification_deliveries`; a notice already delivered is not POSTed again.
 *
 * Outcomes: `delivered`; `already_delivered`; `retry` (any other answer or a network error: the
 * caller retries with backoff); `gave_up` (no endpoint, a refused target: retrying cannot help);
 * `unsignable` (no secret, or one the `standardwebhooks` library refuses: our fault, never POSTed
 * unsigned, logged at level error and retried like a failed POST, so a rotated secret lets it
 * through; the `notifications-unsignable` alarm filters the log on `outcome: unsignable`).
 */
import { buildVendorWebhook } from '../domain/notifications/index.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationMessage } from '../ports/notification-message.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { WebhookTargetRefusedError, type WebhookSender } from '../ports/webhook-sender.js';
import { ensureDelivery, findVendorWebhookTarget, recordAttempt } from '../repositories/conversions/notifications.js';

export type NotifyVendorOutcome = 'delivered' | 'retry' | 'unsignable' | 'gave_up' | 'already_delivered';

export async function notifyVendor(input: {
  sql: SqlExecutor;
  sender: WebhookSender;
  message: NotificationMessage;
  /** The queue's last receive of this notice: a failure now is final (`failed`), not `pending`. */
  lastAttempt: boolean;
  now: Date;
  logger?: Logger;
  metrics?: BusinessMetrics;
}): Promise<NotifyVendorOutcome> {
  const { message } = input;
  const logger = input.logger ?? silentLogger;
  const metrics = input.metrics ?? silentMetrics;
  const outcome = await deliver(input);
  const level = outcome === 'unsignable' ? 'error' : outcome === 'retry' || outcome === 'gave_up' ? 'warn' : 'info';
  const { source, transaction_id: transactionId } = message.payload;
  logger[level]('vendor notification', {
    outcome,
    notification_id: message.notification_id,
    vendor_id: message.vendor_id,
    event_type: message.event_type,
    ...(typeof source === 'string' && typeof transactionId === 'string' ? { correlation_id: `${source}:${transactionId}` } : {}),
  });
  if (outcome === 'delivered') metrics.add('NotificationsDelivered', 1, { event_type: message.event_type });
  else if (outcome !== 'already_delivered') metrics.add('NotificationsFailed', 1, { outcome });
  return outcome;
}

async function deliver(input: { sql: SqlExecutor; sender: WebhookSender; message: NotificationMessage; lastAttempt: boolean; now: Date }): Promise<NotifyVendorOutcome> {
  const { sql, message, now, lastAttempt } = input;
  const notificationId = message.notification_id;
  const row = await ensureDelivery(sql, { message, now });
  if (row.status === 'delivered') return 'already_delivered';
  const giveUp = async (error: string) => {
    await recordAttempt(sql, { notification_id: notificationId, status: 'failed', error, now, countsAsAttempt: false });
    return 'gave_up' as const;
  };
  const vendor = await findVendorWebhookTarget(sql, message.vendor_id);
  if (!vendor?.webhook_url) return giveUp('vendor has no webhook_url');
  const unsignable = async (error: string) => {
    await recordAttempt(sql, { notification_id: notificationId, status: lastAttempt ? 'failed' : 'pending', error, now, countsAsAttempt: false });
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
    const { status } = await input.sender.post({ url: vendor.webhook_url, headers: { ...request.headers }, body: request.body });
    if (status >= 200 && status < 300) {
      await recordAttempt(sql, { notification_id: notificationId, status: 'delivered', error: null, now, countsAsAttempt: true });
      return 'delivered';
    }
    error = `HTTP ${status}`;
  } catch (cause) {
    if (cause instanceof WebhookTargetRefusedError) return giveUp(`target refused: ${(cause as Error).message}`);
    error = `network: ${(cause as Error).message}`;
  }
  await recordAttempt(sql, { notification_id: notificationId, status: lastAttempt ? 'failed' : 'pending', error, now, countsAsAttempt: true });
  return 'retry';
}
