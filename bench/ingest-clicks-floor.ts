/**
 * The floor of click ingestion (issue 16: the consumer at 0.5x a raw batched INSERT): what the
 * consumer costs once integrity guarantees are taken away one by one, each as a ratio to the raw
 * insert of the same batch, so the issue can say what 0.5x would cost.
 *
 * Each variant gets a throwaway database of its own (createTestDatabase: same migrations, same
 * seed, so the same link ids), with foreign keys dropped there, never in a migration:
 *
 * - consumer: the real handler (JSON + zod, the one statement) on the real schema;
 * - statement: the repository's statement alone on the real schema (no JSON, no zod);
 * - (i) the consumer where `clicks` has no foreign keys;
 * - (ii) the consumer with no foreign keys on `clicks`, `cookies` or `funnel_journeys`;
 * - (iii) (ii) without JSON parsing and zod validation (the repository's statement alone);
 * - (iv) (iii) without cookies, journeys and enrollment totals: only the consumer's idempotent
 *   click insert (owners from the link rows, ON CONFLICT DO NOTHING RETURNING), no foreign keys;
 * - raw: the same batch inserted into a copy of `clicks` with its indexes and nothing else (the
 *   `consumer` database);
 * - validation: the handler over an executor that answers without a database (JSON, zod, the
 *   handler's own work).
 *
 * Every round runs each variant on a fresh batch of 100 clicks (`--batch`) by a third as many cookies, interleaved, so the
 * machine's load falls on all alike; the figure is the median per batch. Then the server's side of
 * the real statement: `EXPLAIN (ANALYZE)` of it on 5 more batches (median): planning, execution,
 * the foreign-key triggers per table, and each write's time (inclusive of what it reads).
 *
 *   npx tsx bench/ingest-clicks-floor.ts [pglite|postgres] [--rounds=30] [--batch=100]
 */
import { randomUUID } from 'node:crypto';
import { createIngestClicks } from '../functions/handlers/ingest-clicks.js';
import type { LinkItem } from '../functions/ports/link-store.js';
import type { SqlExecutor } from '../functions/ports/sql-executor.js';
import { ingestClickBatch } from '../functions/repositories/clicks/click-ingestion.js';
import { createTestDatabase, postgresServerUrl, type TestDatabase } from '../test/support/database/test-database.js';
import { seedLinks } from '../test/support/fixtures/seed-links.js';
import { clickOn, sqsEvent } from '../test/support/messages/clicks.js';

const RAW = `INSERT INTO raw_clicks (click_uuid, partner_link_id, cookie_id, ip_address, user_agent, clicked_at, vendor_id, partner_id, campaign_version_id)
SELECT click_id, partner_link_id, cookie_id, ip_address, user_agent, clicked_at AT TIME ZONE 'UTC', vendor_id, partner_id, campaign_version_id
FROM jsonb_to_recordset(:batch::jsonb) AS b(click_id uuid, cookie_id uuid, partner_link_id integer, clicked_at timestamptz,
  ip_address inet, user_agent text, vendor_id integer, partner_id integer, campaign_version_id integer)`;

// The consumer's click insert without its effects, for variant (iv).
const CLICKS_ONLY = `INSERT INTO clicks (click_uuid, partner_link_id, cookie_id, ip_address, user_agent, clicked_at, visitor_hash, vendor_id, partner_id, campaign_version_id)
SELECT b.click_id, b.partner_link_id, b.cookie_id, b.ip_address, b.user_agent, b.clicked_at AT TIME ZONE 'UTC', b.visitor_hash, c.vendor_id, cp.partner_id, cp.campaign_version_id
FROM jsonb_to_recordset(:batch::jsonb) AS b(click_id uuid, cookie_id uuid, partner_link_id integer, clicked_at timestamptz,
  ip_address inet, visitor_hash text, user_agent text)
JOIN partner_links pl ON pl.partner_link_id = b.partner_link_id
JOIN campaign_partners cp ON cp.campaign_partner_id = pl.campaign_partner_id
JOIN campaign_versions cv ON cv.campaign_version_id = cp.campaign_version_id
JOIN campaigns c ON c.campaign_id = cv.campaign_id
ORDER BY b.click_id
ON CONFLICT (click_uuid) DO NOTHING
RETURNING click_uuid`;

const KINDS = [
  'raw',
  'consumer',
  'statement',
  'clicksWithoutForeignKeys',
  'withoutForeignKeys',
  'withoutForeignKeysOrValidation',
  'clicksOnly',
  'validation',
] as const;
type Kind = (typeof KINDS)[number];

