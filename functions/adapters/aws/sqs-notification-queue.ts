/** The notifications queue (SQS) as a `NotificationQueue`: one JSON message per notice, checked against the contract first. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { notificationMessageSchema } from '../../ports/notification-message.js';
import type { NotificationQueue } from '../../ports/notification-queue.js';

export function createSqsNotificationQueue({ client, queueUrl }: { client: SQSClient; queueUrl: string }): NotificationQueue {
  return {
    async send(messages) {
      for (const message of messages) {
        const body = JSON.stringify(notificationMessageSchema.parse(message));
        await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
      }
    },
  };
}
