/**
 * The clicks queue's consumer: validates each message (zod), writes the valid ones into Aurora in
 * one autocommit statement (`use-cases/ingest-clicks.ts`) and reports the rest as partial batch failures,
 * so SQS retries only them and dead-letters them after `maxReceiveCount`.
 *
 * - A malformed message (poison) is reported with its reason logged; the others commit.
 * - A click whose link Aurora does not know (yet) is reported too: the link may still be
 *   committing, and if it never appears the message ends in the DLQ with the reason logged.
 * - The same click twice in one batch is written once; a redelivery of an ingested click changes
 *   nothing (ON CONFLICT on the click id), so both are acknowledged.
 * - If the statement itself fails (database unavailable), the handler throws: the whole batch
 *   is retried, which is safe because ingestion is idempotent.
 * - A batch in which every message failed throws too (Powertools' `FullBatchFailureError`, as the
 *   other consumers): the invocation fails, so the function's Errors alarm sees it. The batch is
 *   written set-based in one statement, so this consumer keeps its own loop rather than
 *   Powertools' per-record `BatchProcessor`.
 */
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { clickMessageSchema, type ClickMessage } from '../domain/clicks/click-message.js';
import { platformDepsFromEnv, type PlatformDeps } from '../platform/composition-root.js';
import { lazyHandler } from '../platform/lambda-handler.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { ingestClicks } from '../use-cases/ingest-clicks.js';

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
export function createIngestClicks({ sql, logger = silentLogger }: { sql: SqlExecutor; logger?: Logger }): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const { Records: records } = sqsEventSchema.parse(event);
    const failures: { itemIdentifier: string; reason: string }[] = [];
    const messagesByClick = new Map<string, string[]>();
    const clicks: ClickMessage[] = [];
    for (const record of records) {
      const parsed = parseRecord(record);
      if (!parsed.ok) {
        logger.error('click_message_rejected', { message_id: record.messageId, reason: parsed.reason });
        failures.push({ itemIdentifier: record.messageId, reason: parsed.reason });
        continue;
      }
      const ids = messagesByClick.get(parsed.click.click_id) ?? [];
      if (ids.length === 0) {
        messagesByClick.set(parsed.click.click_id, ids);
        clicks.push(parsed.click);
      }
      ids.push(record.messageId);
    }
    const result = await ingestClicks({ sql, clicks });
    for (const clickId of result.unknownLink) {
      for (const messageId of messagesByClick.get(clickId) ?? []) {
        const reason = 'partner link unknown to Aurora';
        logger.error('click_message_rejected', { message_id: messageId, correlation_id: clickId, click_id: clickId, reason });
        failures.push({ itemIdentifier: messageId, reason });
      }
    }
    logger.info('clicks_ingested', {
      messages: records.length,
      inserted: result.inserted.length,
      filtered: result.filtered.length,
      duplicates: result.duplicates.length,
      failed: failures.length,
    });
    if (records.length > 0 && failures.length === records.length) {
      throw new FullBatchFailureError(failures.map((failure) => new Error(`${failure.itemIdentifier}: ${failure.reason}`)));
    }
    return { batchItemFailures: failures.map(({ itemIdentifier }) => ({ itemIdentifier })) };
  };
}

export function createHandler(deps: PlatformDeps): (event: SQSEvent, context?: unknown) => Promise<SQSBatchResponse> {
  const ingest = createIngestClicks({ sql: deps.sql, logger: deps.logger });
  return (event) => ingest(event);
}

export const handler = lazyHandler(() => createHandler(platformDepsFromEnv()));
