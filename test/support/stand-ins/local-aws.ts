/**
 * dynalite (in memory) and local-aws-sqs on free loopback ports, with the platform's tables and
 * the queues a suite asks for: the real DynamoDB and SQS APIs for tests, no mocks. The one place
 * tests start these stand-ins (the whole platform: lib/local/start-local-platform.ts).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import dynalite from 'dynalite';
import { createSqsServer } from 'local-aws-sqs';
import { ensureTables } from '../../../lib/local/ensure-tables.js';
import { silentLog } from '../../../lib/local/local-log.js';
import { tables } from '../../../lib/resources.js';
import type { ConversionQueueMessage } from '../../../functions/ports/conversion-message.js';

export interface LocalAws {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  tableNames: { links: string; clicks: string };
  /** The URL of each queue created at the start, by name. */
  queueUrls: Record<string, string>;
  clicksQueueUrl: string;
  /** Every item of a table (scan, all pages). */
  scan(table: string): Promise<Record<string, unknown>[]>;
  /** Receives and deletes every message currently on a queue. */
  drain(queueUrl: string): Promise<Message[]>;
  /** ApproximateNumberOfMessages plus those in flight. */
  depth(queueUrl: string): Promise<number>;
  purge(queueUrl: string): Promise<void>;
  close(): Promise<void>;
}

export interface LocalAwsOptions {
  /** Start dynalite with the platform's tables (default true). */
  tables?: boolean;
  /** Queues to create (default: clicks). */
  queues?: readonly string[];
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const withTables = options.tables ?? true;
  const dynamo = withTables ? dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) : undefined;
  if (dynamo) await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', () => resolve()));
  const sqsServer = await createSqsServer({ port: 0, hostname: '127.0.0.1', emulateQueueCreationLifecycle: false });
  // Without dynalite the client points nowhere: a suite that asked for no tables must not use it.
  const dynamodb = new DynamoDBClient({
    endpoint: dynamo ? `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}` : 'http://127.0.0.1:9',
    region: 'us-east-1',
    credentials,
  });
  const sqs = new SQSClient({
    endpoint: `http://127.0.0.1:${(sqsServer.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials,
  });
  if (withTables) await ensureTables({ dynamodb, tables: Object.values(tables), log: silentLog });
  const queueUrls: Record<string, string> = {};
  for (const name of options.queues ?? ['clicks']) {
    queueUrls[name] = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  }
  return {
    dynamodb,
    sqs,
    tableNames: { links: tables.links.name, clicks: tables.clicks.name },
    queueUrls,
    clicksQueueUrl: queueUrls.clicks ?? '',
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
    async depth(queueUrl) {
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
    async purge(queueUrl) {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    },
    async close() {
      dynamodb.destroy();
      sqs.destroy();
      await Promise.all([dynamo ? close(dynamo) : undefined, close(sqsServer)]);
    },
  };
}

/** One queue of a local SQS (no tables), for the producers' tests: "nothing was enqueued" is a queue depth. */
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
  const aws = await startLocalAws({ tables: false, queues: [queueName] });
  const queueUrl = aws.queueUrls[queueName]!;
  return {
    sqs: aws.sqs,
    queueUrl,
    depth: () => aws.depth(queueUrl),
    drain: async () => (await aws.drain(queueUrl)).map((message) => JSON.parse(message.Body!) as ConversionQueueMessage),
    purge: () => aws.purge(queueUrl),
    close: () => aws.close(),
  };
}
