/**
 * Queues the vendor notices of conversions, after the transaction that changed them committed:
 * the one place a notice is built, whatever the event (created by attribution, approved by the
 * hold-period job or the vendor, rejected by the vendor or by a refund). The payload is the
 * conversion as it now stands; the id is deterministic per (event, conversion), so a notice sent
 * again (a retried message, a second run) is the same delivery and the notifier sends it once.
 */
import { notificationIdFor } from '../domain/notifications/index.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationEventType, NotificationMessage } from '../ports/notification-message.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { loadConversionNotices } from '../repositories/conversions/conversion-notices.js';

/** Returns how many notices were queued (0 when notifications are off: no queue configured). */
export async function queueConversionNotices(input: {
  sql: SqlExecutor;
  /** Absent: notifications are off (logged). */
  queue: NotificationQueue | undefined;
  eventType: NotificationEventType;
  conversions: { ids: readonly number[] } | { receiptId: string };
  logger?: Logger;
}): Promise<number> {
  const logger = input.logger ?? silentLogger;
  const where = input.conversions;
  if ('ids' in where && where.ids.length === 0) return 0;
  if (!input.queue) {
    logger.info('conversion_notification_skipped', {
      reason: 'no notifications queue configured',
      event_type: input.eventType,
      count: 'ids' in where ? where.ids.length : 1,
    });
    return 0;
  }
  // Approvals leave the event type out, whoever approves: the hold-period job may not read event
  // types, and one event's notices keep one shape.
  const notices = await loadConversionNotices(input.sql, where);
  const messages: NotificationMessage[] = notices.map((notice) => ({
    notification_id: notificationIdFor(input.eventType, notice.receipt_id),
    vendor_id: notice.vendor_id,
    event_type: input.eventType,
    payload: notice,
  }));
  if (messages.length > 0) await input.queue.send(messages);
  return messages.length;
}
