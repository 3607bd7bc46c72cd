/**
 * A conversion that arrives before its click reached Aurora (the clicks queue not yet consumed):
 * the attribute consumer reads the journey from the DynamoDB hot store, writes the missing click
 * rows itself (idempotently, with the cookie, the journey and the click totals) and attributes
 * correctly. When the clicks queue is consumed afterwards, nothing is written twice.
 */
import { describe, expect, it } from 'vitest';
import { createIngestClicks } from '../../functions/handlers/ingest-clicks.js';
import { seedProgram } from '../support/fixtures/seed.js';
import { sqsEvent } from '../support/messages/clicks.js';
import { conversionOf, useHarness } from '../support/platform/attribute-conversions-harness.js';
import { sale } from '../support/messages/conversions.js';

describe('a conversion before its click reached Aurora', () => {
  const h = useHarness();

  it('is attributed from the hot store, and the click rows get written once', async () => {
    const program = await seedProgram(h.sql, { version: { attributionModel: 'linear' } });
    const [a, b] = program.partners;
    const cookie = crypto.randomUUID();
    // Only the redirect has run: the clicks are in DynamoDB, not in Aurora.
    const first = await h.hotClick(a!.links[0]!, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
    const second = await h.hotClick(b!.links[0]!, '2024-03-16T10:00:00.000Z', { cookie_id: cookie });
    const inAurora = () =>
      h.sql.query<{ click_uuid: string; partner_id: number }>(
        `SELECT click_uuid::text AS click_uuid, partner_id FROM clicks WHERE cookie_id = :c::uuid ORDER BY clicked_at`,
        { c: cookie },
      );
    expect((await inAurora()).rows).toEqual([]);

    const message = sale(program.vendorId, { click_id: second.click_id, event_value: '80.00' });
    expect((await h.run([message])).batchItemFailures).toEqual([]);

    const clicks = (await inAurora()).rows;
    expect(clicks).toEqual([
      { click_uuid: first.click_id, partner_id: a!.partnerId },
      { click_uuid: second.click_id, partner_id: b!.partnerId },
    ]);
    const conversion = (await conversionOf(h.sql, program.vendorId, message.transaction_id))!;
    expect(conversion).toMatchObject({ attribution_type: 'linear', attribution_confidence: 'high', commission_amount: '8.00', cookie_id: cookie });
    expect(conversion.touches.map((t) => [t.partner_id, t.touch_value])).toEqual([
      [a!.partnerId, '4.00'],
      [b!.partnerId, '4.00'],
    ]);
    expect(conversion.touches.every((t) => t.click_id !== null)).toBe(true);
    const journey = await h.sql.query(
      `SELECT funnel_journey_id, total_events, is_converted FROM funnel_journeys WHERE cookie_id = :c::uuid`,
      { c: cookie },
    );
    expect(journey.rows).toEqual([{ funnel_journey_id: conversion.funnel_journey_id, total_events: 3, is_converted: true }]);

    // The clicks queue is consumed late: the clicks are already there, nothing changes.
    const ingest = createIngestClicks({ sql: h.sql });
    expect((await ingest(sqsEvent([first, second]))).batchItemFailures).toEqual([]);
    expect((await inAurora()).rows).toHaveLength(2);
    const totals = await h.sql.query(
      `SELECT total_clicks, total_conversions FROM campaign_partners WHERE campaign_version_id = :v::integer ORDER BY partner_id`,
      { v: program.campaignVersionId },
    );
    expect(totals.rows).toEqual([
      { total_clicks: 1, total_conversions: 1 },
      { total_clicks: 1, total_conversions: 1 },
    ]);
  });

  it('an expired hot-store click is not used, and the conversion is kept as unattributed', async () => {
    const program = await seedProgram(h.sql, { partners: 1 });
    const click = await h.hotClick(program.partners[0]!.links[0]!, '2024-01-02T10:00:00.000Z');
    const message = sale(program.vendorId, { click_id: click.click_id });
    expect((await h.run([message])).batchItemFailures).toEqual([]);
    const stored = await h.sql.query(`SELECT reason FROM unattributed_conversions WHERE transaction_id = :tx`, { tx: message.transaction_id });
    expect(stored.rows).toEqual([{ reason: 'click_not_found' }]);
  });
});
