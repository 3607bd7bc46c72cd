/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * `GET /v1/admin/queues` (the operator console's queue and dead-letter depths), against
 * local-aws-sqs with the local runner's real redrive policies.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { queues } from '../../../../lib/resources.js';
import { ensureQueues } from '../../../../lib/local/ensure-queues.js';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import { createApiClient } from '../../../support/platform/api-client.js';
import { adminToken, createPartner } from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let sqsServer: Server;
let sqs: SQSClient;
const f = useApiFixture(async () => {
  sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(async () => {
  sqs?.destroy();
  await new Promise<void>((resolve) => (sqsServer ? sqsServer.close(() => resolve()) : resolve()));
});

describe('GET /v1/admin/queues', () => {
  it('counts waiting, in-flight and dead-lettered messages per queue', async () => {
    const local = await ensureQueues({ sqs, queues, visibilityTimeoutSeconds: () => 60 });
    await sqs.send(new SendMessageCommand({ QueueUrl: local.conversions.url, MessageBody: '{"a":1}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: local.conversions.url, MessageBody: '{"a":2}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: local.conversions.deadLetterUrl, MessageBody: '{"dead":1}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: local.clicks.deadLetterUrl, MessageBody: '{"dead":1}' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: local.clicks.deadLetterUrl, MessageBody: '{"dead":2}' }));
    // One conversion taken by a consumer and not deleted: in flight.
    const taken = await sqs.send(new ReceiveMessageCommand({ QueueUrl: local.conversions.url, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }));
    expect(taken.Messages).toHaveLength(1);

    const deps = { ...f.deps, sqs, config: { ...f.deps.config, queueUrls: { clicks: local.clicks.url, conversions: local.conversions.url, notifications: local.notifications.url } } };
    const api = createApiClient(createHandler(deps));
    const res = await api.get('/v1/admin/queues', { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byQueue = Object.fromEntries(res.body.data.map((d: any) => [d.queue, d]));
    expect(byQueue.conversions).toMatchObject({ queue: 'conversions', in_flight: 1, dead_letters: 1 });
    // SQS counts the visible message (1); the stand-in's ApproximateNumberOfMessages also counts the one in flight (2).
    expect([1, 2]).toContain(byQueue.conversions.waiting);
    expect(byQueue.clicks).toEqual({ queue: 'clicks', waiting: 0, in_flight: 0, dead_letters: 2 });
    expect(byQueue.notifications).toEqual({ queue: 'notifications', waiting: 0, in_flight: 0, dead_letters: 0 });
  });

  it('is the operator’s only', async () => {
    const partner = await createPartner(f.api);
    expect((await f.api.get('/v1/admin/queues', { token: partner.key })).status).toBe(403);
  });
});
