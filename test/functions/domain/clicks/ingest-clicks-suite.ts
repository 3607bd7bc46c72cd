/**
 * The ingest-clicks consumer's behaviour, run against whichever database `open` returns (PGlite
 * and PostgreSQL 15 test files both call it), so the SQL is proven on both engines.
 */
import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { createIngestClicks } from '../../../../functions/handlers/ingest-clicks.js';
import { recordingLogger } from '../../../support/fixtures/recording-telemetry.js';
import type { LinkItem } from '../../../../functions/ports/link-store.js';
import type { SqlExecutor } from '../../../../functions/ports/sql-executor.js';
import { clickOn, sqsEvent } from '../../../support/messages/clicks.js';
import { seedLinks } from '../../../support/fixtures/seed-links.js';

export interface SuiteDatabase {
  sql: SqlExecutor;
  close(): Promise<void>;
}

/** Rows of everything the ingester writes for these cookies and links, ids replaced by stable names. */
export async function snapshot(sql: SqlExecutor, cookieIds: string[], links: LinkItem[]) {
  const clicks = await sql.query(
    `SELECT click_uuid, cookie_id, partner_link_id, partner_id, vendor_id, campaign_version_id, clicked_at,
            host(ip_address) AS ip, country_code, device_type, browser, os, utm_source, utm_medium
     FROM clicks WHERE cookie_id = ANY(:cookies::uuid[]) ORDER BY click_uuid`,
    { cookies: cookieIds },
  );
  const cookies = await sql.query(
    `SELECT k.cookie_id, f.click_uuid AS first_click, l.click_uuid AS last_click, k.first_partner_id, k.last_partner_id,
            k.last_campaign_version_id, k.expires_at, k.last_seen_at
     FROM cookies k LEFT JOIN clicks f ON f.click_id = k.first_click_id LEFT JOIN clicks l ON l.click_id = k.last_click_id
     WHERE k.cookie_id = ANY(:cookies::uuid[]) ORDER BY k.cookie_id`,
    { cookies: cookieIds },
  );
  const journeys = await sql.query(
    `SELECT cookie_id, partner_id, campaign_version_id, journey_started_at, last_event_at, total_events, events_sequence
     FROM funnel_journeys WHERE cookie_id = ANY(:cookies::uuid[]) ORDER BY cookie_id`,
    { cookies: cookieIds },
  );
  const enrollments = await sql.query(
    `SELECT campaign_partner_id, total_clicks, last_click_at FROM campaign_partners
     WHERE campaign_partner_id = ANY(:ids::integer[]) ORDER BY campaign_partner_id`,
    { ids: [...new Set(links.map((link) => link.campaign_partner_id))] },
  );
  return { clicks: clicks.rows, cookies: cookies.rows, journeys: journeys.rows, enrollments: enrollments.rows };
}

