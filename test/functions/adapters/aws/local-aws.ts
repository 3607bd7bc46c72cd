/**
 * dynalite (in memory) and local-aws-sqs on free loopback ports, with the platform's tables and
 * the clicks queue: the real DynamoDB and SQS APIs for tests, no mocks.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import { ensureTables } from '../../../../lib/local/ensure-tables.js';
import { silentLog } from '../../../../lib/local/local-log.js';
import { tables } from '../../../../lib/resources.js';

export interface LocalAws {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  tableNames: { links: string; clicks: string };
  clicksQueueUrl: string;
  /** Every item of a table (scan, all pages). */
  scan(table: string): Promise<Record<string, unknown>[]>;
  /** Receives and deletes every message currently on a queue. */
  drain(queueUrl: string): Promise<Message[]>;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startLocalAws(): Promise<LocalAws> {
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', () => resolve()));
  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  const dynamodb = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials,
  });
  const sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials,
  });
  await ensureTables({ dynamodb, tables: Object.values(tables), log: silentLog });
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'clicks' }));
  return {
    dynamodb,
    sqs,
    tableNames: { links: tables.links.name, clicks: tables.clicks.name },
    clicksQueueUrl: queue.QueueUrl!,
    async scan(table) {
      const doc = DynamoDBDocumentClient.from(dynamodb);
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
    async drain(queueUrl) {
      const messages: Message[] = [];
      for (;;) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const batch = out.Messages ?? [];
        if (batch.length === 0) return messages;
        messages.push(...batch);
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
          }),
        );
      }
    },
    async close() {
      dynamodb.destroy();
      sqs.destroy();
      await Promise.all([close(dynamo), close(sqsServer)]);
    },
  };
}
