/**
 * Approves held conversions (the `approve-conversions` job): pending conversions older than their version's
 * `approval_hold_days` become approved (set-based, in bounded batches), each with an audit row,
 * and each vendor is told (`conversion.approved` on the notifications queue) after the commit.
 */
import { notificationIdFor } from '../domain/notifications/notification-id-for.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationMessage } from '../ports/notification-message.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { approveHeldConversions, type ApprovedConversion } from '../repositories/approvals.js';

/** Queues one vendor notice per conversion; none when notifications are off (no queue). Returns how many were queued. */
export async function enqueueConversionNotices({
  queue,
  eventType,
  conversions,
}: {
  queue: NotificationQueue | undefined;
  eventType: 'conversion.approved' | 'conversion.rejected';
  conversions: ReadonlyArray<Pick<ApprovedConversion, 'conversion_event_id' | 'receipt_id' | 'vendor_id' | 'partner_id' | 'commission_amount'> & Record<string, unknown>>;
}): Promise<number> {
  if (!queue || conversions.length === 0) return 0;
  const messages: NotificationMessage[] = conversions.map((c) => ({
    notification_id: notificationIdFor(eventType, c.receipt_id),
    vendor_id: Number(c.vendor_id),
    event_type: eventType,
    payload: {
      conversion_id: String(c.conversion_event_id),
      receipt_id: c.receipt_id,
      partner_id: Number(c.partner_id),
      commission_amount: c.commission_amount,
      status: eventType === 'conversion.approved' ? 'approved' : 'rejected',
    },
  }));
  await queue.send(messages);
  return messages.length;
}

export async function approveConversions(args: {
  sql: SqlExecutor;
  /** The notifications queue; absent: notifications are off. */
  queue: NotificationQueue | undefined;
  now: Date;
  input: Record<string, unknown>;
  logger?: Logger;
}): Promise<{ approved: number; notified: number; conversion_event_ids: number[] }> {
  const batchSize = typeof args.input.batch_size === 'number' && args.input.batch_size > 0 ? Math.min(args.input.batch_size, 10_000) : 1000;
  const maxBatches = typeof args.input.max_batches === 'number' && args.input.max_batches > 0 ? args.input.max_batches : 100;
  const ids: number[] = [];
  let notified = 0;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const approved = await args.sql.transaction((tx) => approveHeldConversions(tx, { now: args.now.toISOString(), limit: batchSize }));
    ids.push(...approved.map((a) => Number(a.conversion_event_id)));
    notified += await enqueueConversionNotices({ queue: args.queue, eventType: 'conversion.approved', conversions: approved });
    if (approved.length < batchSize) break;
  }
  (args.logger ?? silentLogger).info('approve-conversions', { approved: ids.length, notified });
  return { approved: ids.length, notified, conversion_event_ids: ids };
}
