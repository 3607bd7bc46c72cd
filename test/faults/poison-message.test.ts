/**
 * Poison messages: good clicks and conversions sent straight to the real queues of the local
 * platform, with poison ones mixed into the same batches (not JSON, wrong schema, wrong types,
 * unknown keys, unknown link, a 200 KB body, an unknown vendor). Each poison message is received
 * exactly maxReceiveCount times, then lands in its dead-letter queue with the poller's
 * `dead_letter_reason` and its original message id, under which the consumer logged the real
 * reason. The rest of every batch is written exactly once, in the same batches (rows asserted),
 * and nothing is retried forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickMessage } from '../../functions/domain/clicks/click-message.js';
import type { ConversionMessage } from '../../functions/ports/conversion-message.js';
import type { LinkItem } from '../../functions/ports/link-store.js';
import { deadLetterMessageIdAttribute, deadLetterReasonAttribute, type QueuePollerCounters } from '../../lib/local/queue-poller.js';
import { queues } from '../../lib/resources.js';
import { expectBalanced } from '../support/books/reconcile.js';
import { seedProgram, type SeededProgram } from '../support/fixtures/seed.js';
import { clickOn } from '../support/messages/clicks.js';
import { sale } from '../support/messages/conversions.js';
import { sendAll } from '../support/messages/queue-tools.js';
import { peekQueue, printFigures, startFaultPlatform, type FaultPlatform } from '../support/platform/fault-platform.js';

/** Good clicks and good sales per run; `FAULTS_POISON_GOOD=500` for a larger run. */
const GOOD = Number(process.env.FAULTS_POISON_GOOD ?? 40);
const HUGE = 'x'.repeat(200_000);

let fp: FaultPlatform;
let program: SeededProgram;
let links: LinkItem[];
const figures: Record<string, number | string> = {};
const suiteStarted = performance.now();

/** Inserts `poison` between the good bodies, one every `every`, so they share batches. */
function interleave(good: string[], poison: string[], every: number): string[] {
  const out: string[] = [];
  let p = 0;
  good.forEach((body, index) => {
    if (index % every === 0 && p < poison.length) out.push(poison[p++]!);
    out.push(body);
  });
  while (p < poison.length) out.push(poison[p++]!);
  return out;
}

interface PoisonCase {
  name: string;
  body: string;
  /** What the consumer logs as the reason, next to the message id. */
  reason: string;
}

/**
 * Dead letters of `queue` after the run, checked against the poison cases: each carries the
 * poller's reason and its original message id, under which the consumer logged the real reason
 * once per receive, and the poller its move after maxReceiveCount receives.
 */
async function expectDeadLettered(queue: 'clicks' | 'conversions', cases: PoisonCase[], ids: Map<string, string>) {
  const { platform, log } = fp;
  const dead = await peekQueue(platform.deps.sqs, platform.queues[queue].deadLetterUrl);
  expect(dead.map((message) => message.Body).sort()).toEqual(cases.map((c) => c.body).sort());
  const maxReceives = queues[queue].maxReceiveCount;
  for (const message of dead) {
    const c = cases.find((candidate) => candidate.body === message.Body)!;
    // Reported alone among good messages, or with only other poison ones: then the whole
    // invocation failed (every record did), as Lambda sees it too.
    expect(message.MessageAttributes?.[deadLetterReasonAttribute]?.StringValue, c.name).toMatch(
      /^(reported in batchItemFailures|FullBatchFailureError: All records failed processing)/,
    );
    const id = message.MessageAttributes?.[deadLetterMessageIdAttribute]?.StringValue;
    expect(id, `${c.name}: original message id`).toBe(ids.get(c.body));
    const reasons = log.find(`"message_id":"${id}"`).filter((line) => line.includes(c.reason));
    expect(reasons, `${c.name}: consumer log`).toHaveLength(maxReceives);
    expect(log.find(`message ${id} moved to its dead-letter queue after ${maxReceives} receives`), `${c.name}: poller log`).toHaveLength(1);
  }
  return dead.length;
}

interface Run {
  cases: PoisonCase[];
  ids: Map<string, string>;
  before: QueuePollerCounters;
}

/** Clicks the good conversions carry, ingested before the mixed batches. */
let supportClicks: ClickMessage[] = [];
let goodClicks: ClickMessage[] = [];
let goodConversions: ConversionMessage[] = [];
let unattributed: ConversionMessage[] = [];
let clickRun: Run;
let conversionRun: Run;

