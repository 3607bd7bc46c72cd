/**
 * The cookie's first and last click when its stored pointers cannot stand for its clicks: a
 * pointer emptied by retention (the rest of its clicks are read), and two consumers ingesting clicks of the same cookie, new or
 * existing, at the same time (PostgreSQL: two sessions; PGlite has one). The second waits on the first's uncommitted cookie row; after the
 * first commits, the cookie must point at the earliest and latest of all the clicks, whichever
 * consumer wrote them: alone, the second's statement fails whole and runs again (two round
 * trips, nothing committed in between); inside a caller's transaction, a second statement
 * recomputes the cookie. And the round trips of a batch: one autocommit statement, no
 * BEGIN/COMMIT (one Data API call on AWS).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkItem } from '../../../../functions/ports/link-store.js';
import { createIngestClicks } from '../../../../functions/handlers/ingest-clicks.js';
import { ingestClickBatch } from '../../../../functions/repositories/clicks/click-ingestion.js';
import { countRoundTrips } from '../../../support/database/round-trip-counter.js';
import { createTestDatabase, isPostgresReachable, postgresServerUrl, type TestDatabase } from '../../../support/database/test-database.js';
import { clickOn, sqsEvent } from '../../../support/messages/clicks.js';
import { seedLinks } from '../../../support/fixtures/seed-links.js';
import { snapshot } from '../../domain/clicks/ingest-clicks-suite.js';

const reachable = await isPostgresReachable(postgresServerUrl);

/** A database of its own for one describe block, with two partners' links seeded. */
function useSeededDatabase(options?: Parameters<typeof createTestDatabase>[0]): { db: TestDatabase; links: LinkItem[] } {
  const seeded = {} as { db: TestDatabase; links: LinkItem[] };
  beforeAll(async () => {
    seeded.db = await createTestDatabase(options);
    seeded.links = [...(await seedLinks(seeded.db.sql, { partners: 2 }))];
  });
  afterAll(async () => {
    await seeded.db?.close();
  });
  return seeded;
}

