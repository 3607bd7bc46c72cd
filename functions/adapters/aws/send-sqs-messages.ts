/**
 * Sends message bodies to one SQS queue in as few requests as SQS allows: one SendMessage for a
 * single body, else SendMessageBatch in batches of at most 10 entries and 256 KiB in all. Throws
 * `onFailed(...)` as soon as a batch reports a failed entry (nothing is retried here: the caller
 * decides, and the consumers dedupe).
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
// SQS's largest message is also its largest batch (256 KiB).
import { MAX_QUEUE_MESSAGE_BYTES } from '../../ports/conversion-queue.js';

export async function sendSqsMessages(input: {
  client: SQSClient;
  queueUrl: string;
  bodies: readonly string[];
  onFailed: (codes: string[]) => Error;
}): Promise<void> {
  const { client, queueUrl, bodies } = input;
  if (bodies.length === 0) return;
  if (bodies.length === 1) {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: bodies[0] }));
    return;
  }
  const batches: { bodies: string[]; bytes: number }[] = [];
  for (const body of bodies) {
    const bytes = Buffer.byteLength(body);
    const last = batches.at(-1);
    if (last && last.bodies.length < 10 && last.bytes + bytes <= MAX_QUEUE_MESSAGE_BYTES) {
      last.bodies.push(body);
      last.bytes += bytes;
    } else {
      batches.push({ bodies: [body], bytes });
    }
  }
  let sent = 0;
  for (const batch of batches) {
    const result = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.bodies.map((body, j) => ({ Id: String(sent + j), MessageBody: body })) }),
    );
    sent += batch.bodies.length;
    if (result.Failed && result.Failed.length > 0) throw input.onFailed(result.Failed.map((f) => f.Code ?? 'unknown'));
  }
}
