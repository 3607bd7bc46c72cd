/**
 * Dead-letter redrive after a fix, through the local platform:
 *
 * - a bad release of attribute-conversions (a `functionOverrides` wrapper around the real handler)
 *   fails every sale that names its currency; those messages exhaust maxReceiveCount and land in
 *   conversions-dlq while the sales of the same batches that leave it to the campaign are recorded;
 * - a click arrives for a link whose row is missing from Aurora (restored later by an operator);
 *   it lands in clicks-dlq.
 *
 * After the fix (the release rolled back, the row restored) the operator redrives both DLQs with
 * `redriveDeadLetters` (lib/local/redrive-dead-letters.ts: SQS StartMessageMoveTask, what the
 * console's "Start DLQ redrive" does). Every message is then processed exactly once, the DLQs are
 * empty and the books balance; a second redrive, and a redrive of stray copies of the same
 * messages, change nothing.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createAttributeConversionsHandler } from '../../functions/handlers/attribute-conversions.js';
import type { ConversionMessage } from '../../functions/ports/conversion-message.js';
import type { LinkItem } from '../../functions/ports/link-store.js';
import type { LocalHandler } from '../../lib/local/load-functions.js';
import { deadLetterReasonAttribute } from '../../lib/local/queue-poller.js';
import { redriveDeadLetters } from '../../lib/local/redrive-dead-letters.js';
import { queues } from '../../lib/resources.js';
import { expectBalanced } from '../support/books/reconcile.js';
import { seedProgram, type SeededProgram } from '../support/fixtures/seed.js';
import { clickOn } from '../support/messages/clicks.js';
import { sale } from '../support/messages/conversions.js';
import { sendAll } from '../support/messages/queue-tools.js';
import { peekQueue, printFigures, startFaultPlatform, type FaultPlatform } from '../support/platform/fault-platform.js';

/** Sales per run (a third in EUR); `FAULTS_REDRIVE_SALES=300` for a larger run. */
const SALES = Number(process.env.FAULTS_REDRIVE_SALES ?? 12);

let fp: FaultPlatform;
let program: SeededProgram;
let bugDeployed = true;
const figures: Record<string, number | string> = {};
const suiteStarted = performance.now();

/**
 * The bad release: every sale naming its currency fails (as if the handler threw on it), the rest
 * of the batch goes through the real consumer. Rolling back = `bugDeployed = false`.
 */
function buggyAttributeConversions(deps: Parameters<typeof createAttributeConversionsHandler>[0]): LocalHandler {
  const real = createAttributeConversionsHandler(deps);
  return (async (event: SQSEvent, context?: unknown): Promise<SQSBatchResponse> => {
    if (!bugDeployed) return real(event, context);
    const broken = event.Records.filter((record) => record.body.includes('"currency":"USD"'));
    for (const record of broken) {
      console.error(JSON.stringify({ level: 'error', message: 'conversion_message_failed', message_id: record.messageId, error: 'TypeError: currency handling broken' }));
    }
    const rest = event.Records.filter((record) => !broken.includes(record));
    const result = rest.length > 0 ? await real({ Records: rest }, context) : { batchItemFailures: [] };
    return { batchItemFailures: [...broken.map((record) => ({ itemIdentifier: record.messageId })), ...result.batchItemFailures] };
  }) as LocalHandler;
}

beforeAll(async () => {
  fp = await startFaultPlatform('redrive', { functionOverrides: { attributeConversions: buggyAttributeConversions } });
  program = await seedProgram(fp.platform.deps.sql, { partners: 3 });
}, 120_000);

afterAll(async () => {
  await fp?.stop();
  figures.wall_ms = Math.round(performance.now() - suiteStarted);
  printFigures('dead-letter-redrive', figures);
});