function clickCases(now: number): PoisonCase[] {
  const valid = goodClicks[0]!;
  const fresh = () => ({ click_id: crypto.randomUUID() });
  return [
    { name: 'not JSON', body: '{"v":1,"click_id":', reason: 'body is not JSON' },
    { name: 'JSON null', body: 'null', reason: 'invalid click message: (root)' },
    { name: 'an array', body: '[1,2,3]', reason: 'invalid click message: (root)' },
    { name: 'unknown version', body: JSON.stringify({ ...valid, ...fresh(), v: 2 }), reason: 'invalid click message: v:' },
    { name: 'wrong type', body: JSON.stringify({ ...valid, ...fresh(), partner_link_id: String(valid.partner_link_id) }), reason: 'partner_link_id' },
    { name: 'not a uuid', body: JSON.stringify({ ...valid, click_id: 'not-a-uuid' }), reason: 'click_id' },
    { name: 'unknown key', body: JSON.stringify({ ...valid, ...fresh(), commission: '1000.00' }), reason: 'invalid click message' },
    { name: 'unknown link', body: JSON.stringify(clickOn({ ...links[0]!, partner_link_id: 99_999_999 }, new Date(now))), reason: 'partner link unknown to Aurora' },
    { name: '200 KB referrer', body: JSON.stringify({ ...valid, ...fresh(), referrer_url: HUGE }), reason: 'referrer_url' },
  ];
}

function conversionCases(): PoisonCase[] {
  const valid = goodConversions[0]!;
  const fresh = () => ({ receipt_id: crypto.randomUUID(), transaction_id: `tx-${crypto.randomUUID()}` });
  return [
    { name: 'not JSON', body: '{"kind":"conversion",', reason: 'body is not JSON' },
    { name: 'unknown kind', body: JSON.stringify({ ...valid, ...fresh(), kind: 'chargeback' }), reason: 'invalid conversion message' },
    { name: 'amount as a number', body: JSON.stringify({ ...valid, ...fresh(), event_value: 100 }), reason: 'event_value' },
    // Three decimals fit the queue (KWD has them); a USD amount with three is kept as unattributed, not poison.
    { name: 'four decimals', body: JSON.stringify({ ...valid, ...fresh(), event_value: '1.2345' }), reason: 'event_value' },
    { name: 'unknown key', body: JSON.stringify({ ...valid, ...fresh(), commission_amount: '999.00' }), reason: 'invalid conversion message' },
    {
      name: 'refund without event id',
      body: JSON.stringify({ kind: 'refund', vendor_id: program.vendorId, source: 'api', transaction_id: valid.transaction_id, reason: 'refund', occurred_at: valid.occurred_at }),
      reason: 'provider_event_id',
    },
    { name: '200 KB customer id', body: JSON.stringify({ ...valid, ...fresh(), customer_id: HUGE }), reason: 'customer_id' },
    // Valid, but the database refuses it (no such vendor): failed, retried, dead-lettered like any poison.
    { name: 'unknown vendor', body: JSON.stringify({ ...valid, ...fresh(), vendor_id: 99_999_999 }), reason: 'violates foreign key constraint' },
  ];
}

/** Sends the mixed batches of one queue; a good message is also delivered twice (redelivery). */
async function sendMixed(queue: 'clicks' | 'conversions', good: string[], cases: PoisonCase[]): Promise<Run> {
  const { platform } = fp;
  const bodies = interleave([...good, good[1]!], cases.map((c) => c.body), Math.max(1, Math.floor(good.length / cases.length)));
  const before = { ...platform.pollers[queue].counters };
  const sentIds = await sendAll(platform.deps.sqs, platform.queues[queue].url, bodies);
  return { cases, before, ids: new Map(bodies.map((body, index) => [body, sentIds[index]!])) };
}

beforeAll(async () => {
  fp = await startFaultPlatform('poison');
  const { platform } = fp;
  program = await seedProgram(platform.deps.sql, { partners: 2 });
  links = program.partners.map((partner) => partner.links[0]!);
  const now = Date.now();
  supportClicks = Array.from({ length: GOOD }, (_, i) => clickOn(links[i % links.length]!, new Date(now - 3_600_000 + i)));
  await sendAll(platform.deps.sqs, platform.queues.clicks.url, supportClicks.map((click) => JSON.stringify(click)));
  await platform.drain(60_000);

  goodClicks = Array.from({ length: GOOD }, (_, i) => clickOn(links[i % links.length]!, new Date(now - 60_000 + i)));
  goodConversions = supportClicks.map((click) => sale(program.vendorId, { click_id: click.click_id, currency: 'USD', occurred_at: new Date().toISOString() }));
  // Not poison: each stored once as unattributed (a click nobody knows; a campaign that is not the vendor's).
  unattributed = [
    sale(program.vendorId, { click_id: crypto.randomUUID(), currency: 'USD', occurred_at: new Date().toISOString() }),
    sale(program.vendorId, { click_id: supportClicks[0]!.click_id, currency: 'USD', occurred_at: new Date().toISOString(), campaign_id: 99_999_999 }),
  ];
  // Both queues at once: the two consumers work side by side, as on AWS.
  const started = performance.now();
  [clickRun, conversionRun] = await Promise.all([
    sendMixed('clicks', goodClicks.map((click) => JSON.stringify(click)), clickCases(now)),
    sendMixed('conversions', [...goodConversions, ...unattributed].map((message) => JSON.stringify(message)), conversionCases()),
  ]);
  await platform.drain(120_000);
  figures.mixed_run_ms = Math.round(performance.now() - started);
}, 240_000);

