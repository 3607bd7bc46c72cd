import { ListMessageMoveTasksCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LocalQueue } from './ensure-queues.js';

export interface RedriveResult {
  /** Messages moved from the dead-letter queue back to its queue. */
  moved: number;
  status: 'COMPLETED';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Moves every message of a queue's dead-letter queue back to the queue, after the fault that
 * dead-lettered them is fixed, and resolves when the move is complete.
 *
 * It is the same SQS call an operator makes on AWS ("Start DLQ redrive" in the console,
 * `aws sqs start-message-move-task`), against the stand-in, so it also works from the AWS CLI with
 * `--endpoint-url` (the SQS endpoint `npm start` logs):
 *
 *     aws sqs start-message-move-task --endpoint-url http://127.0.0.1:NNNN \
 *       --source-arn arn:aws:sqs:us-east-1:123456789012:conversions-dlq \
 *       --destination-arn arn:aws:sqs:us-east-1:123456789012:conversions
 *
 * Locally the destination must be named: the poller, not SQS, dead-letters (lib/local/README.md),
 * so the stand-in does not know a message's source queue (without `--destination-arn` the task
 * ends FAILED, CouldNotDetermineMessageSource). Moved messages keep their attributes,
 * `dead_letter_reason` and `dead_letter_message_id` included; consumers ignore them, and a second
 * dead-lettering overwrites them. Messages are moved, not copied, so a second redrive finds an
 * empty DLQ and moves nothing.
 */
export async function redriveDeadLetters({
  sqs,
  queue,
  timeoutMs = 60_000,
  pollMs = 200,
}: {
  sqs: SQSClient;
  queue: Pick<LocalQueue, 'arn' | 'deadLetterArn'>;
  timeoutMs?: number;
  pollMs?: number;
}): Promise<RedriveResult> {
  const started = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.deadLetterArn, DestinationArn: queue.arn }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Results: tasks = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queue.deadLetterArn, MaxResults: 10 }));
    // The newest task comes first; a running one still carries the handle StartMessageMoveTask returned.
    const task = tasks.find((candidate) => candidate.TaskHandle === started.TaskHandle) ?? tasks[0];
    if (task && task.Status !== 'RUNNING') {
      if (task.Status !== 'COMPLETED') {
        throw new Error(`redrive of ${queue.deadLetterArn} ended ${task.Status}${task.FailureReason ? `: ${task.FailureReason}` : ''}`);
      }
      return { moved: Number(task.ApproximateNumberOfMessagesMoved ?? 0), status: 'COMPLETED' };
    }
    if (Date.now() >= deadline) throw new Error(`redrive of ${queue.deadLetterArn} still running after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}
