import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSqsConversionQueue, ConversionQueueSendError } from '../../../../functions/adapters/aws/conversion-queue.js';
import type { RefundMessage } from '../../../../functions/ports/conversion-message.js';
import { startLocalSqs, type LocalSqs } from '../../../support/stand-ins/local-aws.js';

let sqs: LocalSqs;
beforeAll(async () => {
  sqs = await startLocalSqs();
});
afterAll(async () => {
  await sqs?.close();
});
beforeEach(async () => {
  await sqs.drain();
});

const refund = (i: number): RefundMessage => ({
  kind: 'refund',
  vendor_id: 1,
  source: 'stripe',
  transaction_id: 'pi_1',
  amount: '1.00',
  reason: 'refund',
  occurred_at: '2026-03-01T12:00:00.000Z',
  provider_event_id: `re_${i}`,
});

describe('createSqsConversionQueue', () => {
  it('sends 23 messages in batches of at most 10, every one arriving', async () => {
    const queue = createSqsConversionQueue({ client: sqs.sqs, queueUrl: sqs.queueUrl });
    await queue.send(Array.from({ length: 23 }, (_, i) => refund(i)));
    const got = await sqs.drain();
    expect(got.map((m) => m.provider_event_id).sort()).toEqual(Array.from({ length: 23 }, (_, i) => `re_${i}`).sort());
  });

  it('refuses a message off the contract before sending anything', async () => {
    const queue = createSqsConversionQueue({ client: sqs.sqs, queueUrl: sqs.queueUrl });
    await expect(queue.send([refund(1), { ...refund(2), amount: '1.0005' }])).rejects.toThrow();
    expect(await sqs.depth()).toBe(0);
  });

  it('throws without a queue URL (the caller answers 5xx)', async () => {
    await expect(createSqsConversionQueue({ client: sqs.sqs, queueUrl: '' }).send([refund(1)])).rejects.toBeInstanceOf(ConversionQueueSendError);
  });
});
