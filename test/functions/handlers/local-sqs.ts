/**
 * local-aws-sqs on a free loopback port with a conversions queue: the real SQS API for the
 * producers' tests (webhooks, POST /v1/conversions), so "nothing was enqueued" is a queue depth.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  DeleteMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';
import type { ConversionQueueMessage } from '../../../functions/ports/conversion-message.js';

export interface LocalSqs {
  sqs: SQSClient;
  queueUrl: string;
  /** ApproximateNumberOfMessages (visible + in flight: we never leave any in flight). */
  depth(): Promise<number>;
  /** Receives and deletes every message, parsed. */
  drain(): Promise<ConversionQueueMessage[]>;
  purge(): Promise<void>;
  close(): Promise<void>;
}

export async function startLocalSqs(queueName = 'conversions'): Promise<LocalSqs> {
  const server: Server = await createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  const sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl!;
  const depth = async () => {
    const out = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  };
  return {
    sqs,
    queueUrl,
    depth,
    async drain() {
      const out: ConversionQueueMessage[] = [];
      for (;;) {
        const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const batch = res.Messages ?? [];
        if (batch.length === 0) return out;
        out.push(...batch.map((m) => JSON.parse(m.Body!) as ConversionQueueMessage));
        await sqs.send(
          new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
        );
      }
    },
    async purge() {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    },
    async close() {
      sqs.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
