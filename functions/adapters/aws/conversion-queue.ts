/**
 * The conversions queue (SQS). Producers (`POST /v1/conversions`, the webhook Lambda) send
 * BEFORE answering 2xx: a failed send throws, the caller answers 5xx and the provider retries.
 * Every message is checked against the contract before it leaves, so a bad producer fails here
 * rather than in the consumer's DLQ.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { conversionQueueMessageSchema } from '../../ports/conversion-message.js';
import { MAX_QUEUE_MESSAGE_BYTES, type ConversionQueue } from '../../ports/conversion-queue.js';

export type { ConversionQueue };

/** A batch entry failed: nothing here is retried, the caller's 5xx makes the provider retry (the consumer dedupes). */
export class ConversionQueueSendError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ConversionQueueSendError';
  }
}

export function createSqsConversionQueue({ client, queueUrl }: { client: SQSClient; queueUrl: string }): ConversionQueue {
  return {
    async send(messages) {
      const bodies = messages.map((m) => JSON.stringify(conversionQueueMessageSchema.parse(m)));
      if (!queueUrl) throw new ConversionQueueSendError('No conversions queue URL configured');
      if (bodies.length === 1) {
        await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: bodies[0] }));
        return;
      }
      // A batch holds at most 10 messages and, like one message, at most 256 KiB in all.
      const batches: string[][] = [];
      for (const body of bodies) {
        const last = batches.at(-1);
        const size = (batch: string[]) => batch.reduce((n, b) => n + Buffer.byteLength(b), 0);
        if (last && last.length < 10 && size(last) + Buffer.byteLength(body) <= MAX_QUEUE_MESSAGE_BYTES) last.push(body);
        else batches.push([body]);
      }
      let sent = 0;
      for (const chunk of batches) {
        const result = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((body, j) => ({ Id: String(sent + j), MessageBody: body })),
          }),
        );
        sent += chunk.length;
        if (result.Failed && result.Failed.length > 0) {
          throw new ConversionQueueSendError(`SQS refused ${result.Failed.length} message(s): ${result.Failed.map((f) => f.Code).join(', ')}`);
        }
      }
    },
  };
}