async function books() {
  const sql = fp.platform.deps.sql;
  const conversions = await sql.query<{ transaction_id: string; n: number; commission: string; touches: string }>(
    `SELECT ce.transaction_id, COUNT(*)::integer AS n, SUM(ce.commission_amount)::text AS commission,
            (SELECT SUM(t.touch_value)::text FROM touches t JOIN conversion_events c2 ON c2.conversion_event_id = t.conversion_event_id
             WHERE c2.vendor_id = :v::integer AND c2.transaction_id = ce.transaction_id) AS touches
     FROM conversion_events ce WHERE ce.vendor_id = :v::integer GROUP BY ce.transaction_id ORDER BY ce.transaction_id`,
    { v: program.vendorId },
  );
  const clicks = await sql.query<{ id: string }>(`SELECT click_uuid::text AS id FROM clicks ORDER BY click_uuid`);
  const totals = await sql.query<{ partner_id: number; total_clicks: number; total_conversions: number; total_commission_earned: string }>(
    `SELECT partner_id, total_clicks, total_conversions, total_commission_earned::text FROM campaign_partners
     WHERE campaign_version_id = :cv::integer ORDER BY partner_id`,
    { cv: program.campaignVersionId },
  );
  return { conversions: conversions.rows, clicks: clicks.rows.map((row) => row.id), totals: totals.rows };
}

