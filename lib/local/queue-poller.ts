// 309 lines: the one stand-in for the SQS event source mapping (batches, partial failures, visibility, redrive with a reason), its parts sharing the poller's counters.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { LocalLog } from './local-log.js';
import { WholeBatchFailedError } from '../../functions/platform/whole-batch-failure.js';

export interface QueuePollerCounters {
  /** Messages handed to the consumer (a redelivery counts again). */
  received: number;
  succeeded: number;
  /** Deliveries the consumer failed (reported in batchItemFailures, or the whole batch when it threw). */
  failed: number;
  /** Messages moved to the dead-letter queue after maxReceiveCount failed receives. */
  deadLettered: number;
}

export interface QueuePollerOptions {
  name: string;
  queueUrl: string;
  queueArn: string;
  deadLetterUrl: string;
  sqs: SQSClient;
  region: string;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxReceiveCount: number;
  /** How long a failed message stays invisible before its retry; AWS would wait the whole visibility timeout. */
  retryDelaySeconds?: number;
  /** Long-poll wait while idle; short so stop() never waits long. */
  idleWaitSeconds?: number;
  consumer: (event: SQSEvent) => Promise<SQSBatchResponse | void | undefined>;
  log: LocalLog;
}

export interface QueuePoller {
  readonly name: string;
  readonly counters: Readonly<QueuePollerCounters>;
  start(): void;
  /** Resolves when the queue holds no message (visible, in flight or delayed) and no batch is running. */
  drain(timeoutMs?: number): Promise<boolean>;
  /** Stops receiving and waits for the batch in flight. */
  stop(): Promise<void>;
}

/** Name of the message attribute that says why a message was dead-lettered. */
export const deadLetterReasonAttribute = 'dead_letter_reason';

/**
 * Name of the message attribute that keeps the dead-lettered message's original id. On AWS the
 * DLQ keeps the message id, which is how an operator finds the consumer's log line naming the
 * real reason (a partial batch failure carries none); the local copy is a new message with a new id.
 */
