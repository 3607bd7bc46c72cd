import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDeclaration } from '../resources.js';

export interface LocalQueue {
  url: string;
  arn: string;
  deadLetterUrl: string;
  deadLetterArn: string;
}

/**
 * The stand-in counts a ChangeMessageVisibility as one more receive (local-aws-sqs 2.0.2), so its
 * own redrive would fire after about half the declared receives. The poller counts receives
 * itself and dead-letters at the declared maxReceiveCount; the policy written on the stand-in
 * queue is set above that so it only acts as a backstop.
 */
export const standInRedriveFactor = 2;

async function queueArn(sqs: SQSClient, url: string): Promise<string> {
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attributes.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
}

/** Creates each queue and its dead-letter queue with a RedrivePolicy; CreateQueue is idempotent. */
export async function ensureQueues<Name extends string>(options: {
  sqs: SQSClient;
  queues: Readonly<Record<Name, QueueDeclaration>>;
  visibilityTimeoutSeconds: (name: Name) => number;
}): Promise<Record<Name, LocalQueue>> {
  const created = {} as Record<Name, LocalQueue>;
  for (const name of Object.keys(options.queues) as Name[]) {
    const queue = options.queues[name];
    const deadLetter = await options.sqs.send(
      new CreateQueueCommand({
        QueueName: queue.deadLetterQueueName,
        Attributes: { MessageRetentionPeriod: String(14 * 24 * 3600) },
      }),
    );
    const deadLetterUrl = deadLetter.QueueUrl!;
    const deadLetterArn = await queueArn(options.sqs, deadLetterUrl);
    const main = await options.sqs.send(
      new CreateQueueCommand({
        QueueName: queue.name,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds(name)),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: deadLetterArn,
            maxReceiveCount: queue.maxReceiveCount * standInRedriveFactor,
          }),
        },
      }),
    );
    const url = main.QueueUrl!;
    created[name] = { url, arn: await queueArn(options.sqs, url), deadLetterUrl, deadLetterArn };
  }
  return created;
}
