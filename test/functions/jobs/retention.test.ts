/** retention: what is removed (old clicks, journeys, expired cookies, full IPs) and what is kept (money); the books still balance. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../functions/jobs/run-job.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { seedProgram, type SeededProgram } from '../../helpers/seed.js';
import { seedPayableConversion } from '../../helpers/payout-fixtures.js';
import { expectBalanced } from '../../helpers/reconcile.js';

let db: TestDatabase;
let program: SeededProgram;
const deps = () => ({ sql: db.sql, now: () => new Date('2026-03-01T12:00:00.000Z') }) as unknown as PlatformDeps;

beforeAll(async () => {
  db = await createTestDatabase();
  program = await seedProgram(db.sql, { partners: 1 });
}, 60_000);

afterAll(async () => {
  await db?.close();
});

async function click(clickedAt: string, ip: string, cookieId: string | null = null): Promise<number> {
  const { rows } = await db.sql.query<{ id: number }>(
    `INSERT INTO clicks (partner_link_id, click_uuid, clicked_at, ip_address, cookie_id) VALUES (:l::integer, :u::uuid, :at::timestamptz, :ip::inet, :c::uuid) RETURNING click_id AS id`,
    { l: program.partners[0]!.links[0]!.partner_link_id, u: randomUUID(), at: clickedAt, ip, c: cookieId },
  );
  return Number(rows[0]!.id);
}

async function cookie(expiresAt: string): Promise<string> {
  const { rows } = await db.sql.query<{ id: string }>(`INSERT INTO cookies (expires_at) VALUES (:e::timestamptz) RETURNING cookie_id AS id`, { e: expiresAt });
  return rows[0]!.id;
}

describe('retention job', () => {
  it('removes old activity and personal data in batches, keeps every amount', async () => {
    const partnerId = program.partners[0]!.partnerId;
    const oldCookie = await cookie('2024-01-01T00:00:00Z'); // expired > 1 year ago
    const recentCookie = await cookie('2025-12-01T00:00:00Z'); // expired < 1 year ago
    const journeyCookie = await cookie('2023-01-01T00:00:00Z');
    await db.sql.query(
      `INSERT INTO funnel_journeys (cookie_id, partner_id, campaign_version_id, journey_started_at, last_event_at, customer_email)
       VALUES (:c::uuid, :p::integer, :v::integer, '2023-06-01', '2023-06-02', 'old@example.com')`,
      { c: journeyCookie, p: partnerId, v: program.campaignVersionId },
    );
    const ancient = await click('2023-01-15T00:00:00Z', '203.0.113.77', oldCookie);
    const monthsOld = await click('2025-10-01T00:00:00Z', '198.51.100.23');
    const fresh = await click('2026-02-27T00:00:00Z', '192.0.2.5');
    const v6 = await click('2025-10-01T00:00:00Z', '2001:db8:abcd:12:1:2:3:4');
    const conversion = await seedPayableConversion(db.sql, {
      vendorId: program.vendorId, campaignVersionId: program.campaignVersionId, status: 'approved', shares: [[partnerId, '12.34']], occurredAt: '2023-02-01T00:00:00Z',
    });
    await db.sql.query(`UPDATE touches SET click_id = :c::bigint, cookie_id = :k::uuid WHERE conversion_event_id = :id::bigint`, { c: ancient, k: oldCookie, id: conversion });

    const result = (await runJob({ name: 'retention', deps: deps(), input: { batch_size: 1 } })) as Record<string, number>;
    expect(result).toEqual({ click_ips_anonymised: 3, touches_detached: 1, funnel_journeys_deleted: 1, clicks_deleted: 1, cookies_deleted: 2 });
    const ips = Object.fromEntries(
      (await db.sql.query<{ click_id: number; ip: string }>(`SELECT click_id, host(ip_address) AS ip FROM clicks`)).rows.map((r) => [Number(r.click_id), r.ip]),
    );
    expect(ips).toEqual({ [monthsOld]: '198.51.100.0', [fresh]: '192.0.2.5', [v6]: '2001:db8:abcd::' });
    const cookies = (await db.sql.query<{ id: string }>(`SELECT cookie_id AS id FROM cookies`)).rows.map((r) => r.id);
    expect(cookies).toEqual([recentCookie]);
    const { rows: touch } = await db.sql.query<Record<string, unknown>>(`SELECT touch_value::text AS v, click_id, cookie_id FROM touches WHERE conversion_event_id = :id::bigint`, { id: conversion });
    expect(touch).toEqual([{ v: '12.340', click_id: null, cookie_id: null }]);
    const { rows: ce } = await db.sql.query<Record<string, unknown>>(`SELECT commission_amount::text AS c, status FROM conversion_events WHERE conversion_event_id = :id::bigint`, { id: conversion });
    expect(ce).toEqual([{ c: '12.340', status: 'approved' }]);
    await expectBalanced(db.sql);
    // Idempotent: a second run finds nothing.
    const again = (await runJob({ name: 'retention', deps: deps(), input: {} })) as Record<string, number>;
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
  });
});
