/**
 * Where one batch of the click consumer spends its time: per batch of 100 clicks (33 cookies), the
 * median over 25 batches of the whole handler (zod validation + ingestion), the repository in its
 * transaction, the repository's one statement without BEGIN/COMMIT, and a raw INSERT of the same
 * batch into a copy of `clicks` without foreign keys. The four run interleaved, so the machine's
 * load falls on all of them alike.
 *
 *   npx tsx bench/ingest-clicks-split.ts [pglite|postgres]
 */
import { randomUUID } from 'node:crypto';
import { createIngestClicks } from '../functions/handlers/ingest-clicks.js';
import type { SqlExecutor } from '../functions/ports/sql-executor.js';
import { ingestClickBatch } from '../functions/repositories/clicks/click-ingestion.js';
import { createTestDatabase, postgresServerUrl } from '../test/support/database/test-database.js';
import { clickOn, sqsEvent } from '../test/support/messages/clicks.js';
import { seedLinks } from '../test/support/fixtures/seed-links.js';

const RAW = `INSERT INTO raw_clicks (click_uuid, partner_link_id, cookie_id, ip_address, user_agent, clicked_at, vendor_id, partner_id, campaign_version_id)
SELECT click_id, partner_link_id, cookie_id, ip_address, user_agent, clicked_at AT TIME ZONE 'UTC', vendor_id, partner_id, campaign_version_id
FROM jsonb_to_recordset(:batch::jsonb) AS b(click_id uuid, cookie_id uuid, partner_link_id integer, clicked_at timestamptz,
  ip_address inet, user_agent text, vendor_id integer, partner_id integer, campaign_version_id integer)`;

const engine = (process.argv[2] ?? 'postgres') as 'pglite' | 'postgres';
const db = await createTestDatabase({ engine, serverUrl: postgresServerUrl });
try {
  const links = [...(await seedLinks(db.sql, { partners: 10, linksPerPartner: 2 }))];
  await db.sql.query(`CREATE TABLE raw_clicks (LIKE clicks INCLUDING DEFAULTS INCLUDING INDEXES)`);
  // The repository's statement on its own: a "transaction" that is the executor itself.
  const withoutTransaction: SqlExecutor = { query: (sql, params) => db.sql.query(sql, params), transaction: (work) => work(withoutTransaction) };
  const ingest = createIngestClicks({ sql: db.sql });
  let offset = 0;
  const batch = () => {
    offset += 10_000_000;
    const cookies = Array.from({ length: 33 }, () => randomUUID());
    const start = Date.parse('2024-06-01T00:00:00.000Z') + offset;
    return Array.from({ length: 100 }, (_, i) =>
      clickOn(links[i % links.length]!, new Date(start + i * 1000).toISOString(), { cookie_id: cookies[(i * 7919) % cookies.length]! }),
    );
  };
  const times: Record<'handler' | 'repository' | 'statement' | 'raw', number[]> = { handler: [], repository: [], statement: [], raw: [] };
  for (let round = 0; round < 25; round += 1) {
    for (const kind of ['handler', 'repository', 'statement', 'raw'] as const) {
      const clicks = batch();
      const event = sqsEvent(clicks);
      const start = performance.now();
      if (kind === 'handler') await ingest(event);
      else if (kind === 'repository') await ingestClickBatch({ sql: db.sql, clicks });
      else if (kind === 'statement') await ingestClickBatch({ sql: withoutTransaction, clicks });
      else await db.sql.query(RAW, { batch: JSON.stringify(clicks) });
      times[kind].push(performance.now() - start);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`${engine}: median per batch of 100 · ${Object.entries(times).map(([kind, values]) => `${kind} ${median(values).toFixed(1)} ms`).join(' · ')}`);
} finally {
  await db.close();
}
