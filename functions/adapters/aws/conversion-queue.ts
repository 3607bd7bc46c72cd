/**
 * The conversions queue (SQS). Producers (`POST /v1/conversions`, the webhook Lambda) send
 * BEFORE answering 2xx: a failed send throws, the caller answers 5xx and the provider retries.
 * Every message is checked against the contract before it leaves, so a bad producer fails here
 * rather than in the consumer's DLQ.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { conversionQueueMessageSchema } from '../../ports/conversion-message.js';
import type { ConversionQueue } from '../../ports/conversion-queue.js';
import { sendSqsMessages } from './send-sqs-messages.js';

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
      await sendSqsMessages({
        client,
        queueUrl,
        bodies,
        onFailed: (codes) => new ConversionQueueSendError(`SQS refused ${codes.length} message(s): ${codes.join(', ')}`),
      });
    },
  };
}
