/** The clicks queue (SQS) as a `ClickQueue`: one JSON message per recorded click. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ClickQueue } from '../../ports/click-queue.js';

export function createSqsClickQueue({ client, queueUrl }: { client: SQSClient; queueUrl: string }): ClickQueue {
  return {
    async send(click) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(click) }));
    },
  };
}
