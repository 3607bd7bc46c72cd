import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIngestClicks } from '../../../functions/handlers/ingest-clicks.js';
import { ensureQueues } from '../../../lib/local/ensure-queues.js';
import { silentLog } from '../../../lib/local/local-log.js';
import { createQueuePoller, deadLetterReasonAttribute, type QueuePoller } from '../../../lib/local/queue-poller.js';
import type { QueueDeclaration } from '../../../lib/resources.js';
import { startLocalAws, type LocalAws } from '../../support/stand-ins/local-aws.js';

let aws: LocalAws;
let sqs: SQSClient;
const running: QueuePoller[] = [];

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  aws = await startLocalAws({ tables: false, queues: [] });
  sqs = aws.sqs;
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((poller) => poller.stop()));
});

afterAll(async () => {
  await aws.close();
});

/** Retries are what these tests are about: no batching window keeps them quick. */
const noWindow = { maxBatchingWindowSeconds: 0 };

async function startPoller(
  name: string,
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
  overrides: Partial<QueueDeclaration> = {},
) {
  const declaration: QueueDeclaration = {
    name,
    envVar: 'UNUSED',
    deadLetterQueueName: `${name}-dlq`,
    maxReceiveCount: 3,
    consumer: 'ingestClicks',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    ...overrides,
  };
  const created = await ensureQueues({ sqs, queues: { [name]: declaration }, visibilityTimeoutSeconds: () => 30 });
  const queue = created[name]!;
  const poller = createQueuePoller({
    name,
    queueUrl: queue.url,
    queueArn: queue.arn,
    deadLetterUrl: queue.deadLetterUrl,
    sqs,
    region: 'us-east-1',
    batchSize: declaration.batchSize,
    maxBatchingWindowSeconds: declaration.maxBatchingWindowSeconds,
    maxReceiveCount: declaration.maxReceiveCount,
    retryDelaySeconds: 1,
    consumer,
    log: silentLog,
  });
  return { queue, poller };
}

async function sendBodies(queueUrl: string, bodies: string[]) {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({
        Id: String(index),
        MessageBody: body,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      })),
    }),
  );
}

describe('queue poller', () => {
  it('delivers messages in one SQS event with the event source mapping fields, then deletes them', async () => {
    const batches: SQSRecord[][] = [];
    const { queue, poller } = await startPoller('delivered', async (event) => {
      batches.push(event.Records);
    });
    await sendBodies(queue.url, ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
    running.push(poller);
    poller.start();
    expect(await poller.drain(20_000)).toBe(true);

    const records = batches.flat();
    expect(records.map((record) => record.body).sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}']);
    expect(batches.length).toBe(1);
    const [first] = records;
    expect(first).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'test' } },
    });
    expect(first!.receiptHandle).not.toBe('');
    expect(poller.counters).toEqual({ received: 5, succeeded: 5, failed: 0, deadLettered: 0 });
  });

  it('honours batchItemFailures: only the failed message comes back', async () => {
    const deliveries: Record<string, string[]> = {};
    const { queue, poller } = await startPoller('partial', async (event) => {
      const failures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        (deliveries[record.body] ??= []).push(record.attributes.ApproximateReceiveCount);
        if (record.body === 'flaky' && record.attributes.ApproximateReceiveCount === '1') failures.push({ itemIdentifier: record.messageId });
      }
      return { batchItemFailures: failures };
    }, noWindow);
    await sendBodies(queue.url, ['ok-1', 'flaky', 'ok-2']);
    running.push(poller);
    poller.start();
    expect(await poller.drain(20_000)).toBe(true);

    expect(deliveries).toEqual({ 'ok-1': ['1'], flaky: ['1', '2'], 'ok-2': ['1'] });
    expect(poller.counters).toEqual({ received: 4, succeeded: 3, failed: 1, deadLettered: 0 });
  });

  it('moves a poison message to the DLQ with its reason after maxReceiveCount while the others succeed', async () => {
    const poisonCounts: string[] = [];
    const healthy: string[] = [];
    const { queue, poller } = await startPoller('poison', async (event) => ({
      batchItemFailures: event.Records.flatMap((record) => {
        if (record.body !== 'poison') {
          healthy.push(record.body);
          return [];
        }
        poisonCounts.push(record.attributes.ApproximateReceiveCount);
        return [{ itemIdentifier: record.messageId }];
      }),
    }), noWindow);
    await sendBodies(queue.url, ['fine-1', 'poison', 'fine-2']);
    running.push(poller);
    poller.start();
    expect(await poller.drain(30_000)).toBe(true);

    expect(poisonCounts).toEqual(['1', '2', '3']);
    expect(healthy.sort()).toEqual(['fine-1', 'fine-2']);
    expect(poller.counters).toEqual({ received: 5, succeeded: 2, failed: 3, deadLettered: 1 });

    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.map((message) => message.Body)).toEqual(['poison']);
    expect(dead.Messages?.[0]?.MessageAttributes?.[deadLetterReasonAttribute]?.StringValue).toBe('reported in batchItemFailures');
    expect(dead.Messages?.[0]?.MessageAttributes?.kind?.StringValue).toBe('test');
  });

  it('fails the whole batch when the consumer throws, and retries it', async () => {
    let calls = 0;
    const bodies: string[][] = [];
    const { queue, poller } = await startPoller('throws', async (event) => {
      calls += 1;
      bodies.push(event.Records.map((record) => record.body).sort());
      if (calls === 1) throw new Error('database unavailable');
    }, noWindow);
    await sendBodies(queue.url, ['a', 'b']);
    running.push(poller);
    poller.start();
    expect(await poller.drain(20_000)).toBe(true);

    expect(bodies).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(poller.counters).toEqual({ received: 4, succeeded: 2, failed: 2, deadLettered: 0 });
  });

  it('a consumer batch in which every record failed (the real clicks consumer throws) is retried, then dead-lettered with the reason', async () => {
    // Poison only: the consumer never reaches the database, and throws FullBatchFailureError.
    const ingest = createIngestClicks({ sql: undefined as never });
    const { queue, poller } = await startPoller('all-failed', ingest, noWindow);
    await sendBodies(queue.url, ['not json', '{"v":1}']);
    running.push(poller);
    poller.start();
    expect(await poller.drain(30_000)).toBe(true);

    expect(poller.counters).toEqual({ received: 6, succeeded: 0, failed: 6, deadLettered: 2 });
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.deadLetterUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    expect(dead.Messages?.map((message) => message.Body).sort()).toEqual(['not json', '{"v":1}']);
    for (const message of dead.Messages ?? []) {
      expect(message.MessageAttributes?.[deadLetterReasonAttribute]?.StringValue).toMatch(/^FullBatchFailureError: All records failed processing/);
    }
  });

  it('fills a batch up to batchSize from several receives', async () => {
    const sizes: number[] = [];
    const { queue, poller } = await startPoller(
      'aggregated',
      async (event) => {
        sizes.push(event.Records.length);
      },
      { batchSize: 25, maxBatchingWindowSeconds: 5 },
    );
    for (let start = 0; start < 25; start += 10) {
      await sendBodies(queue.url, Array.from({ length: Math.min(10, 25 - start) }, (_, index) => `m-${start + index}`));
    }
    running.push(poller);
    poller.start();
    expect(await poller.drain(20_000)).toBe(true);
    expect(sizes).toEqual([25]);
  });
});
