/**
 * Ingestion throughput: clicks/s written by the ingest-clicks consumer (validation, one
 * autocommit statement per SQS batch of 100: clicks, cookies, journeys, enrollment totals) into PGlite and
 * PostgreSQL 15, against a raw batched INSERT of the same rows (same batches, same
 * jsonb_to_recordset shape, into a copy of `clicks` with the same indexes and no triggers or
 * foreign keys) in the same database, in the same run. A second baseline inserts the same rows into
 * a copy that also has the five foreign keys of \`clicks\` (link, cookie, vendor, partner, campaign
 * version; its cookies inserted beforehand): the floor a consumer that writes real clicks pays.
 *
 *   npx tsx bench/ingest-clicks.ts [--clicks=5000] [--engines=pglite,postgres]
 */
import { randomUUID } from 'node:crypto';
import type { ClickMessage } from '../functions/domain/clicks/click-message.js';
import { createIngestClicks } from '../functions/handlers/ingest-clicks.js';
import type { SqlExecutor } from '../functions/ports/sql-executor.js';
import { createTestDatabase, isPostgresReachable, postgresServerUrl } from '../test/support/database/test-database.js';
import { clickOn, sqsEvent } from '../test/support/messages/clicks.js';
import { seedLinks } from '../test/support/fixtures/seed-links.js';

const RAW_INSERT = `
INSERT INTO bench_raw_clicks (
  click_uuid, partner_link_id, cookie_id, ip_address, user_agent, referrer_url, utm_source, utm_medium,
  utm_campaign, utm_content, utm_term, country_code, device_type, browser, os, clicked_at, visitor_hash,
  vendor_id, partner_id, campaign_version_id
)
SELECT click_id, partner_link_id, cookie_id, ip_address, user_agent, referrer_url, utm_source, utm_medium,
       utm_campaign, utm_content, utm_term, country_code, device_type, browser, os, clicked_at AT TIME ZONE 'UTC',
       visitor_hash, vendor_id, partner_id, campaign_version_id
FROM jsonb_to_recordset(:batch::jsonb) AS b(
  click_id uuid, cookie_id uuid, partner_link_id integer, clicked_at timestamptz, ip_address inet,
  visitor_hash text, user_agent text, referrer_url text, utm_source text, utm_medium text, utm_campaign text,
  utm_content text, utm_term text, country_code text, device_type text, browser text, os text,
  vendor_id integer, partner_id integer, campaign_version_id integer
)`;

function arg(name: string, fallback: string): string {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

/** N clicks on 20 links by N/3 cookies (returning visitors), in time order, as the redirect sends them. */
function makeClicks(links: Awaited<ReturnType<typeof seedLinks>>, count: number): ClickMessage[] {
  const cookies = Array.from({ length: Math.max(1, Math.floor(count / 3)) }, () => randomUUID());
  const start = Date.parse('2024-06-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) =>
    clickOn(links[i % links.length]!, new Date(start + i * 1000).toISOString(), { cookie_id: cookies[(i * 7919) % cookies.length]! }),
  );
}

async function measure(sql: SqlExecutor, clicks: ClickMessage[], batchSize: number) {
  const ingest = createIngestClicks({ sql });
  const consumerStart = performance.now();
  for (let i = 0; i < clicks.length; i += batchSize) {
    const result = await ingest(sqsEvent(clicks.slice(i, i + batchSize)));
    if (result.batchItemFailures.length > 0) throw new Error('unexpected failures');
  }
  const consumerSeconds = (performance.now() - consumerStart) / 1000;

  await sql.query(`CREATE TABLE bench_raw_clicks (LIKE clicks INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const rawStart = performance.now();
  for (let i = 0; i < clicks.length; i += batchSize) {
    await sql.query(RAW_INSERT, { batch: JSON.stringify(clicks.slice(i, i + batchSize)) });
  }
  const rawSeconds = (performance.now() - rawStart) / 1000;

  // The same insert with clicks' foreign keys (the cookies already exist, as the consumer made them).
  await sql.query(`CREATE TABLE bench_fk_clicks (LIKE clicks INCLUDING DEFAULTS INCLUDING INDEXES)`);
  await sql.query(`ALTER TABLE bench_fk_clicks
    ADD FOREIGN KEY (partner_link_id) REFERENCES partner_links (partner_link_id),
    ADD FOREIGN KEY (cookie_id) REFERENCES cookies (cookie_id),
    ADD FOREIGN KEY (vendor_id) REFERENCES vendors (vendor_id),
    ADD FOREIGN KEY (partner_id) REFERENCES partners (partner_id),
    ADD FOREIGN KEY (campaign_version_id) REFERENCES campaign_versions (campaign_version_id)`);
  const fkStart = performance.now();
  for (let i = 0; i < clicks.length; i += batchSize) {
    await sql.query(RAW_INSERT.replace('bench_raw_clicks', 'bench_fk_clicks'), { batch: JSON.stringify(clicks.slice(i, i + batchSize)) });
  }
  const fkSeconds = (performance.now() - fkStart) / 1000;
  const check = await sql.query<{ n: number; m: number }>(
    `SELECT (SELECT count(*)::integer FROM clicks) AS n, (SELECT count(*)::integer FROM bench_raw_clicks) AS m`,
  );
  if (check.rows[0]!.n !== clicks.length || check.rows[0]!.m !== clicks.length) throw new Error(`row count mismatch ${JSON.stringify(check.rows[0])}`);
  return { consumer: clicks.length / consumerSeconds, raw: clicks.length / rawSeconds, withForeignKeys: clicks.length / fkSeconds };
}

const count = Number(arg('clicks', '5000'));
const engines = arg('engines', 'pglite,postgres').split(',');
for (const engine of engines) {
  if (engine === 'postgres' && !(await isPostgresReachable(postgresServerUrl))) {
    console.log(`postgres: skipped (nothing answers at ${postgresServerUrl})`);
    continue;
  }
  const db = await createTestDatabase({ engine: engine as 'pglite' | 'postgres', serverUrl: postgresServerUrl });
  try {
    const links = [...(await seedLinks(db.sql, { partners: 10, linksPerPartner: 2 }))];
    const clicks = makeClicks(links, count);
    const result = await measure(db.sql, clicks, 100);
    console.log(
      `${engine.padEnd(9)} consumer ${result.consumer.toFixed(0).padStart(6)} clicks/s · raw batched INSERT ${result.raw.toFixed(0).padStart(6)} clicks/s · ratio ${(result.consumer / result.raw).toFixed(2)} · raw with clicks' foreign keys ${result.withForeignKeys.toFixed(0).padStart(6)} clicks/s (${(result.withForeignKeys / result.raw).toFixed(2)} of raw) (${count} clicks, batches of 100)`,
    );
  } finally {
    await db.close();
  }
}
