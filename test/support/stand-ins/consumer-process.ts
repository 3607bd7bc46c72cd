/**
 * A queue consumer PROCESS for the fault suites: the real ingest-clicks and attribute-conversions
 * handlers (`createHandler(deps)`) behind the local queue poller, against the parent's SQS
 * stand-in, dynalite and a PostgreSQL database. Run as
 * `node --import tsx test/faults/support/consumer-process.ts` with an IPC channel.
 *
 * The parent needs the process to die at a known point of a batch, so the SQL executor is wrapped
 * here (never in product code): when `FAULT_PAUSE` names a queue, a batch and a commit count, the
 * consumer stops dead at that point — inside the open transaction after its first statement
 * (`in-transaction`), right after a COMMIT before the handler goes on (`after-commit`), or while
 * its autocommit statement waits on a lock the parent holds (`in-statement`) — and tells the
 * parent over IPC, which then kills it with SIGKILL.
 *
 * Environment: the SDK endpoints and queue/table variables the handlers read (set by the parent),
 * plus `FAULT_DATABASE_URL`, `FAULT_QUEUES` (JSON: queue name -> LocalQueue), `FAULT_POLL`
 * (comma-separated queue names), `FAULT_PAUSE` (JSON, optional), `FAULT_RETRY_DELAY_SECONDS`,
 * `FAULT_DEBUG` (log the poller and handlers to stderr).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createPgExecutor } from '../../../functions/adapters/sql/pg-executor.js';
import { createHandler as createAttributeConversions } from '../../../functions/handlers/attribute-conversions.js';
import { createHandler as createIngestClicks } from '../../../functions/handlers/ingest-clicks.js';
import { platformConfigFromEnv, type PlatformDeps } from '../../../functions/platform/composition-root.js';
import type { SqlExecutor } from '../../../functions/ports/sql-executor.js';
import type { LocalQueue } from '../../../lib/local/ensure-queues.js';
import { consoleLog, silentLog } from '../../../lib/local/local-log.js';
import { createQueuePoller, type QueuePoller } from '../../../lib/local/queue-poller.js';
import { queues as declaredQueues } from '../../../lib/resources.js';
import type { ChildReport, PausePoint } from './consumer-protocol.js';

type PolledQueue = 'clicks' | 'conversions';

interface BatchContext {
  queue: PolledQueue;
  batch: number;
  messageIds: string[];
  commits: number;
}

function send(report: ChildReport): void {
  process.send?.(report);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`consumer-process: ${name} is not set`);
  return value;
}

const debug = process.env.FAULT_DEBUG === '1';
const pause: PausePoint | undefined = process.env.FAULT_PAUSE ? (JSON.parse(process.env.FAULT_PAUSE) as PausePoint) : undefined;
const localQueues = JSON.parse(required('FAULT_QUEUES')) as Record<PolledQueue, LocalQueue>;
const polled = required('FAULT_POLL').split(',').filter(Boolean) as PolledQueue[];
const retryDelaySeconds = Number(process.env.FAULT_RETRY_DELAY_SECONDS ?? 1);

if (!debug) {
  // The handlers log a JSON line per batch; the parent only listens on IPC.
  console.log = () => undefined;
  console.info = () => undefined;
  console.error = () => undefined;
}

const batchContext = new AsyncLocalStorage<BatchContext>();
let paused = false;

/** Never returns: the parent kills this process now. */
async function holdHere(context: BatchContext): Promise<never> {
  paused = true;
  send({ type: 'paused', queue: context.queue, batch: context.batch, messageIds: context.messageIds, committedInBatch: context.commits });
  return new Promise<never>(() => undefined);
}

let proceed: (() => void) | undefined;

