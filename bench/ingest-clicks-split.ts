/**
 * Where one batch of the click consumer spends its time: per batch of 100 clicks (33 cookies), the
 * median over 25 batches of the whole handler (zod validation + ingestion), the repository as the
 * consumer calls it (one autocommit statement), the same statement inside BEGIN/COMMIT (the shape
 * before 2026-12-05, and a conversion's), and a raw INSERT of the same batch into a copy of
 * `clicks` without foreign keys. The four run interleaved, so the machine's load falls on all of
 * them alike. The handler's round trips per batch are counted (each one a Data API call on AWS),
 * with the call latency they add there (`--data-api-ms`, 15 as in bench/cost-model.ts).
 * bench/ingest-clicks-floor.ts has the variants without foreign keys.
 *
 *   npx tsx bench/ingest-clicks-split.ts [pglite|postgres] [--data-api-ms=15]
 */
import { randomUUID } from 'node:crypto';
import { createIngestClicks } from '../functions/handlers/ingest-clicks.js';
import { ingestClickBatch } from '../functions/repositories/clicks/click-ingestion.js';
import { countRoundTrips } from '../test/support/database/round-trip-counter.js';
import { createTestDatabase, postgresServerUrl } from '../test/support/database/test-database.js';
import { clickOn, sqsEvent } from '../test/support/messages/clicks.js';
import { seedLinks } from '../test/support/fixtures/seed-links.js';

const RAW = `INSERT INTO raw_clicks (click_uuid, partner_link_id, cookie_id, ip_address, user_agent, clicked_at, vendor_id, partner_id, campaign_version_id)
SELECT click_id, partner_link_id, cookie_id, ip_address, user_agent, clicked_at AT TIME ZONE 'UTC', vendor_id, partner_id, campaign_version_id
FROM jsonb_to_recordset(:batch::jsonb) AS b(click_id uuid, cookie_id uuid, partner_link_id integer, clicked_at timestamptz,
  ip_address inet, user_agent text, vendor_id integer, partner_id integer, campaign_version_id integer)`;

const engine = (process.argv.find((value) => value === 'pglite' || value === 'postgres') ?? 'postgres') as 'pglite' | 'postgres';
const dataApiMs = Number(process.argv.find((value) => value.startsWith('--data-api-ms='))?.split('=')[1] ?? 15);
const db = await createTestDatabase({ engine, serverUrl: postgresServerUrl });
try {
  const links = [...(await seedLinks(db.sql, { partners: 10, linksPerPartner: 2 }))];
  await db.sql.query(`CREATE TABLE raw_clicks (LIKE clicks INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const counter = countRoundTrips(db.sql);
  const ingest = createIngestClicks({ sql: counter.sql });
  let offset = 0;
  const batch = () => {
    offset += 10_000_000;
    const cookies = Array.from({ length: 33 }, () => randomUUID());
    const start = Date.parse('2024-06-01T00:00:00.000Z') + offset;
    return Array.from({ length: 100 }, (_, i) =>
      clickOn(links[i % links.length]!, new Date(start + i * 1000).toISOString(), { cookie_id: cookies[(i * 7919) % cookies.length]! }),
    );
  };
  const times: Record<'handler' | 'repository' | 'in transaction' | 'raw', number[]> = { handler: [], repository: [], 'in transaction': [], raw: [] };
  const roundTrips: number[] = [];
  for (let round = 0; round < 25; round += 1) {
    for (const kind of ['handler', 'repository', 'in transaction', 'raw'] as const) {
      const clicks = batch();
      const event = sqsEvent(clicks);
      counter.reset();
      const start = performance.now();
      if (kind === 'handler') await ingest(event);
      else if (kind === 'repository') await ingestClickBatch({ sql: db.sql, clicks });
      else if (kind === 'in transaction') await db.sql.transaction((tx) => ingestClickBatch({ sql: tx, clicks, inTransaction: true }));
      else await db.sql.query(RAW, { batch: JSON.stringify(clicks) });
      times[kind].push(performance.now() - start);
      if (kind === 'handler') roundTrips.push(counter.roundTrips);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const calls = median(roundTrips);
  console.log(
    `${engine}: median per batch of 100 · ${Object.entries(times).map(([kind, values]) => `${kind} ${median(values).toFixed(1)} ms`).join(' · ')}` +
      ` · raw / handler ${(median(times.raw) / median(times.handler)).toFixed(2)} · handler round trips ${calls}` +
      ` (on the Data API, ${calls * dataApiMs} ms of call latency a batch at ${dataApiMs} ms a call)`,
  );
} finally {
  await db.close();
}
