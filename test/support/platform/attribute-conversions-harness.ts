/** Shared set-up of the attribute-conversions tests: PGlite, dynalite, local SQS, and message builders. */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { expectBalanced } from '../books/reconcile.js';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { createDynamoDbClickStore } from '../../../functions/adapters/aws/dynamodb-click-store.js';
import type { ClickMessage } from '../../../functions/domain/clicks/click-message.js';
import { createAttributeConversions } from '../../../functions/handlers/attribute-conversions.js';
import { createSqsNotificationQueue } from '../../../functions/adapters/aws/sqs-notification-queue.js';
import { recordingLogger, recordingMetrics, type RecordingMetrics } from '../fixtures/recording-telemetry.js';
import type { ClickStore } from '../../../functions/ports/click-store.js';
import type { ConversionMessage, RefundMessage } from '../../../functions/ports/conversion-message.js';
import type { LinkItem } from '../../../functions/ports/link-store.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import { ingestClickBatch } from '../../../functions/repositories/clicks/click-ingestion.js';
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from '../database/test-database.js';
import { startLocalAws, type LocalAws } from '../stand-ins/local-aws.js';
import { clickOn, sqsEvent } from '../messages/clicks.js';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { functions as declaredFunctions } from '../../../lib/resources.js';
import { formatAmount, parseAmount } from '../../../functions/domain/money/currency.js';
import { formatScaledDecimal, parseScaledDecimal } from '../../../functions/domain/money/index.js';

export const NOW = new Date('2024-03-20T12:00:00.000Z');

export interface Harness {
  db: TestDatabase;
  sql: SqlExecutor;
  aws: LocalAws;
  store: ClickStore;
  notificationsQueueUrl: string;
  /** The consumer's log lines (`conversion_message_rejected`, `conversion_unattributed`, ...). */
  logged: { message: string; fields: Record<string, unknown> }[];
  /** Every business metric the consumer added. */
  metrics: RecordingMetrics;
  run(bodies: readonly (ConversionMessage | RefundMessage | string)[]): Promise<SQSBatchResponse>;
  /** A click on `link` written to the hot store only (the clicks queue not yet consumed). */
  hotClick(link: LinkItem, clickedAt: string, overrides?: Partial<ClickMessage>): Promise<ClickMessage>;
  /** Hot-store clicks also ingested into Aurora (the normal case). */
  click(link: LinkItem, clickedAt: string, overrides?: Partial<ClickMessage>): Promise<ClickMessage>;
  close(): Promise<void>;
}

export async function startHarness(options: TestDatabaseOptions = {}): Promise<Harness> {
  const [db, aws] = await Promise.all([createTestDatabase(options), startLocalAws()]);
  const queue = await aws.sqs.send(new CreateQueueCommand({ QueueName: 'notifications' }));
  const store = createDynamoDbClickStore({ client: aws.dynamodb, tableName: aws.tableNames.clicks });
  const logger = recordingLogger();
  const metrics = recordingMetrics();
  const attribute = createAttributeConversions({
    // As on AWS: the consumer's statements run as its own role (schema/0013_database_roles.sql).
    sql: createRoleExecutor(db.sql, declaredFunctions.attributeConversions.databaseRole),
    clickStore: store,
    notificationQueue: createSqsNotificationQueue({ client: aws.sqs, queueUrl: queue.QueueUrl! }),
    now: () => NOW,
    logger,
    metrics,
  });
  const hotClick: Harness['hotClick'] = async (link, clickedAt, overrides = {}) => {
    const click = clickOn(link, clickedAt, overrides);
    await store.put(click, { expiresAt: new Date(click.cookie_expires_at) });
    return click;
  };
  return {
    db,
    sql: db.sql,
    aws,
    store,
    notificationsQueueUrl: queue.QueueUrl!,
    logged: logger.lines,
    metrics,
    run: (bodies) => attribute(sqsEvent(bodies as never)),
    hotClick,
    async click(link, clickedAt, overrides) {
      const click = await hotClick(link, clickedAt, overrides);
      await ingestClickBatch({ sql: db.sql, clicks: [click] });
      return click;
    },
    async close() {
      await Promise.all([db.close(), aws.close()]);
    },
  };
}