const LABELS: Record<Kind, string> = {
  raw: 'raw batched INSERT (copy of clicks, indexes only)',
  consumer: 'consumer (handler), real schema',
  statement: 'statement alone (no JSON/zod), real schema',
  clicksWithoutForeignKeys: '(i) consumer, clicks without foreign keys',
  withoutForeignKeys: '(ii) consumer, no foreign keys on clicks/cookies/journeys',
  withoutForeignKeysOrValidation: '(iii) = (ii) without JSON/zod',
  clicksOnly: '(iv) = (iii) without cookies, journeys, totals',
  validation: 'validation and handler only (no database)',
};

interface ExplainNode {
  'Node Type': string;
  Operation?: string;
  'Relation Name'?: string;
  'Actual Total Time': number;
  Plans?: ExplainNode[];
}
interface ExplainOutput {
  Plan: ExplainNode;
  'Planning Time': number;
  'Execution Time': number;
  Triggers?: { 'Trigger Name': string; Relation: string; Time: number; Calls: number }[];
}

function arg(name: string, fallback: string): string {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found ? found.slice(name.length + 3) : fallback;
}

async function dropForeignKeys(sql: SqlExecutor, tables: readonly string[]): Promise<string[]> {
  const found = await sql.query<{ table_name: string; name: string }>(
    `SELECT conrelid::regclass::text AS table_name, conname AS name FROM pg_constraint
     WHERE contype = 'f' AND conrelid::regclass::text = ANY(:tables::text[]) ORDER BY 1, 2`,
    { tables: [...tables] },
  );
  for (const { table_name, name } of found.rows) await sql.query(`ALTER TABLE ${table_name} DROP CONSTRAINT "${name}"`);
  return found.rows.map((row) => `${row.table_name}.${row.name}`);
}

const engine = (process.argv.find((value) => value === 'pglite' || value === 'postgres') ?? 'postgres') as 'pglite' | 'postgres';
const rounds = Number(arg('rounds', '30'));
const batchSize = Number(arg('batch', '100'));
const cookiesPerBatch = Math.max(1, Math.floor(batchSize / 3));
const opened: TestDatabase[] = [];
async function open(): Promise<{ db: TestDatabase; links: LinkItem[] }> {
  const db = await createTestDatabase({ engine, serverUrl: postgresServerUrl });
  opened.push(db);
  return { db, links: [...(await seedLinks(db.sql, { partners: 10, linksPerPartner: 2 }))] };
}

