/**
 * The conversions queue's consumer: attributes each conversion to the partners of its journey and
 * records its commission, or applies a refund, each message in its own transaction
 * (functions/repositories/conversions-record.ts), then enqueues `conversion.created` for the
 * vendor after the commit (and `conversion.rejected` when a refund or dispute rejects one).
 *
 * - A message that is not JSON or fails the schema is poison: its reason is logged and it is
 *   reported as a batch item failure, so SQS dead-letters it after `maxReceiveCount`; the rest of
 *   the batch commits.
 * - A message whose transaction fails (database unavailable, a lock timeout) is reported too and
 *   retried alone: everything is idempotent, so a retry after a partial success changes nothing.
 * - Duplicates (same provider event, same conversion key) are acknowledged without effect, but
 *   the notification is sent again under the same deterministic id: if the first send failed
 *   after the commit, the retry still notifies, and the notifier dedupes on the id.
 */
import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { createDynamoDbClickStore } from '../adapters/aws/dynamodb-click-store.js';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import type { ClickStore } from '../ports/click-store.js';
import type { NotificationEventType, NotificationMessage } from '../ports/notification-message.js';
import { conversionQueueMessageSchema, type ConversionQueueMessage } from '../ports/conversion-message.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { loadHotJourney, recordConversion, recordRefundMessage, type RecordOutcome } from '../repositories/conversions-record.js';
import { amountText } from '../domain/money/amount-text.js';

export interface AttributeLogger {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

const jsonLogger: AttributeLogger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
};

const sqsEventSchema = z.object({
  Records: z.array(z.object({ messageId: z.string().min(1), body: z.string() }).loose()),
});

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

/** Standard Webhooks `webhook-id`: the same conversion always gets the same id (UUID-shaped SHA-256). */
export function notificationIdFor(eventType: string, receiptId: string): string {
  const hex = createHash('sha256').update(`${eventType}:${receiptId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type ConversionNotice = {
  conversion_id: string;
  receipt_id: string;
  vendor_id: number;
  partner_id: number;
  campaign_version_id: number;
  event_type: string;
  transaction_id: string | null;
  source: string;
  event_value: string | null;
  /** ISO 4217: event_value and commission_amount are amounts of it, in its decimals. */
  currency: string;
  commission_amount: string | null;
  status: string;
  rejection_reason: string | null;
  attribution_type: string;
  attribution_confidence: string | null;
  occurred_at: string;
  milestone_bonus: boolean;
};

async function loadNotices(sql: SqlExecutor, where: { ids?: number[]; receiptId?: string }): Promise<ConversionNotice[]> {
  const result = await sql.query<ConversionNotice & { conversion_event_id: number }>(
    `SELECT ce.conversion_event_id, ce.conversion_event_id::text AS conversion_id, ce.receipt_id::text AS receipt_id,
            ce.vendor_id, ce.partner_id, ce.campaign_version_id, t.name AS event_type, ce.transaction_id, ce.source,
            ce.event_value, ce.currency, ce.commission_amount, ce.status, ce.rejection_reason, ce.attribution_type,
            ce.attribution_confidence, ce.occurred_at, (ce.metadata ->> 'milestone_bonus') IS NOT NULL AS milestone_bonus
     FROM conversion_events ce JOIN conversion_event_types t ON t.conversion_event_type_id = ce.conversion_event_type_id
     WHERE ce.conversion_event_id = ANY(:ids::bigint[]) OR ce.receipt_id = :receipt::uuid
     ORDER BY ce.conversion_event_id`,
    { ids: where.ids ?? [], receipt: where.receiptId ?? null },
  );
  return result.rows.map(({ conversion_event_id: _id, ...notice }) => ({
    ...notice,
    event_value: amountText(notice.event_value, notice.currency),
    commission_amount: amountText(notice.commission_amount, notice.currency),
  }));
}

export interface AttributeConversionsDeps {
  sql: SqlExecutor;
  clickStore: ClickStore;
  sqs: SQSClient;
  /** The notifications queue; empty = notifications off (logged once per message). */
  notificationsQueueUrl: string;
  now: () => Date;
  log?: AttributeLogger;
}

/** The consumer on injected clients: used by `createHandler`, the local platform and the tests. */
export function createAttributeConversions(deps: AttributeConversionsDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const log = deps.log ?? jsonLogger;

  async function notify(notices: ConversionNotice[], eventType: NotificationEventType = 'conversion.created'): Promise<void> {
    if (notices.length === 0) return;
    if (!deps.notificationsQueueUrl) {
      log.info('conversion_notification_skipped', { reason: 'no notifications queue configured', count: notices.length });
      return;
    }
    for (const notice of notices) {
      const body: NotificationMessage = {
        notification_id: notificationIdFor(eventType, notice.receipt_id),
        vendor_id: notice.vendor_id,
        event_type: eventType,
        payload: notice,
      };
      await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.notificationsQueueUrl, MessageBody: JSON.stringify(body) }));
    }
  }

  async function process(message: ConversionQueueMessage): Promise<RecordOutcome> {
    if (message.kind === 'refund') {
      const outcome = await recordRefundMessage({ sql: deps.sql, message });
      // A refund that rejects a conversion tells the vendor, after the commit.
      if (outcome.kind === 'refund_applied' && outcome.rejectedIds.length > 0) {
        await notify(await loadNotices(deps.sql, { ids: outcome.rejectedIds }), 'conversion.rejected');
      }
      return outcome;
    }
    const hot = await loadHotJourney(deps.clickStore, message, deps.now());
    const outcome = await recordConversion({ sql: deps.sql, message, hot });
    if (outcome.kind === 'created') await notify(await loadNotices(deps.sql, { ids: outcome.conversionEventIds }));
    else if (outcome.kind === 'duplicate') await notify(await loadNotices(deps.sql, { receiptId: message.receipt_id }));
    return outcome;
  }

  return async (event) => {
    const { Records: records } = sqsEventSchema.parse(event);
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const counts: Record<string, number> = {};
    // One at a time: messages of one batch often share a transaction or a partner, and each
    // holds row locks until it commits.
    for (const record of records) {
      const parsed = parseBody(record.body);
      if (!parsed.ok) {
        log.error('conversion_message_rejected', { message_id: record.messageId, reason: parsed.reason });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      try {
        const outcome = await process(parsed.message);
        counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1;
        if (outcome.kind === 'unattributed') {
          log.info('conversion_unattributed', { message_id: record.messageId, reason: outcome.reason });
        }
      } catch (error) {
        log.error('conversion_message_failed', {
          message_id: record.messageId,
          kind: parsed.message.kind,
          error: error instanceof Error ? error.message : String(error),
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    log.info('conversions_processed', { messages: records.length, failed: failures.length, ...counts });
    return { batchItemFailures: failures };
  };
}

export function createHandler(deps: PlatformDeps): (event: SQSEvent, context?: unknown) => Promise<SQSBatchResponse> {
  const attribute = createAttributeConversions({
    // A getter: the SQL executor is built on first use.
    get sql() {
      return deps.sql;
    },
    clickStore: createDynamoDbClickStore({ client: deps.dynamodb, tableName: deps.config.tableNames.clicks }),
    sqs: deps.sqs,
    notificationsQueueUrl: deps.config.queueUrls.notifications,
    now: deps.now,
  });
  const wrapped = middy<SQSEvent, SQSBatchResponse>().handler((event) => attribute(event));
  return (event, context) => wrapped(event, (context ?? {}) as never);
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
