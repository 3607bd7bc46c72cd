/**
 * Sending to SQS in as few requests as it allows (at most 10 entries and 256 KiB a batch): the
 * SDK client mocked (aws-sdk-client-mock), the requests it received asserted.
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sendSqsMessages } from '../../../../functions/adapters/aws/send-sqs-messages.js';

// This client only: quick-suite files share a worker, and a class-wide mock would reach the next file's real SQS clients.
const client = new SQSClient({ region: 'us-east-1' });
const sqs = mockClient(client);
afterEach(() => sqs.reset());
afterAll(() => sqs.restore());
const send = (bodies: string[]) => sendSqsMessages({ client, queueUrl: 'q', bodies, onFailed: (codes) => new Error(`refused ${codes.join(',')}`) });

describe('sendSqsMessages', () => {
  it('one body is one SendMessage', async () => {
    sqs.on(SendMessageCommand).resolves({});
    await send(['a']);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('25 small bodies are three batches of 10, 10 and 5, every body once, in order', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    const bodies = Array.from({ length: 25 }, (_, i) => `m${i}`);
    await send(bodies);
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!.map((e) => e.MessageBody));
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(bodies);
  });

  it('two 200 KB bodies go in two batches: a batch never passes 256 KiB', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    await send(['x'.repeat(200_000), 'y'.repeat(200_000)]);
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries!.length)).toEqual([1, 1]);
  });

  it('a failed entry throws the caller’s error with SQS’s codes', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] });
    await expect(send(['a', 'b'])).rejects.toThrow('refused InternalError');
  });
});