export type ConversionRow = {
  conversion_event_id: number;
  partner_id: number;
  campaign_version_id: number;
  status: string;
  rejection_reason: string | null;
  event_value: string | null;
  commission_amount: string | null;
  commission_type: string | null;
  commission_value: string | null;
  attribution_type: string;
  attribution_confidence: string;
  applied_commission_rule_id: number | null;
  reward_id: number | null;
  refunded_amount: string;
  funnel_journey_id: number | null;
  click_id: number | null;
  cookie_id: string | null;
  receipt_id: string;
  source: string;
  lead_id: number | null;
  currency: string;
  metadata: Record<string, unknown> | null;
};

/** The conversion of a transaction with its touches (values as strings), for assertions. */
export async function conversionOf(sql: SqlExecutor, vendorId: number, transactionId: string) {
  const conversion = await sql.query<ConversionRow>(
    `SELECT ce.conversion_event_id, ce.partner_id, ce.campaign_version_id, ce.status, ce.rejection_reason, ce.event_value,
            ce.commission_amount, ce.commission_type, ce.commission_value, ce.attribution_type, ce.attribution_confidence,
            ce.applied_commission_rule_id, ce.reward_id, ce.refunded_amount, ce.funnel_journey_id, ce.click_id, ce.cookie_id,
            ce.receipt_id, ce.source, ce.lead_id, ce.currency, ce.metadata
     FROM conversion_events ce WHERE ce.vendor_id = :vendor::integer AND ce.transaction_id = :tx`,
    { vendor: vendorId, tx: transactionId },
  );
  const stored = conversion.rows[0];
  if (!stored) return undefined;
  // The columns hold 3 decimals (NUMERIC(13,3)); amounts are asserted as the API shows them, in
  // the conversion's own currency ("10.00" USD, "5000" JPY), and a rate with 2 decimals.
  const money = (value: string | null) => (value === null ? null : formatAmount(parseAmount(value, stored.currency), stored.currency));
  const row = {
    ...stored,
    event_value: money(stored.event_value),
    commission_amount: money(stored.commission_amount),
    refunded_amount: money(stored.refunded_amount)!,
    commission_value:
      stored.commission_value === null
        ? null
        : stored.commission_type === 'percentage'
          ? formatScaledDecimal(parseScaledDecimal(stored.commission_value, 2), 2)
          : money(stored.commission_value),
  };
  const touches = await sql.query<{ partner_id: number; touch_type: string; touch_value: string; attribution_type: string; click_id: number | null }>(
    `SELECT partner_id, touch_type, touch_value, attribution_type, click_id FROM touches
     WHERE conversion_event_id = :id::bigint ORDER BY occurred_at, touch_id`,
    { id: row.conversion_event_id },
  );
  return { ...row, touches: touches.rows.map((t) => ({ ...t, touch_value: money(t.touch_value)! })) };
}

/** Sum of decimal strings in cents (exact). */
export function cents(values: readonly string[]): bigint {
  return values.reduce((sum, v) => {
    const negative = v.startsWith('-');
    const [whole, frac = ''] = v.replace('-', '').split('.');
    const c = BigInt(whole!) * 100n + BigInt((frac + '00').slice(0, 2));
    return sum + (negative ? -c : c);
  }, 0n);
}

/**
 * One harness for the enclosing describe block: started before its tests, closed after them, and
 * every scenario must leave the books balanced (touches = commission, payout events = payouts).
 * The returned object is the harness itself, filled in once it has started.
 */
export function useHarness(): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    Object.assign(harness, await startHarness());
  });
  afterEach(async () => {
    await expectBalanced(harness.sql);
  });
  afterAll(async () => {
    await harness.close?.();
  });
  return harness;
}
