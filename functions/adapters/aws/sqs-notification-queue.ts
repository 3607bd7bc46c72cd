/** The notifications queue (SQS) as a `NotificationQueue`: one JSON message per notice, checked against the contract first, sent in batches. */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { notificationMessageSchema } from '../../ports/notification-message.js';
import type { NotificationQueue } from '../../ports/notification-queue.js';
import { sendSqsMessages } from './send-sqs-messages.js';

export function createSqsNotificationQueue({ client, queueUrl }: { client: SQSClient; queueUrl: string }): NotificationQueue {
  return {
    async send(messages) {
      // Every notice is checked before any is sent; an approvals run queues up to a thousand at once.
      const bodies = messages.map((message) => JSON.stringify(notificationMessageSchema.parse(message)));
      await sendSqsMessages({ client, queueUrl, bodies, onFailed: (codes) => new Error(`SQS refused ${codes.length} notice(s): ${codes.join(', ')}`) });
    },
  };
}
