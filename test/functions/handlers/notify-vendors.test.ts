import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler, deliveryDeadlineMs } from '../../../functions/handlers/notify-vendors.js';
import { formatStandardWebhookSecret } from '../../../functions/domain/webhooks/index.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { createTestDatabase, type TestDatabase } from '../../support/database/test-database.js';
import { recordingLogger, recordingMetrics } from '../../support/fixtures/recording-telemetry.js';
import { createRoleExecutor } from '../../../functions/adapters/sql/role-executor.js';
import { functions as declaredFunctions, queues as declaredQueues } from '../../../lib/resources.js';
import { testPlatformConfig } from '../../support/platform/test-platform-config.js';

const now = new Date('2026-03-01T12:00:00.000Z');
const secret = formatStandardWebhookSecret(Buffer.alloc(32, 7));

let db: TestDatabase;
let server: Server;
let baseUrl: string;
let answers: number[] = [];
let received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
let deps: PlatformDeps;
const logger = recordingLogger();
const metrics = recordingMetrics();

async function vendorWith(webhookUrl: string | null, webhookSecret: string | null = secret): Promise<number> {
  const { rows } = await db.sql.query<{ id: number }>(
    `INSERT INTO vendors (name, email, webhook_url, webhook_secret) VALUES ('V', :email, :url, :secret) RETURNING vendor_id AS id`,
    { email: `notify-${randomUUID()}@example.com`, url: webhookUrl, secret: webhookSecret },
  );
  return rows[0]!.id;
}