export const deadLetterMessageIdAttribute = 'dead_letter_message_id';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function toRecordAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const converted: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    converted[name] = {
      dataType: value.DataType ?? 'String',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return converted;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Plays the Lambda SQS event source mapping for one queue: long-polls, fills a batch up to
 * `batchSize` within `maxBatchingWindowSeconds`, invokes the consumer, deletes what succeeded,
 * makes failures visible again after a short delay and moves a message that failed
 * `maxReceiveCount` receives to the dead-letter queue with the failure reason attached.
 *
 * Receives are counted here rather than read from the stand-in, which counts a visibility change
 * as a receive; this poller is the queue's only consumer, so its count is exact.
 */
export function createQueuePoller(options: QueuePollerOptions): QueuePoller {
  const counters: QueuePollerCounters = { received: 0, succeeded: 0, failed: 0, deadLettered: 0 };
  const receives = new Map<string, number>();
  const retryDelaySeconds = options.retryDelaySeconds ?? 1;
  const idleWaitSeconds = options.idleWaitSeconds ?? 1;
  let running = false;
  let loop: Promise<void> | undefined;
  let inFlight = false;

  async function receive(max: number, waitSeconds: number): Promise<Message[]> {
    const result = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        // The stand-in reads the older name.
        AttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return result.Messages ?? [];
  }

  async function collectBatch(): Promise<Message[]> {
    const batch = await receive(options.batchSize, idleWaitSeconds);
    if (batch.length === 0) return batch;
    const deadline = Date.now() + options.maxBatchingWindowSeconds * 1000;
    while (running && batch.length < options.batchSize && Date.now() < deadline) {
      const more = await receive(options.batchSize - batch.length, 0);
      if (more.length === 0) await sleep(Math.min(100, Math.max(0, deadline - Date.now())));
      batch.push(...more);
    }
    return batch;
  }

  function toRecord(message: Message, receiveCount: number): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: String(receiveCount),
        SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
        SenderId: attributes.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: toRecordAttributes(message.MessageAttributes),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: options.queueArn,
      awsRegion: options.region,
    };
  }

  async function invoke(records: SQSRecord[]): Promise<Map<string, string>> {
    const failures = new Map<string, string>();
    try {
      const response = await options.consumer({ Records: records });
      const known = new Set(records.map((record) => record.messageId));
      for (const failure of response?.batchItemFailures ?? []) {
        if (!known.has(failure.itemIdentifier)) {
          // Lambda treats an unknown or empty identifier as a failure of the whole batch.
          throw new Error(`batchItemFailures names unknown message ${JSON.stringify(failure.itemIdentifier)}`);
        }
        failures.set(failure.itemIdentifier, 'reported in batchItemFailures');
      }
    } catch (error) {
      options.log.error(`consumer of queue ${options.name} failed a batch of ${records.length}`, error);
      // Every record reported failed, thrown so Lambda counts an error: the records keep that reason.
      const reason = error instanceof WholeBatchFailedError ? 'reported in batchItemFailures' : errorMessage(error);
      for (const record of records) failures.set(record.messageId, reason);
    }
    return failures;
  }

  async function deadLetter(message: Message, reason: string): Promise<void> {
    const attributes: Record<string, MessageAttributeValue> = { ...(message.MessageAttributes ?? {}) };
    // SQS allows 10 message attributes; the reason, then the original id, are kept only when they fit.
    const fits = (name: string) => name in attributes || Object.keys(attributes).length < 10;
    if (fits(deadLetterReasonAttribute)) {
      attributes[deadLetterReasonAttribute] = { DataType: 'String', StringValue: reason.slice(0, 1000) };
    }
    if (message.MessageId && fits(deadLetterMessageIdAttribute)) {
      attributes[deadLetterMessageIdAttribute] = { DataType: 'String', StringValue: message.MessageId };
    }
    await options.sqs.send(
      new SendMessageCommand({
        QueueUrl: options.deadLetterUrl,
        MessageBody: message.Body ?? '',
        ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
      }),
    );
  }

  async function deleteMessages(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const result = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
        }),
      );
      for (const failed of result.Failed ?? []) {
        options.log.warn(`queue ${options.name}: delete failed (${failed.Code}: ${failed.Message})`);
      }
    }
  }

  async function processBatch(batch: Message[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const message of batch) {
      const count = (receives.get(message.MessageId!) ?? 0) + 1;
      receives.set(message.MessageId!, count);
      counts.set(message.MessageId!, count);
    }
    counters.received += batch.length;
    const failures = await invoke(batch.map((message) => toRecord(message, counts.get(message.MessageId!)!)));

    // Successes are deleted first, so a failure below can never bring them back.
    const succeeded = batch.filter((message) => !failures.has(message.MessageId!));
    for (const message of succeeded) receives.delete(message.MessageId!);
    counters.succeeded += succeeded.length;
    await deleteMessages(succeeded);

    for (const message of batch) {
      const id = message.MessageId!;
      const reason = failures.get(id);
      if (reason === undefined) continue;
      counters.failed += 1;
      const count = counts.get(id)!;
      try {
        if (count >= options.maxReceiveCount) {
          await deadLetter(message, reason);
          await deleteMessages([message]);
          counters.deadLettered += 1;
          receives.delete(id);
          options.log.warn(`queue ${options.name}: message ${id} moved to its dead-letter queue after ${count} receives (${reason})`);
        } else {
          await options.sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: options.queueUrl,
              ReceiptHandle: message.ReceiptHandle!,
              VisibilityTimeout: retryDelaySeconds,
            }),
          );
        }
      } catch (error) {
        // The message stays invisible until its visibility timeout and is then received again.
        options.log.error(`queue ${options.name}: could not retry or dead-letter message ${id}`, error);
      }
    }
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        const batch = await collectBatch();
        if (batch.length === 0) continue;
        inFlight = true;
        try {
          await processBatch(batch);
        } finally {
          inFlight = false;
        }
      } catch (error) {
        if (!running) break;
        options.log.error(`queue ${options.name}: poll failed`, error);
        await sleep(500);
      }
    }
  }

  async function isEmpty(): Promise<boolean> {
    const result = await options.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: options.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const attributes = result.Attributes ?? {};
    const total =
      Number(attributes.ApproximateNumberOfMessages ?? 0) +
      Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0);
    return total === 0;
  }

  return {
    name: options.name,
    counters,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async drain(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      // Two empty looks in a row: a batch may be between receive and processing at the first.
      let emptyLooks = 0;
      while (Date.now() < deadline) {
        if (!inFlight && (await isEmpty()) && !inFlight) {
          emptyLooks += 1;
          if (emptyLooks >= 2) return true;
        } else {
          emptyLooks = 0;
        }
        await sleep(100);
      }
      options.log.warn(`queue ${options.name}: not drained after ${timeoutMs} ms`);
      return false;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
