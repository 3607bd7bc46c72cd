/**
 * The conversions queue (SQS). Producers (`POST /v1/conversions`, the webhook Lambda) send
 * BEFORE answering 2xx: a failed send throws, the caller answers 5xx and the provider retries.
 * Every message is checked against the contract before it leaves, so a bad producer fails here
 * rather than in the consumer's DLQ.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { conversionQueueMessageSchema } from '../../ports/conversion-message.js';
import type { ConversionQueue } from '../../ports/conversion-queue.js';

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
      for (let i = 0; i < bodies.length; i += 10) {
        const chunk = bodies.slice(i, i + 10);
        const result = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((body, j) => ({ Id: String(i + j), MessageBody: body })),
          }),
        );
        if (result.Failed && result.Failed.length > 0) {
          throw new ConversionQueueSendError(`SQS refused ${result.Failed.length} message(s): ${result.Failed.map((f) => f.Code).join(', ')}`);
        }
      }
    },
  };
}
