/** retention: what is removed (old clicks, journeys, expired cookies, full IPs) and what is kept (money); the books still balance. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runScheduledJob } from '../../../functions/handlers/scheduled-job-deps.js';
import { applyRetention, retentionCutoffs } from '../../../functions/use-cases/apply-retention.js';
import { defaultRetentionConfig } from '../../../functions/platform/retention-config.js';
import type { PlatformDeps } from '../../../functions/platform/composition-root.js';
import type { SqlParamValue } from '../../../functions/ports/sql-executor.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { seedProgram, type SeededProgram } from '../../support/fixtures/seed.js';
import { seedPayableConversion, seedPaymentMethod } from '../../support/fixtures/payout-fixtures.js';
import { expectBalanced } from '../../support/books/reconcile.js';

let program: SeededProgram;
const deps = () => ({ sql: db.sql, now: () => new Date('2026-03-01T12:00:00.000Z') }) as unknown as PlatformDeps;

const db = useTestDatabase(async () => {
  program = await seedProgram(db.sql, { partners: 1 });
}, 60_000);

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

    const result = (await runScheduledJob({ name: 'retention', deps: deps(), input: { batch_size: 1 } })) as Record<string, number>;
    expect(result).toMatchObject({ click_ips_anonymised: 3, touches_detached: 1, funnel_journeys_deleted: 1, clicks_deleted: 1, cookies_deleted: 2, conversions_purged: 0 });
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
    const again = (await runScheduledJob({ name: 'retention', deps: deps(), input: {} })) as Record<string, number>;
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
  });
});

describe('retention job: every age of the dictionary, rows just inside and just outside', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const cutoff = retentionCutoffs(now, defaultRetentionConfig);
  const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
  const MIN = 60_000;
  let prog: SeededProgram;
  const edge = useTestDatabase(async () => {
    prog = await seedProgram(edge.sql, { partners: 1 });
  }, 60_000);

  const q = async <T extends Record<string, unknown>>(text: string, params: Record<string, SqlParamValue> = {}) => (await edge.sql.query<T>(text, params)).rows;

  async function conversion(status: 'paid' | 'rejected' | 'approved', occurredAt: string, value = '10.00'): Promise<number> {
    const id = await seedPayableConversion(edge.sql, {
      vendorId: prog.vendorId, campaignVersionId: prog.campaignVersionId, status, shares: [[prog.partners[0]!.partnerId, value]], occurredAt, approvedAt: status === 'rejected' ? null : occurredAt,
    });
    await edge.sql.query(
      `INSERT INTO event_commission_snapshots (conversion_event_id, commission_type, commission_value, commission_amount, partner_id, campaign_version_id)
       VALUES (:id::bigint, 'percentage', 10, :v::numeric, :p::integer, :cv::integer)`,
      { id, v: value, p: prog.partners[0]!.partnerId, cv: prog.campaignVersionId },
    );
    return id;
  }

  async function payout(createdAt: string, conversionId: number, amount = '10.00'): Promise<number> {
    const partnerId = prog.partners[0]!.partnerId;
    const method = (await q<{ id: number }>(`SELECT partner_payment_method_id AS id FROM partner_payment_methods WHERE partner_id = :p::integer LIMIT 1`, { p: partnerId }))[0]?.id
      ?? (await seedPaymentMethod(edge.sql, { partnerId, provider: 'wire' }));
    const [row] = await q<{ id: number }>(
      `INSERT INTO payouts (partner_id, partner_payment_method_id, amount, currency, payment_provider_id, status, start_date, end_date, created_at, completed_at)
       VALUES (:p::integer, :m::integer, :a::numeric, 'USD', (SELECT payment_provider_id FROM partner_payment_methods WHERE partner_payment_method_id = :m::integer),
               'completed', :c::timestamptz, :c::timestamptz + interval '1 second', :c::timestamptz, :c::timestamptz)
       RETURNING payout_id AS id`,
      { p: partnerId, m: Number(method), a: amount, c: createdAt },
    );
    await edge.sql.query(`INSERT INTO payout_events (payout_id, conversion_event_id, commission_amount) VALUES (:p::integer, :c::bigint, :a::numeric)`, { p: row!.id, c: conversionId, a: amount });
    return Number(row!.id);
  }

  it('purges payouts, conversions, audit rows and the platform tables at their ages, in FK order, and the books still balance', async () => {
    const seven = cutoff.conversionsDays;
    // Outside: a payout older than 7 years paying a conversion older than 7 years: both go, with events, touches and snapshot.
    const oldConversion = await conversion('paid', shift(seven, -2 * MIN));
    const oldPayout = await payout(shift(cutoff.payoutsDays, -MIN), oldConversion);
    // A conversion just outside, held by a payout just inside: the payout stays, so the conversion stays.
    const heldConversion = await conversion('paid', shift(seven, -MIN));
    const keptPayout = await payout(shift(cutoff.payoutsDays, MIN), heldConversion);
    // Just inside: stays. Just outside but still owed (approved, unpaid): stays.
    const recentRejected = await conversion('rejected', shift(seven, MIN));
    const owed = await conversion('approved', shift(seven, -MIN));
    const oldRejected = await conversion('rejected', shift(seven, -MIN));
    // A cancelled (soft-deleted) old payout goes; the conversion it held is still owed and stays.
    const cancelled = await payout(shift(cutoff.payoutsDays, -3 * MIN), owed);
    await edge.sql.query(`UPDATE payouts SET status = 'pending', is_deleted = TRUE, deleted_at = created_at WHERE payout_id = :id::integer`, { id: cancelled });
    await edge.sql.query(`UPDATE payout_events SET is_deleted = TRUE WHERE payout_id = :id::integer`, { id: cancelled });

    const audit = async (createdAt: string) =>
      Number((await q<{ id: number }>(
        `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, created_at) VALUES ('payouts', 1, 'confirm', 'admin', :c::timestamptz) RETURNING audit_log_id AS id`, { c: createdAt },
      ))[0]!.id);
    const oldAudit = await audit(shift(cutoff.auditLogsDays, -1000));
    const recentAudit = await audit(shift(cutoff.auditLogsDays, 1000));

    await edge.sql.query(
      `INSERT INTO webhook_deliveries (provider, provider_event_id, received_at) VALUES ('stripe', 'evt_old', :o::timestamptz), ('stripe', 'evt_recent', :r::timestamptz)`,
      { o: shift(cutoff.webhookDeliveriesDays, -MIN), r: shift(cutoff.webhookDeliveriesDays, MIN) },
    );
    await edge.sql.query(
      `INSERT INTO notification_deliveries (vendor_id, event_type, payload, status, created_at) VALUES
         (:v::integer, 'conversion.created', '{"n":"old"}', 'delivered', :o::timestamptz),
         (:v::integer, 'conversion.created', '{"n":"recent"}', 'failed', :r::timestamptz),
         (:v::integer, 'conversion.created', '{"n":"old-pending"}', 'pending', :o::timestamptz)`,
      { v: prog.vendorId, o: shift(cutoff.notificationDeliveriesDays, -MIN), r: shift(cutoff.notificationDeliveriesDays, MIN) },
    );
    await edge.sql.query(
      `INSERT INTO unattributed_conversions (vendor_id, transaction_id, event_type, payload, reason, received_at) VALUES
         (:v::integer, 'tx-old', 'sale', '{"customer_email":"old@example.com"}', 'no_click', :o::timestamptz),
         (:v::integer, 'tx-recent', 'sale', '{"customer_email":"new@example.com"}', 'no_click', :r::timestamptz),
         (:v::integer, 'tx-ancient', 'sale', NULL, 'no_click', :a::timestamptz),
         (:v::integer, 'tx-seven', 'sale', NULL, 'no_click', :s::timestamptz)`,
      {
        v: prog.vendorId,
        o: shift(cutoff.unattributedPayloadDays, -MIN),
        r: shift(cutoff.unattributedPayloadDays, MIN),
        a: shift(cutoff.conversionsDays, -MIN),
        s: shift(cutoff.conversionsDays, MIN),
      },
    );

    const counts = await applyRetention({ sql: edge.sql, now, input: { batch_size: 1 } });
    expect(counts).toMatchObject({
      payouts_purged: 2,
      conversions_purged: 2,
      audit_logs_purged: 1,
      webhook_deliveries_deleted: 1,
      notification_deliveries_deleted: 1,
      unattributed_payloads_cleared: 1,
      unattributed_conversions_deleted: 1,
    });
    expect((await q<{ id: number }>(`SELECT payout_id AS id FROM payouts ORDER BY payout_id`)).map((r) => Number(r.id))).toEqual([keptPayout]);
    expect((await q<{ id: number }>(`SELECT conversion_event_id AS id FROM conversion_events ORDER BY conversion_event_id`)).map((r) => Number(r.id)).sort((a, b) => a - b))
      .toEqual([heldConversion, recentRejected, owed].sort((a, b) => a - b));
    for (const [table, id] of [['touches', oldConversion], ['event_commission_snapshots', oldConversion], ['payout_events', oldConversion], ['touches', oldRejected]] as const) {
      expect(await q(`SELECT 1 FROM ${table} WHERE conversion_event_id = :id::bigint`, { id })).toEqual([]);
    }
    expect(await q(`SELECT 1 FROM payout_events WHERE payout_id = :id::integer`, { id: oldPayout })).toEqual([]);
    expect((await q<{ id: number }>(`SELECT audit_log_id AS id FROM audit_logs WHERE audit_log_id = ANY(:ids::bigint[])`, { ids: [oldAudit, recentAudit] })).map((r) => Number(r.id))).toEqual([recentAudit]);
    expect((await q<{ id: string }>(`SELECT provider_event_id AS id FROM webhook_deliveries`)).map((r) => r.id)).toEqual(['evt_recent']);
    expect((await q<{ n: string }>(`SELECT payload ->> 'n' AS n FROM notification_deliveries ORDER BY n`)).map((r) => r.n)).toEqual(['old-pending', 'recent']);
    expect(await q(`SELECT transaction_id, payload FROM unattributed_conversions ORDER BY transaction_id`)).toEqual([
      { transaction_id: 'tx-old', payload: null },
      { transaction_id: 'tx-recent', payload: { customer_email: 'new@example.com' } },
      { transaction_id: 'tx-seven', payload: null },
    ]);
    await expectBalanced(edge.sql);
    // A second run at the same instant finds nothing more.
    const again = await applyRetention({ sql: edge.sql, now, input: {} });
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
  });

  it('audit rows stay insert-only for everyone else: a DELETE without the purge cutoff, or of a row younger than it, is refused', async () => {
    const [row] = await q<{ id: number }>(
      `INSERT INTO audit_logs (entity_type, entity_id, action, actor_type, created_at) VALUES ('payouts', 2, 'fail', 'admin', :c::timestamptz) RETURNING audit_log_id AS id`,
      { c: shift(cutoff.auditLogsDays, -1000) },
    );
    await expect(edge.sql.query(`DELETE FROM audit_logs WHERE audit_log_id = :id::bigint`, { id: row!.id })).rejects.toThrow(/insert-only/);
    // The erasure switch allows updating personal columns, never deleting.
    await expect(
      edge.sql.transaction(async (tx) => {
        await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true)`);
        await tx.query(`DELETE FROM audit_logs WHERE audit_log_id = :id::bigint`, { id: row!.id });
      }),
    ).rejects.toThrow(/insert-only/);
    await expect(
      edge.sql.transaction(async (tx) => {
        await tx.query(`SELECT set_config('app.audit_maintenance', 'on', true)`);
        await tx.query(`UPDATE audit_logs SET action = 'approve' WHERE audit_log_id = :id::bigint`, { id: row!.id });
      }),
    ).rejects.toThrow(/insert-only/);
    // A purge cutoff older than the row does not let it go.
    await expect(
      edge.sql.transaction(async (tx) => {
        await tx.query(`SELECT set_config('app.audit_purge_before', :c, true)`, { c: shift(cutoff.auditLogsDays, -2000).replace('T', ' ').replace('Z', '') });
        await tx.query(`DELETE FROM audit_logs WHERE audit_log_id = :id::bigint`, { id: row!.id });
      }),
    ).rejects.toThrow(/insert-only/);
    expect(await q(`SELECT 1 FROM audit_logs WHERE audit_log_id = :id::bigint`, { id: row!.id })).toHaveLength(1);
  });
});
