/** SQS helpers of the fault suites: send many bodies, read a queue's depth, wait for it to empty, take everything out. */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends every body (JSON-encoded unless a string); returns the message ids in the same order. */
export async function sendAll(sqs: SQSClient, queueUrl: string, bodies: readonly unknown[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < bodies.length; start += 10) {
    const chunk = bodies.slice(start, start + 10);
    const result = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: typeof body === 'string' ? body : JSON.stringify(body) })),
      }),
    );
    if ((result.Failed ?? []).length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(result.Failed)}`);
    const byEntry = new Map((result.Successful ?? []).map((entry) => [entry.Id, entry.MessageId!]));
    for (let index = 0; index < chunk.length; index += 1) ids.push(byEntry.get(String(index))!);
  }
  return ids;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
  total: number;
}

/**
 * The queue's messages. local-aws-sqs (2.0.2) counts in-flight messages in
 * ApproximateNumberOfMessages as well as in ...NotVisible, unlike SQS; the stand-in is what runs here.
 */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const result = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = result.Attributes ?? {};
  const stored = Number(a.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
  const delayed = Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
  return { visible: Math.max(0, stored - inFlight), inFlight, delayed, total: stored + delayed };
}

/** Resolves when every queue has held no message at two looks 200 ms apart; throws after `timeoutMs`. */
export async function waitUntilEmpty(sqs: SQSClient, queueUrls: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let emptyLooks = 0;
  for (;;) {
    const depths = await Promise.all(queueUrls.map((url) => queueDepth(sqs, url)));
    emptyLooks = depths.every((depth) => depth.total === 0) ? emptyLooks + 1 : 0;
    if (emptyLooks >= 2) return;
    if (Date.now() > deadline) throw new Error(`queues not empty after ${timeoutMs} ms: ${JSON.stringify(depths)}`);
    await sleep(200);
  }
}

/** Receives and deletes every visible message of the queue (the test is its only reader). */
export async function takeAll(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const taken: Message[] = [];
  let emptyReceives = 0;
  while (emptyReceives < 2) {
    const result = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 120, MessageAttributeNames: ['All'] }),
    );
    const messages = result.Messages ?? [];
    if (messages.length === 0) {
      emptyReceives += 1;
      continue;
    }
    emptyReceives = 0;
    taken.push(...messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
  }
  return taken;
}
