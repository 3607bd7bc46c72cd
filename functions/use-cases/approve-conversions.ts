/**
 * Approves held conversions (the `approve-conversions` job): pending conversions older than their version's
 * `approval_hold_days` become approved (set-based, in bounded batches), each with an audit row,
 * and each vendor is told (`conversion.approved` on the notifications queue) after the commit.
 */
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { approveHeldConversions } from '../repositories/conversions/approvals.js';
import { queueConversionNotices } from './queue-conversion-notices.js';

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
    notified += await queueConversionNotices({
      sql: args.sql,
      queue: args.queue,
      eventType: 'conversion.approved',
      conversions: { ids: approved.map((a) => Number(a.conversion_event_id)) },
      logger: args.logger,
    });
    if (approved.length < batchSize) break;
  }
  (args.logger ?? silentLogger).info('approve-conversions', { approved: ids.length, notified });
  return { approved: ids.length, notified, conversion_event_ids: ids };
}
