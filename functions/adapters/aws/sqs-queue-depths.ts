/**
 * Queue depths through SQS `GetQueueAttributes`: each queue's counts and, from its RedrivePolicy,
 * its dead-letter queue's (found by name with `GetQueueUrl`, so the DLQ's URL need not be configured:
 * CDK names it, the local runner creates it).
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepth, QueueDepthReader } from '../../ports/queue-depths.js';

const countAttributes = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;

/** `arn:aws:sqs:region:account:name` → { account, name }. */
export function parseQueueArn(arn: string): { account: string; name: string } | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'sqs' || !parts[5]) return undefined;
  return { account: parts[4] ?? '', name: parts[5] };
}

export function createSqsQueueDepthReader(options: { sqs: SQSClient; queueUrls: Record<string, string> }): QueueDepthReader {
  const deadLetterUrls = new Map<string, string>();
  async function deadLetterUrl(redrivePolicy: string | undefined): Promise<string | undefined> {
    if (!redrivePolicy) return undefined;
    const target = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn;
    const parsed = target ? parseQueueArn(target) : undefined;
    if (!target || !parsed) return undefined;
    let url = deadLetterUrls.get(target);
    if (!url) {
      const found = await options.sqs.send(new GetQueueUrlCommand({ QueueName: parsed.name, ...(/^\d{12}$/.test(parsed.account) ? { QueueOwnerAWSAccountId: parsed.account } : {}) }));
      url = found.QueueUrl;
      if (url) deadLetterUrls.set(target, url);
    }
    return url;
  }
  return {
    async read(): Promise<QueueDepth[]> {
      const depths: QueueDepth[] = [];
      for (const [queue, url] of Object.entries(options.queueUrls)) {
        if (!url) continue;
        const main = await options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...countAttributes, 'RedrivePolicy'] }));
        const dlq = await deadLetterUrl(main.Attributes?.RedrivePolicy);
        let deadLetters: number | null = null;
        if (dlq) {
          const dead = await options.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: [...countAttributes] }));
          deadLetters = Number(dead.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(dead.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
        }
        depths.push({
          queue,
          waiting: Number(main.Attributes?.ApproximateNumberOfMessages ?? 0),
          in_flight: Number(main.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
          dead_letters: deadLetters,
        });
      }
      return depths;
    },
  };
}