try {
  const real = await open();
  const clicksOnly = await open();
  const none = await open();
  const noneUnvalidated = await open();
  const bare = await open();
  for (const other of [clicksOnly, none, noneUnvalidated, bare]) {
    const ids = (links: LinkItem[]) => JSON.stringify(links.map((l) => [l.partner_link_id, l.partner_id, l.campaign_version_id]));
    if (ids(other.links) !== ids(real.links)) throw new Error('the seeded links differ between the databases');
  }
  const links = real.links;
  await real.db.sql.query(`CREATE TABLE raw_clicks (LIKE clicks INCLUDING DEFAULTS INCLUDING INDEXES)`);
  const droppedFromClicks = await dropForeignKeys(clicksOnly.db.sql, ['clicks']);
  const droppedAll = await dropForeignKeys(none.db.sql, ['clicks', 'cookies', 'funnel_journeys']);
  await dropForeignKeys(noneUnvalidated.db.sql, ['clicks', 'cookies', 'funnel_journeys']);
  await dropForeignKeys(bare.db.sql, ['clicks']);

  const ingestReal = createIngestClicks({ sql: real.db.sql });
  const ingestClicksOnly = createIngestClicks({ sql: clicksOnly.db.sql });
  const ingestNone = createIngestClicks({ sql: none.db.sql });
  // Answers as the statement would when every click is new: the handler's own work, no database.
  const noDatabase: SqlExecutor = {
    async query(_text, params) {
      const batch = JSON.parse(String(params?.batch)) as { click_id: string }[];
      return { rows: batch.map((row) => ({ click_id: row.click_id, outcome: 'inserted' })), rowCount: batch.length } as never;
    },
    transaction: (work) => work(noDatabase),
  };
  const ingestNoDatabase = createIngestClicks({ sql: noDatabase });

  let offset = 0;
  const batch = () => {
    offset += 10_000_000;
    const cookies = Array.from({ length: cookiesPerBatch }, () => randomUUID());
    const start = Date.parse('2024-06-01T00:00:00.000Z') + offset;
    return Array.from({ length: batchSize }, (_, i) =>
      clickOn(links[i % links.length]!, new Date(start + i * 1000).toISOString(), { cookie_id: cookies[(i * 7919) % cookies.length]! }),
    );
  };
  const times = Object.fromEntries(KINDS.map((kind) => [kind, [] as number[]])) as Record<Kind, number[]>;
  for (let round = 0; round < rounds; round += 1) {
    for (const kind of KINDS) {
      const clicks = batch();
      const event = sqsEvent(clicks);
      const start = performance.now();
      let failures = 0;
      if (kind === 'raw') await real.db.sql.query(RAW, { batch: JSON.stringify(clicks) });
      else if (kind === 'consumer') failures = (await ingestReal(event)).batchItemFailures.length;
      else if (kind === 'statement') await ingestClickBatch({ sql: real.db.sql, clicks });
      else if (kind === 'clicksWithoutForeignKeys') failures = (await ingestClicksOnly(event)).batchItemFailures.length;
      else if (kind === 'withoutForeignKeys') failures = (await ingestNone(event)).batchItemFailures.length;
      else if (kind === 'withoutForeignKeysOrValidation') await ingestClickBatch({ sql: noneUnvalidated.db.sql, clicks });
      else if (kind === 'clicksOnly') failures = batchSize - (await bare.db.sql.query(CLICKS_ONLY, { batch: JSON.stringify(clicks) })).rowCount;
      else failures = (await ingestNoDatabase(event)).batchItemFailures.length;
      times[kind].push(performance.now() - start);
      if (failures > 0) throw new Error(`${kind}: ${failures} messages failed`);
    }
  }

  // Every variant wrote every effect: the same clicks, cookies, journeys and totals per database.
  for (const [name, { db }] of Object.entries({ real, clicksOnly, none, noneUnvalidated })) {
    const stored = await db.sql.query<{ clicks: number; cookies: number; events: number; totals: number }>(
      `SELECT (SELECT count(*)::integer FROM clicks) AS clicks, (SELECT count(*)::integer FROM cookies) AS cookies,
              (SELECT COALESCE(sum(total_events), 0)::integer FROM funnel_journeys) AS events,
              (SELECT COALESCE(sum(total_clicks), 0)::integer FROM campaign_partners) AS totals`,
    );
    const perVariant = name === 'real' ? 2 : 1;
    const clicksWritten = rounds * batchSize * perVariant;
    const expected = { clicks: clicksWritten, cookies: rounds * cookiesPerBatch * perVariant, events: clicksWritten, totals: clicksWritten };
    if (JSON.stringify(stored.rows[0]) !== JSON.stringify(expected)) throw new Error(`${name}: ${JSON.stringify(stored.rows[0])}, expected ${JSON.stringify(expected)}`);
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const raw = median(times.raw);

  // The server's side: the real statement, as the repository sends it, under EXPLAIN ANALYZE.
  const explained: Record<string, number[]> = {};
  const record = (name: string, ms: number) => (explained[name] ??= []).push(ms);
  const explaining: SqlExecutor = {
    async query(text, params) {
      const result = await real.db.sql.query<{ 'QUERY PLAN': ExplainOutput[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
      const [output] = result.rows[0]!['QUERY PLAN'];
      record('planning', output!['Planning Time']);
      record('execution', output!['Execution Time']);
      const triggers = output!.Triggers ?? [];
      for (const table of ['clicks', 'cookies', 'funnel_journeys']) {
        const ofTable = triggers.filter((t) => t.Relation === table && t['Trigger Name'].startsWith('RI_'));
        record(`foreign-key triggers on ${table} (${ofTable.length})`, ofTable.reduce((sum, t) => sum + t.Time, 0));
      }
      const walk = (node: ExplainNode) => {
        if (node['Node Type'] === 'ModifyTable') record(`${node.Operation} ${node['Relation Name']} (inclusive)`, node['Actual Total Time']);
        for (const child of node.Plans ?? []) walk(child);
      };
      walk(output!.Plan);
      return { rows: [], rowCount: 0 };
    },
    transaction: (work) => work(explaining),
  };
  for (let i = 0; i < 5; i += 1) await ingestClickBatch({ sql: explaining, clicks: batch() });

  console.log(`${engine}: median per batch of ${batchSize} clicks (${cookiesPerBatch} cookies) over ${rounds} interleaved rounds; ratio = raw time / variant time (0.5x is the goal)`);
  console.log(`  foreign keys dropped: (i) ${droppedFromClicks.length} (${droppedFromClicks.join(', ')}); (ii) ${droppedAll.length}`);
  for (const kind of KINDS) {
    const value = median(times[kind]);
    console.log(`  ${LABELS[kind].padEnd(60)} ${value.toFixed(2).padStart(7)} ms  ${kind === 'validation' ? '' : `ratio ${(raw / value).toFixed(2)}`}`);
  }
  console.log(`  EXPLAIN ANALYZE of the real statement (median of 5 batches): ${Object.entries(explained).map(([name, values]) => `${name} ${median(values).toFixed(2)} ms`).join(' · ')}`);
} finally {
  for (const db of opened) await db.close();
}