/** The pool's executor, stopping at the configured point of the configured batch. */
function pausingExecutor(inner: SqlExecutor): SqlExecutor {
  return {
    async query(sql, params) {
      const context = batchContext.getStore();
      const armed = pause !== undefined && context !== undefined && context.queue === pause.queue && context.batch === pause.batch;
      if (!armed || pause.at !== 'in-statement' || paused) return inner.query(sql, params);
      // The parent takes its lock between `paused` and `proceed`; the statement then waits on it, its first writes done.
      const proceeded = new Promise<void>((resolve) => (proceed = resolve));
      paused = true;
      send({ type: 'paused', queue: context.queue, batch: context.batch, messageIds: context.messageIds, committedInBatch: context.commits });
      await proceeded;
      await inner.query(sql, params);
      // The parent kills this process while the statement waits: reaching here means it never did.
      return new Promise<never>(() => undefined);
    },
    async transaction(work) {
      const context = batchContext.getStore();
      const armed = pause !== undefined && context !== undefined && context.queue === pause.queue && context.batch === pause.batch;
      const stopInside = armed && pause.at === 'in-transaction' && context.commits === pause.commits;
      const result = await inner.transaction((tx) => {
        if (!stopInside) return work(tx);
        // The first statement really runs, so the server holds uncommitted rows and locks when the process dies.
        const stopping: SqlExecutor = {
          query: async (sql, params) => {
            await tx.query(sql, params);
            return holdHere(context);
          },
          transaction: (nested) => nested(stopping),
        };
        return work(stopping);
      });
      if (context) context.commits += 1;
      if (armed && pause.at === 'after-commit' && context.commits === pause.commits) await holdHere(context);
      return result;
    },
  };
}

async function main(): Promise<void> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const pg = createPgExecutor({ connectionString: required('FAULT_DATABASE_URL'), max: 4 });
  const sql = pausingExecutor(pg);
  const dynamodb = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const deps: PlatformDeps = { config: platformConfigFromEnv(process.env), sql, dynamodb, sqs, now: () => new Date() };
  const handlers: Record<PolledQueue, (event: SQSEvent) => Promise<SQSBatchResponse>> = {
    clicks: createIngestClicks(deps),
    conversions: createAttributeConversions(deps),
  };
  const batches: Record<PolledQueue, number> = { clicks: 0, conversions: 0 };

  const pollers: QueuePoller[] = polled.map((name) => {
    const queue = localQueues[name];
    const declared = declaredQueues[name];
    return createQueuePoller({
      name,
      queueUrl: queue.url,
      queueArn: queue.arn,
      deadLetterUrl: queue.deadLetterUrl,
      sqs,
      region,
      batchSize: declared.batchSize,
      maxBatchingWindowSeconds: declared.maxBatchingWindowSeconds,
      maxReceiveCount: declared.maxReceiveCount,
      retryDelaySeconds,
      idleWaitSeconds: 1,
      log: debug ? consoleLog : silentLog,
      consumer: async (event) => {
        batches[name] += 1;
        const context: BatchContext = { queue: name, batch: batches[name], messageIds: event.Records.map((r) => r.messageId), commits: 0 };
        const response = await batchContext.run(context, () => handlers[name](event));
        send({ type: 'batch', queue: name, batch: context.batch, messageIds: context.messageIds, failed: response.batchItemFailures.length });
        return response;
      },
    });
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // A paused batch never finishes: only a kill ends this process then.
    if (paused) return;
    await Promise.all(pollers.map((poller) => poller.stop()));
    await pg.close();
    dynamodb.destroy();
    sqs.destroy();
    send({ type: 'stopped', counters: Object.fromEntries(pollers.map((poller) => [poller.name, { ...poller.counters }])) });
    process.disconnect?.();
    process.exit(0);
  };
  process.on('message', (message) => {
    if ((message as { type?: string }).type === 'stop') void stop();
    if ((message as { type?: string }).type === 'proceed') proceed?.();
  });
  process.on('SIGTERM', () => void stop());
  // The parent died: nobody will kill or stop this process.
  process.on('disconnect', () => process.exit(1));

  for (const poller of pollers) poller.start();
  send({ type: 'ready', pid: process.pid });
}

main().catch((error: unknown) => {
  send({ type: 'crashed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(2);
});