function sqsEvent(bodies: unknown[], receiveCount = 1): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `rh-${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:notifications',
      awsRegion: 'us-east-1',
    })),
  };
}

const notice = (vendorId: number, overrides: Record<string, unknown> = {}) => ({
  notification_id: randomUUID(),
  vendor_id: vendorId,
  event_type: 'conversion.created',
  payload: { conversion_id: '17', receipt_id: randomUUID(), commission_amount: '9.99' },
  ...overrides,
});

async function delivery(id: string) {
  const { rows } = await db.sql.query<{ status: string; attempts: number; last_error: string | null; delivered_at: string | null }>(
    `SELECT status, attempts, last_error, delivered_at FROM notification_deliveries WHERE notification_id = :id::uuid`,
    { id },
  );
  return rows[0];
}

beforeAll(async () => {
  db = await createTestDatabase();
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = answers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deps = {
    config: testPlatformConfig(),
    // As on AWS: the notifier's statements run as its own role (schema/0013_database_roles.sql).
    sql: createRoleExecutor(db.sql, declaredFunctions.notifyVendors.databaseRole),
    dynamodb: undefined as never,
    sqs: undefined as never,
    now: () => now,
    logger,
    metrics,
  };
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await db?.close();
});
beforeEach(() => {
  answers = [];
  received = [];
  logger.lines.length = 0;
  metrics.recorded.length = 0;
});

const handler = (allow = true) => createHandler(deps, { allowPrivateWebhookTargets: allow});

describe('notify-vendors', () => {
  it('POSTs a Standard Webhooks request the vendor can verify, and records the delivery', async () => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`);
    const message = notice(vendorId);
    expect(await handler()(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
    expect(received).toHaveLength(1);
    const [request] = received;
    const headers = Object.fromEntries(Object.entries(request!.headers).map(([k, v]) => [k, String(v)]));
    expect(headers['webhook-id']).toBe(message.notification_id);
    expect(headers['webhook-timestamp']).toBe(String(now.getTime() / 1000));
    // The vendor's side: the standardwebhooks library, its clock at our send time.
    vi.useFakeTimers({ now });
    try {
      expect(new Webhook(secret).verify(request!.body, headers)).toEqual({ type: 'conversion.created', timestamp: now.toISOString(), data: message.payload });
    } finally {
      vi.useRealTimers();
    }
    expect(await delivery(message.notification_id)).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
    expect(metrics.recorded).toEqual([{ name: 'NotificationsDelivered', value: 1, dimensions: { event_type: 'conversion.created' } }]);
  });

  it('a non-2xx answer fails the message (alone in its batch: the whole invocation); the SQS redelivery retries and delivers under the same webhook-id', async () => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`);
    const message = notice(vendorId);
    answers = [500, 302];
    await expect(handler()(sqsEvent([message]))).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(await delivery(message.notification_id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 500' });
    // A redirect is not delivered either (and never followed).
    await expect(handler()(sqsEvent([message], 2))).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(await delivery(message.notification_id)).toMatchObject({ status: 'pending', attempts: 2, last_error: 'HTTP 302' });
    expect(await handler()(sqsEvent([message], 3))).toEqual({ batchItemFailures: [] });
    expect(await delivery(message.notification_id)).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set([message.notification_id]));
    // Already delivered: acknowledged without a fourth POST.
    expect(await handler()(sqsEvent([message], 4))).toEqual({ batchItemFailures: [] });
    expect(received).toHaveLength(3);
    expect(metrics.total('NotificationsFailed', { outcome: 'retry' })).toBe(2);
    expect(metrics.total('NotificationsDelivered')).toBe(1);
  });

  it('postpones each failed attempt exponentially (30 s, then 120 s at the third receive), not the last one', async () => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`);
    const message = notice(vendorId);
    const postponed: Array<[string, number]> = [];
    const withBackoff = createHandler(deps, {
      allowPrivateWebhookTargets: true,
      postpone: async (receiptHandle, seconds) => {
        postponed.push([receiptHandle, seconds]);
      },
    });
    answers = [500, 500, 500];
    await expect(withBackoff(sqsEvent([message], 1))).rejects.toBeInstanceOf(FullBatchFailureError);
    await expect(withBackoff(sqsEvent([message], 3))).rejects.toBeInstanceOf(FullBatchFailureError);
    await expect(withBackoff(sqsEvent([message], 8))).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(postponed).toEqual([
      ['rh-0', 30],
      ['rh-0', 120],
    ]);
    expect(await withBackoff(sqsEvent([notice(vendorId)], 1))).toEqual({ batchItemFailures: [] });
    expect(postponed).toHaveLength(2);
  });

  it('marks the delivery failed on the last receive before the DLQ', async () => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`);
    const message = notice(vendorId);
    answers = [503];
    await expect(handler()(sqsEvent([message], 8))).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(await delivery(message.notification_id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'HTTP 503' });
  });

  it('never POSTs to a loopback endpoint without the test escape hatch (recorded failed, acknowledged)', async () => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`);
    const message = notice(vendorId);
    expect(await handler(false)(sqsEvent([message]))).toEqual({ batchItemFailures: [] });
    expect(received).toHaveLength(0);
    const row = await delivery(message.notification_id);
    expect(row).toMatchObject({ status: 'failed', attempts: 0 });
    expect(row!.last_error).toMatch(/target refused: .*non-public address \(127\.0\.0\.1\)/);
  });

  it('vendors without an endpoint: recorded failed, acknowledged; a bad message goes to the DLQ', async () => {
    const none = notice(await vendorWith(null));
    const res = await handler()(sqsEvent([none, '{"not":"a notice"}', 'not json']));
    expect(res).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
    expect(await delivery(none.notification_id)).toMatchObject({ status: 'failed', last_error: 'vendor has no webhook_url' });
    expect(received).toHaveLength(0);
  });

  it.each([
    ['a base64url secret (as issued before 0011)', `whsec_${Buffer.alloc(24, 0xfb).toString('base64url')}`, /^cannot sign: Webhook secret is not whsec_<standard base64>/],
    ['no secret', null, /^cannot sign: vendor has no webhook_secret$/],
  ])('%s: nothing is POSTed, an error is logged, the message is retried and dead-lettered, never delivered', async (_label, badSecret, expectedError) => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`, badSecret);
    const message = notice(vendorId);
    const postponed: number[] = [];
    const run = createHandler(deps, { allowPrivateWebhookTargets: true, postpone: async (_rh, seconds) => void postponed.push(seconds) });
    // Not acknowledged: SQS redelivers it (a rotated secret then signs), and after the last receive it lands in the DLQ that alarms.
    await expect(run(sqsEvent([message], 1))).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(postponed).toEqual([30]);
    const first = await delivery(message.notification_id);
    expect(first).toMatchObject({ status: 'pending', attempts: 0, delivered_at: null });
    expect(first!.last_error).toMatch(expectedError);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ outcome: 'unsignable', notification_id: message.notification_id }) }),
    );
    expect(metrics.total('NotificationsFailed', { outcome: 'unsignable' })).toBe(1);
    await expect(run(sqsEvent([message], 8))).rejects.toBeInstanceOf(FullBatchFailureError);
    expect(await delivery(message.notification_id)).toMatchObject({ status: 'failed', delivered_at: null });
    expect(received).toHaveLength(0);
  });

  it('a secret rotated while the notice waits lets the retry through', async () => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`, 'whsec_');
    const message = notice(vendorId);
    await expect(handler()(sqsEvent([message], 1))).rejects.toBeInstanceOf(FullBatchFailureError);
    await db.sql.query(`UPDATE vendors SET webhook_secret = :s WHERE vendor_id = :id::integer`, { s: secret, id: vendorId });
    expect(await handler()(sqsEvent([message], 2))).toEqual({ batchItemFailures: [] });
    expect(await delivery(message.notification_id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(received).toHaveLength(1);
  });

  it('loopback receivers: refused by default, delivered when the local setting ALLOW_LOOPBACK_WEBHOOKS is on', async () => {
    const vendorId = await vendorWith(`${baseUrl}/hooks`);
    const refused = notice(vendorId);
    expect(await createHandler(deps, {})(sqsEvent([refused]))).toEqual({ batchItemFailures: [] });
    expect((await delivery(refused.notification_id))!.last_error).toMatch(/non-public address/);
    const local = createHandler({ ...deps, config: { ...deps.config, allowLoopbackWebhooks: true } }, {});
    const delivered = notice(vendorId);
    expect(await local(sqsEvent([delivered]))).toEqual({ batchItemFailures: [] });
    expect(await delivery(delivered.notification_id)).toMatchObject({ status: 'delivered' });
    expect(received).toHaveLength(1);
  });

  it('a connection error is retried', async () => {
    const vendorId = await vendorWith('http://127.0.0.1:9/closed');
    const message = notice(vendorId);
    await expect(handler()(sqsEvent([message]))).rejects.toBeInstanceOf(FullBatchFailureError);
    expect((await delivery(message.notification_id))!.last_error).toMatch(/^network: /);
  });
});

describe('the delivery deadline', () => {
  it('lets a full batch of vendors each use their whole deadline and still end before the function times out', () => {
    expect(deliveryDeadlineMs).toBeGreaterThanOrEqual(1_000);
    expect(deliveryDeadlineMs * declaredQueues.notifications.batchSize).toBeLessThan(declaredFunctions.notifyVendors.timeoutSeconds * 1000);
  });
});