describe('a DLQ redrive after the fix', () => {
  it('processes every dead letter exactly once; redriving again doubles nothing', async () => {
    const { platform, log } = fp;
    const sqs = platform.deps.sqs;
    const [a, b, c] = program.partners.map((partner) => partner.links[0]!) as [LinkItem, LinkItem, LinkItem];

    // Partner C's link row goes missing from Aurora (kept aside to restore it later).
    const lost = await platform.deps.sql.query<{ partner_link_id: number; campaign_partner_id: number; short_code: string; full_url: string; utm: string; custom: string }>(
      `SELECT partner_link_id, campaign_partner_id, short_code, full_url, utm_params::text AS utm, custom_params::text AS custom FROM partner_links WHERE partner_link_id = :id::integer`, { id: c.partner_link_id });
    await platform.deps.sql.query(`DELETE FROM partner_links WHERE partner_link_id = :id::integer`, { id: c.partner_link_id });

    const clicks = Array.from({ length: SALES }, (_, i) => clickOn(i % 2 === 0 ? a : b, new Date(Date.now() - 600_000 + i)));
    const orphanClicks = [clickOn(c, new Date(Date.now() - 500_000)), clickOn(c, new Date(Date.now() - 400_000))];
    const clicksBefore = { ...platform.pollers.clicks.counters };
    await sendAll(sqs, platform.queues.clicks.url, clicks.map((click) => JSON.stringify(click)));
    await platform.drain(60_000);

    // A third name their currency (the campaign's, USD); the rest leave it to the campaign.
    const sales: ConversionMessage[] = clicks.map((click, i) => {
      const message = sale(program.vendorId, { click_id: click.click_id, occurred_at: new Date().toISOString() });
      return i % 3 === 2 ? { ...message, currency: 'USD' } : message;
    });
    const eur = sales.filter((sale) => sale.currency === 'USD');
    const before = { conversions: { ...platform.pollers.conversions.counters }, clicks: clicksBefore };
    const started = performance.now();
    // The sales and the orphan clicks fail side by side, on their own queues.
    const [sentIds] = await Promise.all([
      sendAll(sqs, platform.queues.conversions.url, sales.map((sale) => JSON.stringify(sale))),
      sendAll(sqs, platform.queues.clicks.url, orphanClicks.map((click) => JSON.stringify(click))),
    ]);
    await platform.drain(120_000);
    figures.dead_lettering_ms = Math.round(performance.now() - started);

    // The broken messages are in the DLQs, each after exactly maxReceiveCount receives; the rest is recorded.
    const deadConversions = await peekQueue(sqs, platform.queues.conversions.deadLetterUrl);
    expect(deadConversions.map((message) => JSON.parse(message.Body!).transaction_id).sort()).toEqual(eur.map((sale) => sale.transaction_id).sort());
    expect(deadConversions.every((message) => message.MessageAttributes?.[deadLetterReasonAttribute]?.StringValue === 'reported in batchItemFailures')).toBe(true);
    for (const sale of eur) {
      const id = sentIds[sales.indexOf(sale)]!;
      expect(log.find(`"message_id":"${id}"`, 'currency handling broken')).toHaveLength(queues.conversions.maxReceiveCount);
      expect(log.find(`message ${id} moved to its dead-letter queue after ${queues.conversions.maxReceiveCount} receives`)).toHaveLength(1);
    }
    const deadClicks = await peekQueue(sqs, platform.queues.clicks.deadLetterUrl);
    expect(deadClicks.map((message) => JSON.parse(message.Body!).click_id).sort()).toEqual(orphanClicks.map((click) => click.click_id).sort());
    expect(platform.pollers.conversions.counters.deadLettered - before.conversions.deadLettered).toBe(eur.length);
    const stuck = await books();
    expect(stuck.conversions.map((row) => row.transaction_id)).toEqual(sales.filter((sale) => sale.currency === undefined).map((sale) => sale.transaction_id).sort());

    // The fix: the release is rolled back and the link row restored.
    bugDeployed = false;
    const row = lost.rows[0]!;
    await platform.deps.sql.query(
      `INSERT INTO partner_links (partner_link_id, campaign_partner_id, short_code, full_url, utm_params, custom_params)
       VALUES (:id::integer, :cp::integer, :code, :url, :utm::jsonb, :custom::jsonb)`,
      { id: row.partner_link_id, cp: row.campaign_partner_id, code: row.short_code, url: row.full_url, utm: row.utm, custom: row.custom },
    );

    const redriveStarted = performance.now();
    const [movedConversions, movedClicks] = await Promise.all([
      redriveDeadLetters({ sqs, queue: platform.queues.conversions }),
      redriveDeadLetters({ sqs, queue: platform.queues.clicks }),
    ]);
    await platform.drain(60_000);
    figures.redrive_ms = Math.round(performance.now() - redriveStarted);
    expect(movedConversions.moved).toBe(eur.length);
    expect(movedClicks.moved).toBe(orphanClicks.length);
    expect(await peekQueue(sqs, platform.queues.conversions.deadLetterUrl)).toEqual([]);
    expect(await peekQueue(sqs, platform.queues.clicks.deadLetterUrl)).toEqual([]);

    const fixed = await books();
    expect(fixed.conversions).toEqual(
      sales.map((sale) => ({ transaction_id: sale.transaction_id, n: 1, commission: '10.000', touches: '10.000' })).sort((x, y) => x.transaction_id.localeCompare(y.transaction_id)),
    );
    expect(fixed.clicks).toEqual([...clicks, ...orphanClicks].map((click) => click.click_id).sort());
    const perPartner = (link: LinkItem, clicked: number, converted: number) => ({
      partner_id: link.partner_id,
      total_clicks: clicked,
      total_conversions: converted,
      total_commission_earned: `${converted * 10}.000`, // NUMERIC(13,3) column text
    });
    const onA = sales.filter((_, i) => i % 2 === 0).length;
    expect(fixed.totals).toEqual(
      [perPartner(a, onA, onA), perPartner(b, SALES - onA, SALES - onA), perPartner(c, orphanClicks.length, 0)].sort((x, y) => x.partner_id - y.partner_id),
    );
    // Each redriven message was received once more and succeeded.
    expect(platform.pollers.conversions.counters.succeeded - before.conversions.succeeded).toBe(SALES);
    expect(platform.pollers.clicks.counters.deadLettered - before.clicks.deadLettered).toBe(orphanClicks.length);
    await expectBalanced(platform.deps.sql);

    // Redriving again: nothing to move, nothing changes.
    expect((await redriveDeadLetters({ sqs, queue: platform.queues.conversions })).moved).toBe(0);
    await platform.drain(30_000);
    expect(await books()).toEqual(fixed);

    // Stray copies of the same dead letters redriven once more (an operator replaying a saved copy): still once.
    await sendAll(sqs, platform.queues.conversions.deadLetterUrl, deadConversions.map((message) => message.Body!));
    await sendAll(sqs, platform.queues.clicks.deadLetterUrl, deadClicks.map((message) => message.Body!));
    const replayed = await Promise.all([redriveDeadLetters({ sqs, queue: platform.queues.conversions }), redriveDeadLetters({ sqs, queue: platform.queues.clicks })]);
    expect(replayed.map((result) => result.moved)).toEqual([eur.length, orphanClicks.length]);
    await platform.drain(60_000);
    expect(await books()).toEqual(fixed);
    expect(await peekQueue(sqs, platform.queues.conversions.deadLetterUrl)).toEqual([]);
    expect(await peekQueue(sqs, platform.queues.notifications.deadLetterUrl)).toEqual([]);
    await expectBalanced(platform.deps.sql);
    figures.sales = SALES;
    figures.dead_lettered = eur.length + orphanClicks.length;
    figures.redriven = movedConversions.moved + movedClicks.moved;
  }, 240_000);
});