describe.skipIf(!reachable)('click ingestion: two consumers on one cookie (PostgreSQL)', () => {
  const seeded = useSeededDatabase({ engine: 'postgres', serverUrl: postgresServerUrl });

  async function waitUntilBlocked(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const waiting = await seeded.db.sql.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (waiting.rows[0]!.n > 0) return;
      if (Date.now() > deadline) throw new Error('the second consumer never waited on the first');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function expectCookieAndJourney(cookie: string, first: { click_id: string }, middle: { click_id: string }, last: { click_id: string }) {
    const cookies = await seeded.db.sql.query<{ first_click: string; last_click: string; first_partner_id: number; last_partner_id: number }>(
      `SELECT f.click_uuid::text AS first_click, l.click_uuid::text AS last_click, k.first_partner_id, k.last_partner_id
       FROM cookies k JOIN clicks f ON f.click_id = k.first_click_id JOIN clicks l ON l.click_id = k.last_click_id
       WHERE k.cookie_id = :cookie::uuid`,
      { cookie },
    );
    expect(cookies.rows).toEqual([
      { first_click: first.click_id, last_click: last.click_id, first_partner_id: seeded.links[0]!.partner_id, last_partner_id: seeded.links[0]!.partner_id },
    ]);
    const journey = await seeded.db.sql.query<{ total_events: number; clicks: string[] }>(
      `SELECT total_events, ARRAY(SELECT e ->> 'click_id' FROM jsonb_array_elements(events_sequence) e) AS clicks
       FROM funnel_journeys WHERE cookie_id = :cookie::uuid`,
      { cookie },
    );
    expect(journey.rows).toEqual([{ total_events: 3, clicks: [first.click_id, middle.click_id, last.click_id] }]);
  }

  function threeClicks() {
    const cookie = randomUUID();
    const first = clickOn(seeded.links[0]!, '2024-05-01T10:00:00.000Z', { cookie_id: cookie });
    const middle = clickOn(seeded.links[1]!, '2024-05-01T11:00:00.000Z', { cookie_id: cookie });
    const last = clickOn(seeded.links[0]!, '2024-05-01T12:00:00.000Z', { cookie_id: cookie });
    return { cookie, first, middle, last };
  }

  it('alone: the raced statement fails whole and runs again, and the cookie points at the earliest and latest click of both batches', async () => {
    const { cookie, first, middle, last } = threeClicks();
    const counter = countRoundTrips(seeded.db.sql);
    let second: Promise<unknown> | undefined;
    await seeded.db.sql.transaction(async (tx) => {
      await ingestClickBatch({ sql: tx, clicks: [first, last], inTransaction: true });
      second = ingestClickBatch({ sql: counter.sql, clicks: [middle] });
      await waitUntilBlocked();
    });
    await second;

    await expectCookieAndJourney(cookie, first, middle, last);
    // The raced attempt and its rerun, no transaction around them.
    expect({ statements: counter.log.map((line) => line.trim()), transactions: counter.transactions }).toEqual({
      statements: ['WITH batch AS (', 'WITH batch AS ('],
      transactions: 0,
    });
  });

  it("inside a caller's transaction: a second statement recomputes the raced cookie before the caller commits", async () => {
    const { cookie, first, middle, last } = threeClicks();
    const counter = countRoundTrips(seeded.db.sql);
    let second: Promise<unknown> | undefined;
    await seeded.db.sql.transaction(async (tx) => {
      await ingestClickBatch({ sql: tx, clicks: [first, last], inTransaction: true });
      second = counter.sql.transaction((own) => ingestClickBatch({ sql: own, clicks: [middle], inTransaction: true }));
      await waitUntilBlocked();
    });
    await second;

    await expectCookieAndJourney(cookie, first, middle, last);
    expect(counter.log.map((line) => line.trim())).toEqual(['WITH batch AS (', 'WITH first_clicks AS (']);
  });

  it('an existing cookie updated by two consumers at once points at the earliest and latest click of all', async () => {
    const cookie = randomUUID();
    const stored = clickOn(seeded.links[1]!, '2024-05-02T09:00:00.000Z', { cookie_id: cookie });
    const early = clickOn(seeded.links[0]!, '2024-05-02T08:00:00.000Z', { cookie_id: cookie });
    const middle = clickOn(seeded.links[1]!, '2024-05-02T10:00:00.000Z', { cookie_id: cookie });
    const late = clickOn(seeded.links[0]!, '2024-05-02T12:00:00.000Z', { cookie_id: cookie });
    await ingestClickBatch({ sql: seeded.db.sql, clicks: [stored] });

    // The second consumer's snapshot holds only the stored click: alone, it would point the
    // cookie at (stored, middle) over the first consumer's (early, late).
    let second: Promise<unknown> | undefined;
    await seeded.db.sql.transaction(async (tx) => {
      await ingestClickBatch({ sql: tx, clicks: [early, late], inTransaction: true });
      second = ingestClickBatch({ sql: seeded.db.sql, clicks: [middle] });
      await waitUntilBlocked();
    });
    await second;

    const cookies = await seeded.db.sql.query<{ first_click: string; last_click: string }>(
      `SELECT f.click_uuid::text AS first_click, l.click_uuid::text AS last_click
       FROM cookies k JOIN clicks f ON f.click_id = k.first_click_id JOIN clicks l ON l.click_id = k.last_click_id
       WHERE k.cookie_id = :cookie::uuid`,
      { cookie },
    );
    expect(cookies.rows).toEqual([{ first_click: early.click_id, last_click: late.click_id }]);
  });

  it('eight consumers ingesting batches that share cookies at once end in the rows one consumer writes', async () => {
    // Two fresh databases seeded alike (same link ids), so the enrollment totals hold only these clicks.
    const [together, alone] = await Promise.all([0, 1].map(() => createTestDatabase({ engine: 'postgres', serverUrl: postgresServerUrl })));
    try {
      const [ownLinks, aloneLinks] = await Promise.all([together!, alone!].map((database) => seedLinks(database.sql, { partners: 2 })));
      expect(aloneLinks!.map((link) => link.partner_link_id)).toEqual(ownLinks!.map((link) => link.partner_link_id));
      const cookies = Array.from({ length: 12 }, () => randomUUID());
      const start = Date.parse('2024-05-03T00:00:00.000Z');
      // 240 clicks on 12 cookies, dealt round-robin into 8 batches: each cookie is in two batches,
      // each with early and late clicks of it, so its ends move whichever commits first.
      const clicks = Array.from({ length: 240 }, (_, i) =>
        clickOn(ownLinks![i % ownLinks!.length]!, new Date(start + ((i * 7919) % 240) * 60_000).toISOString(), { cookie_id: cookies[i % 12]! }),
      );
      // The cookies exist before the race (a click each, in the middle of the range), so the
      // consumers update them in place as well as create them.
      const existing = cookies.map((cookie) => clickOn(ownLinks![0]!, new Date(start + 120.5 * 60_000).toISOString(), { cookie_id: cookie }));
      const batches = Array.from({ length: 8 }, (_, b) => clicks.filter((_, i) => i % 8 === b));
      const ingest = createIngestClicks({ sql: together!.sql });
      await ingest(sqsEvent(existing));
      let redelivered = 0;
      await Promise.all(
        batches.map(async (batch) => {
          // As SQS does: a batch whose invocation failed (a cookie raced more often than the statement retries) comes back.
          for (let attempt = 1; ; attempt += 1) {
            try {
              expect((await ingest(sqsEvent(batch))).batchItemFailures).toEqual([]);
              return;
            } catch (error) {
              if (attempt >= 5) throw error;
              redelivered += 1;
            }
          }
        }),
      );
      const ingestAlone = createIngestClicks({ sql: alone!.sql });
      for (const batch of [existing, ...batches]) await ingestAlone(sqsEvent(batch));

      expect(await snapshot(together!.sql, cookies, ownLinks!)).toEqual(await snapshot(alone!.sql, cookies, aloneLinks!));
      expect(redelivered).toBeLessThan(8);
    } finally {
      await Promise.all([together, alone].map((database) => database?.close()));
    }
  });
});

describe('click ingestion: round trips of a batch', () => {
  const seeded = useSeededDatabase();

  it('the consumer writes a batch of 100 (new and returning cookies, a redelivery) in one autocommit statement', async () => {
    const counter = countRoundTrips(seeded.db.sql);
    const ingest = createIngestClicks({ sql: counter.sql });
    const cookies = Array.from({ length: 33 }, () => randomUUID());
    const batch = (from: number) =>
      Array.from({ length: 100 }, (_, i) =>
        clickOn(seeded.links[i % seeded.links.length]!, new Date(Date.parse('2024-06-01T00:00:00.000Z') + (from + i) * 1000).toISOString(), { cookie_id: cookies[i % 33]! }),
      );
    const firstBatch = batch(0);
    for (const clicks of [firstBatch, batch(100), firstBatch]) {
      counter.reset();
      expect((await ingest(sqsEvent(clicks))).batchItemFailures).toEqual([]);
      expect({ roundTrips: counter.roundTrips, transactions: counter.transactions }).toEqual({ roundTrips: 1, transactions: 0 });
    }
    const stored = await seeded.db.sql.query<{ clicks: number; cookies: number; events: number }>(
      `SELECT (SELECT count(*)::integer FROM clicks) AS clicks, (SELECT count(*)::integer FROM cookies) AS cookies,
              (SELECT sum(total_events)::integer FROM funnel_journeys) AS events`,
    );
    expect(stored.rows).toEqual([{ clicks: 200, cookies: 33, events: 200 }]);
  });
});

describe('click ingestion: a cookie whose first click retention deleted', () => {
  const seeded = useSeededDatabase();

  it('takes the earliest remaining click as the first one when the next click arrives', async () => {
    const cookie = randomUUID();
    const [oldest, second, third, next] = ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04'].map((day, i) =>
      clickOn(seeded.links[i % 2]!, `${day}T10:00:00.000Z`, { cookie_id: cookie }),
    );
    await ingestClickBatch({ sql: seeded.db.sql, clicks: [oldest!, second!, third!] });
    // As retention does: the click row goes, the cookie's pointer to it becomes NULL (ON DELETE SET NULL).
    await seeded.db.sql.query(`DELETE FROM clicks WHERE click_uuid = :id::uuid`, { id: oldest!.click_id });
    await ingestClickBatch({ sql: seeded.db.sql, clicks: [next!] });

    const cookies = await seeded.db.sql.query<{ first_click: string; last_click: string; first_partner_id: number }>(
      `SELECT f.click_uuid::text AS first_click, l.click_uuid::text AS last_click, k.first_partner_id
       FROM cookies k JOIN clicks f ON f.click_id = k.first_click_id JOIN clicks l ON l.click_id = k.last_click_id
       WHERE k.cookie_id = :cookie::uuid`,
      { cookie },
    );
    expect(cookies.rows).toEqual([{ first_click: second!.click_id, last_click: next!.click_id, first_partner_id: seeded.links[1]!.partner_id }]);
  });
});