export function ingestClicksSuite(engine: string, open: () => Promise<SuiteDatabase>): void {
  describe(`ingest-clicks on ${engine}`, () => {
    let db: SuiteDatabase;
    const log = recordingLogger();

    beforeAll(async () => {
      db = await open();
    });

    afterAll(async () => {
      await db?.close();
    });

    it('writes clicks, cookies, the journey and the enrollment totals, then ignores a redelivery', async () => {
      const links = await seedLinks(db.sql, { partners: 2 });
      const [a, b] = links as [LinkItem, LinkItem];
      const cookie = '11111111-2222-4333-8444-555555555555';
      const first = clickOn(a, '2024-03-15T10:00:00.000Z', { cookie_id: cookie });
      const second = clickOn(b, '2024-03-16T09:30:00.000Z', { cookie_id: cookie, country_code: 'DE', device_type: 'mobile' });
      const other = clickOn(a, '2024-03-15T11:00:00.000Z');
      const ingest = createIngestClicks({ sql: db.sql, logger: log });

      const result = await ingest(sqsEvent([first, second, other]));
      expect(result.batchItemFailures).toEqual([]);
      const state = await snapshot(db.sql, [cookie, other.cookie_id], links);

      expect(state.clicks).toHaveLength(3);
      expect(state.clicks.find((row) => row.click_uuid === second.click_id)).toMatchObject({
        cookie_id: cookie,
        partner_link_id: b.partner_link_id,
        partner_id: b.partner_id,
        vendor_id: b.vendor_id,
        campaign_version_id: b.campaign_version_id,
        clicked_at: '2024-03-16T09:30:00.000Z',
        ip: '203.0.113.0',
        country_code: 'DE',
        device_type: 'mobile',
        browser: 'Chrome 124.0.0.0',
        utm_source: 'partner1',
      });
      expect(state.cookies.find((row) => row.cookie_id === cookie)).toEqual({
        cookie_id: cookie,
        first_click: first.click_id,
        last_click: second.click_id,
        first_partner_id: a.partner_id,
        last_partner_id: b.partner_id,
        last_campaign_version_id: b.campaign_version_id,
        expires_at: '2024-04-15T09:30:00.000Z', // the later click's 30-day window
        last_seen_at: '2024-03-16T09:30:00.000Z',
      });
      const journey = state.journeys.find((row) => row.cookie_id === cookie)!;
      expect(journey).toMatchObject({
        partner_id: a.partner_id,
        campaign_version_id: a.campaign_version_id,
        journey_started_at: '2024-03-15T10:00:00.000Z',
        last_event_at: '2024-03-16T09:30:00.000Z',
        total_events: 2,
      });
      expect(journey.events_sequence).toEqual([
        { type: 'click', click_id: first.click_id, partner_id: a.partner_id, campaign_version_id: a.campaign_version_id, partner_link_id: a.partner_link_id, timestamp: '2024-03-15T10:00:00.000Z' },
        { type: 'click', click_id: second.click_id, partner_id: b.partner_id, campaign_version_id: b.campaign_version_id, partner_link_id: b.partner_link_id, timestamp: '2024-03-16T09:30:00.000Z' },
      ]);
      expect(state.enrollments).toEqual([
        { campaign_partner_id: a.campaign_partner_id, total_clicks: 2, last_click_at: '2024-03-15T11:00:00.000Z' },
        { campaign_partner_id: b.campaign_partner_id, total_clicks: 1, last_click_at: '2024-03-16T09:30:00.000Z' },
      ]);

      // Every message delivered again, alone and mixed: nothing changes.
      expect((await ingest(sqsEvent([second, first, other, first]))).batchItemFailures).toEqual([]);
      expect((await ingest(sqsEvent([other]))).batchItemFailures).toEqual([]);
      expect(await snapshot(db.sql, [cookie, other.cookie_id], links)).toEqual(state);
    });

    it('converges whatever the delivery order (late first clicks move the journey and the cookie)', async () => {
      const links = await seedLinks(db.sql, { partners: 3 });
      const times = ['2024-03-10T08:00:00.000Z', '2024-03-11T08:00:00.000Z', '2024-03-12T08:00:00.000Z'];
      const orders = [
        [[0], [1], [2]],
        [[2], [1], [0]],
        [[1, 2], [0]],
        [[2, 0], [1, 1]],
      ];
      const normalised: unknown[] = [];
      for (const order of orders) {
        const cookie = crypto.randomUUID();
        const clicks = times.map((time, index) => clickOn(links[index]!, time, { cookie_id: cookie }));
        const ingest = createIngestClicks({ sql: db.sql, logger: log });
        for (const batch of order) {
          expect((await ingest(sqsEvent(batch.map((index) => clicks[index]!)))).batchItemFailures).toEqual([]);
        }
        const state = await snapshot(db.sql, [cookie], links);
        const names = new Map(clicks.map((click, index) => [click.click_id, `click${index}`]));
        const rename = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v) => names.get(v) ?? (v === cookie ? 'cookie' : v)));
        normalised.push(rename({ cookies: state.cookies, journeys: state.journeys }));
      }
      expect(normalised[0]).toMatchObject({
        cookies: [{ first_click: 'click0', last_click: 'click2', first_partner_id: links[0]!.partner_id, last_partner_id: links[2]!.partner_id }],
        journeys: [{ partner_id: links[0]!.partner_id, total_events: 3, journey_started_at: times[0], last_event_at: times[2] }],
      });
      for (const other of normalised.slice(1)) expect(other).toEqual(normalised[0]);
      const totals = await snapshot(db.sql, [], links);
      expect(totals.enrollments.map((row) => row.total_clicks)).toEqual([4, 4, 4]);
    });

    it('reports poison messages and clicks on unknown links, and commits the rest', async () => {
      const links = await seedLinks(db.sql, { partners: 1 });
      const good = clickOn(links[0]!, '2024-03-20T12:00:00.000Z');
      const unknownLink = clickOn(links[0]!, '2024-03-20T12:00:01.000Z', { partner_link_id: 987654321 });
      const { v: _v, ...withoutVersion } = clickOn(links[0]!, '2024-03-20T12:00:02.000Z');
      const bodies = [
        'not json{',
        JSON.stringify({ ...good, click_id: 'nope' }),
        JSON.stringify(withoutVersion),
        JSON.stringify({ ...good, click_id: crypto.randomUUID(), v: 2 }),
        JSON.stringify({ ...good, click_id: crypto.randomUUID(), ip_address: '203.0.113.0', extra: true }),
        good,
        unknownLink,
      ];
      const event = sqsEvent(bodies);
      log.lines.length = 0;
      const result = await createIngestClicks({ sql: db.sql, logger: log })(event);
      const ids = event.Records.map((record) => record.messageId);
      expect(result.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
        [ids[0], ids[1], ids[2], ids[3], ids[4], ids[6]].sort(),
      );
      expect(log.lines.filter((line) => line.level === 'error').map((line) => line.fields.reason)).toEqual([
        'body is not JSON',
        expect.stringContaining('click_id'),
        expect.stringContaining('v:'),
        expect.stringContaining('v:'),
        expect.stringContaining('extra'),
        'partner link unknown to Aurora',
      ]);
      const state = await snapshot(db.sql, [good.cookie_id, unknownLink.cookie_id], links);
      expect(state.clicks.map((row) => row.click_uuid)).toEqual([good.click_id]);
      expect(state.enrollments[0]).toMatchObject({ total_clicks: 1 });
      // No cookie was created for the click that was refused.
      expect(state.cookies.map((row) => row.cookie_id)).toEqual([good.cookie_id]);
    });

    it('fails the invocation when every message of the batch failed, so the Errors alarm sees it', async () => {
      const links = await seedLinks(db.sql, { partners: 1 });
      const unknownLink = clickOn({ ...links[0]!, partner_link_id: 99_999_999 }, '2024-03-15T10:00:00.000Z');
      const event = sqsEvent(['not json{', unknownLink]);
      const failed = createIngestClicks({ sql: db.sql, logger: log })(event);
      await expect(failed).rejects.toBeInstanceOf(FullBatchFailureError);
      await expect(failed).rejects.toMatchObject({ recordErrors: [expect.objectContaining({ message: expect.stringContaining('body is not JSON') }), expect.anything()] });
      const stored = await db.sql.query(`SELECT 1 FROM clicks WHERE click_uuid = :id::uuid`, { id: unknownLink.click_id });
      expect(stored.rows).toEqual([]);
    });

    it('ingests the sample batch in events/clicks (one click, one poison message)', async () => {
      const [link] = await seedLinks(db.sql, { partners: 1 });
      const sample = JSON.parse(readFileSync(new URL('../../../../events/clicks/sqs-clicks-batch.json', import.meta.url), 'utf8')) as SQSEvent;
      const event = structuredClone(sample);
      const body = JSON.parse(event.Records[0]!.body) as Record<string, unknown>;
      event.Records[0]!.body = JSON.stringify({ ...body, partner_link_id: link!.partner_link_id, click_id: crypto.randomUUID() });
      const result = await createIngestClicks({ sql: db.sql, logger: log })(event);
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]!.messageId }]);
      const state = await snapshot(db.sql, [String(body.cookie_id)], [link!]);
      expect(state.clicks).toHaveLength(1);
      expect(state.enrollments[0]).toMatchObject({ total_clicks: 1 });
    });

    it('stores velocity-filtered clicks with their reason, without cookie, journey or total, once', async () => {
      const links = await seedLinks(db.sql, { partners: 1 });
      const link = links[0]!;
      const cookie = crypto.randomUUID();
      const counted = clickOn(link, '2024-06-01T10:00:00.000Z', { cookie_id: cookie });
      const flood = Array.from({ length: 4 }, (_, i) =>
        clickOn(link, `2024-06-01T10:00:0${i + 1}.000Z`, { cookie_id: cookie, filter_reason: 'velocity' }),
      );
      const ingest = createIngestClicks({ sql: db.sql, logger: log });
      expect((await ingest(sqsEvent([counted, ...flood]))).batchItemFailures).toEqual([]);
      // Redelivered: nothing changes.
      expect((await ingest(sqsEvent([...flood, counted]))).batchItemFailures).toEqual([]);

      const rows = await db.sql.query<{ click_uuid: string; cookie_id: string | null; filter_reason: string | null }>(
        `SELECT click_uuid::text AS click_uuid, cookie_id::text AS cookie_id, filter_reason FROM clicks
         WHERE partner_link_id = :link::integer ORDER BY clicked_at`,
        { link: link.partner_link_id },
      );
      expect(rows.rows).toEqual([
        { click_uuid: counted.click_id, cookie_id: cookie, filter_reason: null },
        ...flood.map((click) => ({ click_uuid: click.click_id, cookie_id: null, filter_reason: 'velocity' })),
      ]);
      const state = await snapshot(db.sql, [cookie], links);
      expect(state.enrollments).toEqual([{ campaign_partner_id: link.campaign_partner_id, total_clicks: 1, last_click_at: '2024-06-01T10:00:00.000Z' }]);
      expect(state.cookies).toMatchObject([{ first_click: counted.click_id, last_click: counted.click_id }]);
      expect(state.journeys).toMatchObject([{ total_events: 1 }]);

      // A flood alone creates no cookie at all.
      const alone = clickOn(link, '2024-06-01T10:05:00.000Z', { filter_reason: 'velocity' });
      expect((await ingest(sqsEvent([alone]))).batchItemFailures).toEqual([]);
      expect((await snapshot(db.sql, [alone.cookie_id], links)).cookies).toEqual([]);
    });

    it('keeps expires_at at the maximum and appends to an existing journey', async () => {
      const links = await seedLinks(db.sql, { partners: 1, cookieDurationDays: 60 });
      const short = (await seedLinks(db.sql, { partners: 1, cookieDurationDays: 1 }))[0]!;
      const cookie = crypto.randomUUID();
      const ingest = createIngestClicks({ sql: db.sql, logger: log });
      await ingest(sqsEvent([clickOn(links[0]!, '2024-05-01T00:00:00.000Z', { cookie_id: cookie })]));
      await ingest(sqsEvent([clickOn(short, '2024-05-02T00:00:00.000Z', { cookie_id: cookie })]));
      const state = await snapshot(db.sql, [cookie], [...links, short]);
      expect(state.cookies[0]).toMatchObject({
        expires_at: '2024-06-30T00:00:00.000Z',
        last_seen_at: '2024-05-02T00:00:00.000Z',
        last_partner_id: short.partner_id,
        last_campaign_version_id: short.campaign_version_id,
      });
      expect(state.journeys[0]).toMatchObject({ partner_id: links[0]!.partner_id, total_events: 2 });
    });
  });
}
