/**
 * The `approve-conversions` job: pending conversions older than their version's
 * `approval_hold_days` become approved (set-based, in bounded batches), each with an audit row,
 * and each vendor is told (`conversion.approved` on the notifications queue) after the commit.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createSqsNotificationQueue } from '../adapters/aws/sqs-notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { approveHeldConversions } from '../repositories/approvals.js';
import { queueConversionNotices } from '../use-cases/queue-conversion-notices.js';

export async function runApproveConversionsJob(args: {
  sql: SqlExecutor;
  sqs: SQSClient;
  notificationsQueueUrl: string;
  now: Date;
  input: Record<string, unknown>;
}): Promise<{ approved: number; notified: number; conversion_event_ids: number[] }> {
  const batchSize = typeof args.input.batch_size === 'number' && args.input.batch_size > 0 ? Math.min(args.input.batch_size, 10_000) : 1000;
  const maxBatches = typeof args.input.max_batches === 'number' && args.input.max_batches > 0 ? args.input.max_batches : 100;
  const ids: number[] = [];
  let notified = 0;
  const queue = args.notificationsQueueUrl ? createSqsNotificationQueue({ client: args.sqs, queueUrl: args.notificationsQueueUrl }) : undefined;
  for (let batch = 0; batch < maxBatches; batch += 1) {
    const approved = await args.sql.transaction((tx) => approveHeldConversions(tx, { now: args.now.toISOString(), limit: batchSize }));
    ids.push(...approved.map((a) => Number(a.conversion_event_id)));
    notified += await queueConversionNotices({
      sql: args.sql,
      queue,
      eventType: 'conversion.approved',
      conversions: { ids: approved.map((a) => Number(a.conversion_event_id)) },
    });
    if (approved.length < batchSize) break;
  }
  console.info(JSON.stringify({ level: 'info', message: 'approve-conversions', approved: ids.length, notified }));
  return { approved: ids.length, notified, conversion_event_ids: ids };
}
