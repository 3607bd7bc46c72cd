/**
 * The clicks queue's consumer: validates each message (zod), writes the valid ones into Aurora in
 * one transaction (functions/repositories/click-ingestion.ts) and reports the rest as partial
 * batch failures, so SQS retries only them and dead-letters them after `maxReceiveCount`.
 *
 * - A malformed message (poison) is reported with its reason logged; the others commit.
 * - A click whose link Aurora does not know (yet) is reported too: the link may still be
 *   committing, and if it never appears the message ends in the DLQ with the reason logged.
 * - The same click twice in one batch is written once; a redelivery of an ingested click changes
 *   nothing (ON CONFLICT on the click id), so both are acknowledged.
 * - If the transaction itself fails (database unavailable), the handler throws: the whole batch
 *   is retried, which is safe because ingestion is idempotent.
 */
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { clickMessageSchema, type ClickMessage } from '../domain/clicks/click-message.js';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { ingestClickBatch } from '../repositories/click-ingestion.js';

export interface IngestLogger {
  info(message: string, fields: Record<string, unknown>): void;
  error(message: string, fields: Record<string, unknown>): void;
}

const jsonLogger: IngestLogger = {
  info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', message, ...fields })),
};

const sqsEventSchema = z.object({
  Records: z.array(z.object({ messageId: z.string().min(1), body: z.string() }).loose()),
});

type Parsed = { ok: true; click: ClickMessage } | { ok: false; reason: string };

function parseRecord(record: Pick<SQSRecord, 'body'>): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = clickMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, reason: `invalid click message: ${issues.join('; ')}` };
  }
  const click = parsed.data;
  return { ok: true, click: { ...click, click_id: click.click_id.toLowerCase(), cookie_id: click.cookie_id.toLowerCase() } };
}

/** The consumer on an SQL executor: used by `createHandler`, the local poller's tests and the benchmarks. */
export function createIngestClicks({ sql, log = jsonLogger }: { sql: SqlExecutor; log?: IngestLogger }): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const { Records: records } = sqsEventSchema.parse(event);
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    const messagesByClick = new Map<string, string[]>();
    const clicks: ClickMessage[] = [];
    for (const record of records) {
      const parsed = parseRecord(record);
      if (!parsed.ok) {
        log.error('click_message_rejected', { message_id: record.messageId, reason: parsed.reason });
        failures.push({ itemIdentifier: record.messageId });
        continue;
      }
      const ids = messagesByClick.get(parsed.click.click_id);
      if (ids) {
        ids.push(record.messageId);
        continue;
      }
      messagesByClick.set(parsed.click.click_id, [record.messageId]);
      clicks.push(parsed.click);
    }
    const result = await ingestClickBatch({ sql, clicks });
    for (const clickId of result.unknownLink) {
      const messageIds = messagesByClick.get(clickId) ?? [];
      for (const messageId of messageIds) {
        log.error('click_message_rejected', { message_id: messageId, click_id: clickId, reason: 'partner link unknown to Aurora' });
        failures.push({ itemIdentifier: messageId });
      }
    }
    log.info('clicks_ingested', {
      messages: records.length,
      inserted: result.inserted.length,
      filtered: result.filtered.length,
      duplicates: result.duplicates.length,
      failed: failures.length,
    });
    return { batchItemFailures: failures };
  };
}

export function createHandler(deps: PlatformDeps): (event: SQSEvent, context?: unknown) => Promise<SQSBatchResponse> {
  const ingest = createIngestClicks({ sql: deps.sql });
  const wrapped = middy<SQSEvent, SQSBatchResponse>().handler((event) => ingest(event));
  return (event, context) => wrapped(event, (context ?? {}) as never);
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