afterAll(async () => {
  await fp?.stop();
  figures.wall_ms = Math.round(performance.now() - suiteStarted);
  printFigures('poison-message', figures);
});

describe('poison messages on the clicks queue', () => {
  it('land in the DLQ with their reason; the rest of their batches is ingested exactly once', async () => {
    const { platform, log } = fp;
    const sql = platform.deps.sql;
    figures.clicks_dead = await expectDeadLettered('clicks', clickRun.cases, clickRun.ids);

    // Good and poison shared batches, and the good ones of those batches committed.
    const mixed = log
      .find('"message":"clicks_ingested"')
      .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { messages: number; inserted: number; failed: number })
      .filter((batch) => batch.inserted > 0 && batch.failed > 0);
    expect(mixed.length).toBeGreaterThan(0);

    const all = [...supportClicks, ...goodClicks];
    const rows = await sql.query<{ id: string }>(`SELECT click_uuid::text AS id FROM clicks ORDER BY click_uuid`);
    expect(rows.rows.map((row) => row.id)).toEqual(all.map((click) => click.click_id).sort());
    const totals = await sql.query<{ campaign_partner_id: number; total_clicks: number }>(
      `SELECT campaign_partner_id, total_clicks FROM campaign_partners WHERE campaign_version_id = :cv::integer ORDER BY campaign_partner_id`,
      { cv: program.campaignVersionId },
    );
    expect(totals.rows).toEqual(
      links
        .map((link) => ({ campaign_partner_id: link.campaign_partner_id, total_clicks: all.filter((click) => click.partner_link_id === link.partner_link_id).length }))
        .sort((a, b) => a.campaign_partner_id - b.campaign_partner_id),
    );

    // Nothing retried forever: every good message delivered once, every poison one exactly maxReceiveCount times.
    const after = platform.pollers.clicks.counters;
    const { before, cases } = clickRun;
    expect(after.received - before.received).toBe(GOOD + 1 + cases.length * queues.clicks.maxReceiveCount);
    expect(after.succeeded - before.succeeded).toBe(GOOD + 1);
    expect(after.deadLettered - before.deadLettered).toBe(cases.length);
    figures.clicks_good = GOOD;
    figures.clicks_receives = after.received - before.received;
  });
});

describe('poison messages on the conversions queue', () => {
  it('land in the DLQ with their reason; the good conversions of their batches are attributed exactly once', async () => {
    const { platform } = fp;
    const sql = platform.deps.sql;
    figures.conversions_dead = await expectDeadLettered('conversions', conversionRun.cases, conversionRun.ids);

    const rows = await sql.query<{ transaction_id: string; n: number; commission: string; partner_id: number; touches: string }>(
      `SELECT ce.transaction_id, COUNT(*)::integer AS n, MIN(ce.commission_amount)::text AS commission, MIN(ce.partner_id) AS partner_id,
              (SELECT SUM(t.touch_value)::text FROM touches t WHERE t.conversion_event_id = MIN(ce.conversion_event_id)) AS touches
       FROM conversion_events ce WHERE ce.vendor_id = :v::integer GROUP BY ce.transaction_id ORDER BY ce.transaction_id`,
      { v: program.vendorId },
    );
    expect(rows.rows).toEqual(
      goodConversions
        .map((message, i) => ({ transaction_id: message.transaction_id, n: 1, commission: '10.000', partner_id: links[i % links.length]!.partner_id, touches: '10.000' }))
        .sort((a, b) => a.transaction_id.localeCompare(b.transaction_id)),
    );
    const stored = await sql.query<{ transaction_id: string }>(
      `SELECT transaction_id FROM unattributed_conversions WHERE vendor_id = :v::integer ORDER BY transaction_id`,
      { v: program.vendorId },
    );
    expect(stored.rows.map((row) => row.transaction_id)).toEqual(unattributed.map((message) => message.transaction_id).sort());

    const after = platform.pollers.conversions.counters;
    const { before, cases } = conversionRun;
    const goodCount = goodConversions.length + unattributed.length;
    expect(after.received - before.received).toBe(goodCount + 1 + cases.length * queues.conversions.maxReceiveCount);
    expect(after.succeeded - before.succeeded).toBe(goodCount + 1);
    expect(after.deadLettered - before.deadLettered).toBe(cases.length);
    // The vendor notices the good conversions caused were handled, never dead-lettered.
    expect(await peekQueue(platform.deps.sqs, platform.queues.notifications.deadLetterUrl)).toEqual([]);
    await expectBalanced(sql);
    figures.conversions_good = goodConversions.length;
    figures.conversions_receives = after.received - before.received;
  });
});
