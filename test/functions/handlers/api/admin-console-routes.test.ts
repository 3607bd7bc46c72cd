/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * The two read-only routes the operator console needs: payout destinations awaiting verification
 * (`GET /v1/admin/payment-methods?verified=false`, masked) and queue / dead-letter depths
 * (`GET /v1/admin/queues`, against local-aws-sqs with the local runner's real redrive policies).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '../../../../lib/resources.js';
import { ensureQueues } from '../../../../lib/local/ensure-queues.js';
import { createHandler } from '../../../../functions/handlers/management-api.js';
import { createApiClient } from '../../../helpers/api-client.js';
import { adminToken, createApiFixture, createPartner, type ApiFixture } from './fixtures.js';

let f: ApiFixture;
let sqsServer: Server;
let sqs: SQSClient;
beforeAll(async () => {
  f = await createApiFixture();
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
  await f?.close();
});

describe('GET /v1/admin/payment-methods', () => {
  it('lists methods awaiting verification, masked; a verified one leaves that list; partners and vendors get 403', async () => {
    const partner = await createPartner(f.api);
    const added = await f.api.post(
      '/v1/partner/payment-methods',
      { payment_provider: 'wire', account_details: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }, is_default: true },
      { token: partner.key },
    );
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const id = added.body.partner_payment_method_id;

    const waiting = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'false' } });
    expect(waiting.status).toBe(200);
    const row = waiting.body.data.find((m: any) => m.partner_payment_method_id === id);
    expect(row).toMatchObject({ partner_id: partner.partner_id, payment_provider: 'wire', is_verified: false });
    expect(JSON.stringify(row)).not.toContain('DE89370400440532013000');
    expect(row.account_details.iban).toMatch(/3000$/);

    expect((await f.api.post(`/v1/admin/payment-methods/${id}/verify`, {}, { token: adminToken })).status).toBe(200);
    const after = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'false' } });
    expect(after.body.data.some((m: any) => m.partner_payment_method_id === id)).toBe(false);
    const verified = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'true' } });
    expect(verified.body.data.find((m: any) => m.partner_payment_method_id === id)).toMatchObject({ is_verified: true });

    expect((await f.api.get('/v1/admin/payment-methods', { token: partner.key })).status).toBe(403);
  });

  it('rejects an unknown filter value naming the field', async () => {
    const res = await f.api.get('/v1/admin/payment-methods', { token: adminToken, query: { verified: 'maybe' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path)).toContain('query.verified');
  });
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
