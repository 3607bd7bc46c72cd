/**
 * Writes a batch of clicks from the clicks queue into Aurora, set-based and idempotent
 * (`repositories/clicks/click-ingestion.ts`, one autocommit statement). The same click twice in one batch is
 * written once; a click already in Aurora changes nothing; a click whose link Aurora does not
 * know (yet) is handed back in `unknownLink` for the caller to retry.
 */
import type { ClickMessage } from '../domain/clicks/click-message.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { ingestClickBatch, type IngestClickBatchResult } from '../repositories/clicks/click-ingestion.js';

export async function ingestClicks(input: { sql: SqlExecutor; clicks: readonly ClickMessage[] }): Promise<IngestClickBatchResult> {
  const unique = new Map<string, ClickMessage>();
  for (const click of input.clicks) {
    const clickId = click.click_id.toLowerCase();
    if (!unique.has(clickId)) unique.set(clickId, { ...click, click_id: clickId, cookie_id: click.cookie_id.toLowerCase() });
  }
  return ingestClickBatch({ sql: input.sql, clicks: [...unique.values()] });
}
