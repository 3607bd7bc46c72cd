/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON asserted field by field. */
/**
 * GET /v1/audit-logs: the data dictionary's three audit queries ("Who approved this conversion?",
 * "All changes to a partner's commission rates", "Payout audit trail") run through the API and
 * checked against the same SQL run on the database; the vendor sees only its own entities, the
 * operator everything; every change of money state (approval by the vendor and by the job, payout
 * creation by the job, send, confirm) leaves its row with the actor.
 */
import { describe, expect, it } from 'vitest';
import { seedPaymentMethod } from '../../../support/fixtures/payout-fixtures.js';
import { seedConversion } from '../../../support/fixtures/conversion-seed.js';
import {
  adminToken,
  createCampaign,
  createPartner,
  createVendor,
  enroll,
  expectProblem,
  type PartnerHandle,
  type VendorHandle,
} from '../../../support/platform/api-fixture.js';
import { useApiFixture } from '../../../support/platform/use-api-fixture.js';

let vendor: VendorHandle;
let other: VendorHandle;
let partner: PartnerHandle;
let partner2: PartnerHandle;
let campaign: { campaign_id: number; campaign_version_id: number };
let vendorApproved: number;
let jobApproved: number;
let payoutId: number;
const overrideIds: number[] = [];

const DAY = 86_400_000;

/** Every page of the route, following `next_cursor`. */
async function allPages(query: string, token: string, limit = 2): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const params = [query, `limit=${limit}`, cursor ? `cursor=${cursor}` : ''].filter(Boolean).join('&');
    const res: any = await f.api.get(`/v1/audit-logs?${params}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    rows.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return rows;
}

const sqlRows = async (text: string, params: Record<string, number> = {}) =>
  (await f.db.sql.query<{ audit_log_id: number; actor_type: string; actor_id: number | null; action: string }>(text, params)).rows.map((r) => ({
    audit_log_id: Number(r.audit_log_id),
    action: r.action,
    actor_type: r.actor_type,
    actor_id: r.actor_id === null ? null : Number(r.actor_id),
  }));

const shape = (rows: any[]) => rows.map((r) => ({ audit_log_id: r.audit_log_id, action: r.action, actor_type: r.actor_type, actor_id: r.actor_id }));

const f = useApiFixture(async () => {
  vendor = await createVendor(f.api);
  other = await createVendor(f.api);
  partner = await createPartner(f.api);
  partner2 = await createPartner(f.api);
  campaign = await createCampaign(f.api, vendor.key);
  await enroll(f.api, vendor.key, campaign.campaign_id, partner.partner_id);
  await enroll(f.api, vendor.key, campaign.campaign_id, partner2.partner_id);

  // A partner's commission rates change three times (create, delete, a second scope), another partner's once.
  const override = (partnerId: number, extra: Record<string, unknown>) =>
    f.api.post(`/v1/campaigns/${campaign.campaign_id}/overrides`, { partner_id: partnerId, commission_type: 'percentage', ...extra }, { token: vendor.key });
  const first = await override(partner.partner_id, { commission_value: '15.00' });
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  f.clock.advance(1000);
  expect((await f.api.delete(`/v1/campaign-overrides/${first.body.partner_campaign_override_id}`, { token: vendor.key })).status).toBe(204);
  f.clock.advance(1000);
  const second = await override(partner.partner_id, { commission_value: '12.50', conversion_event_type: 'sale' });
  expect(second.status, JSON.stringify(second.body)).toBe(201);
  overrideIds.push(first.body.partner_campaign_override_id, second.body.partner_campaign_override_id);
  expect((await override(partner2.partner_id, { commission_value: '11.00' })).status).toBe(201);

  // Two conversions: one the vendor approves, one the hold-period job approves (occurred 31 days ago).
  const now = f.clock.now.getTime();
  const conversion = (tx: string, occurredAt: number) =>
    seedConversion(f.db.sql, {
      vendor_id: vendor.vendor_id,
      partner_id: partner.partner_id,
      campaign_version_id: campaign.campaign_version_id,
      transaction_id: tx,
      event_value: '200.00',
      commission_amount: '20.00',
      occurred_at: new Date(occurredAt).toISOString(),
      touches: [{ partner_id: partner.partner_id, touch_type: 'only', touch_value: '20.00', occurred_at: new Date(occurredAt).toISOString() }],
    });
  vendorApproved = (await conversion('tx-vendor', now - DAY)).conversion_event_id;
  jobApproved = (await conversion('tx-job', now - 31 * DAY)).conversion_event_id;
  f.clock.advance(1000);
  const approved = await f.api.post(`/v1/conversions/${vendorApproved}/approve`, {}, { token: vendor.key, sourceIp: '198.51.100.7' });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  f.clock.advance(1000);
  const job = await f.api.post('/v1/admin/jobs/approve-conversions', {}, { token: adminToken });
  expect(job.body.result.conversion_event_ids).toEqual([jobApproved]);

  // The payout job pays both, the operator sends the wire and confirms it.
  await seedPaymentMethod(f.db.sql, { partnerId: partner.partner_id, provider: 'wire', details: { iban: 'DE89370400440532013000' } });
  f.clock.advance(DAY);
  const run = await f.api.post(
    '/v1/admin/jobs/payouts',
    { start_date: '2026-01-01T00:00:00Z', end_date: new Date(f.clock.now.getTime() - 1000).toISOString(), minimum: '1.00' },
    { token: adminToken },
  );
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  expect(run.body.result.created).toHaveLength(1);
  payoutId = run.body.result.created[0].payout_id;
  f.clock.advance(1000);
  expect((await f.api.post(`/v1/admin/payouts/${payoutId}/approve`, undefined, { token: adminToken })).status).toBe(200);
  f.clock.advance(1000);
  expect((await f.api.post(`/v1/admin/payouts/${payoutId}/confirm`, undefined, { token: adminToken })).status).toBe(200);
}, 120_000);

describe('GET /v1/audit-logs: the dictionary audit queries', () => {
  it('"Who approved this conversion?" answers the vendor user, and the system for the hold-period job', async () => {
    for (const [id, actor] of [
      [vendorApproved, { actor_type: 'vendor_user', actor_id: vendor.vendor_user_id }],
      [jobApproved, { actor_type: 'system', actor_id: null }],
    ] as const) {
      const expected = await sqlRows(
        `SELECT * FROM audit_logs WHERE entity_type = 'conversion_events' AND entity_id = :id AND action = 'approve'`,
        { id },
      );
      expect(expected).toHaveLength(1);
      const res = await f.api.get(`/v1/audit-logs?entity_type=conversion_events&entity_id=${id}&action=approve`, { token: vendor.key });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(shape(res.body.data)).toEqual(expected);
      expect(res.body.data[0]).toMatchObject({ ...actor, entity_type: 'conversion_events', entity_id: id });
      expect(res.body.data[0].changes).toMatchObject({ before: { status: 'pending' }, after: { status: 'approved' } });
    }
    const vendorRow = (await f.api.get(`/v1/audit-logs?entity_type=conversion_events&entity_id=${vendorApproved}`, { token: vendor.key })).body.data[0];
    expect(vendorRow.ip_address).toBe('198.51.100.7');
  });

  it("\"All changes to a partner's commission rates\" (the partner's overrides, newest first)", async () => {
    const expected = await sqlRows(
      `SELECT * FROM audit_logs
       WHERE entity_type = 'partner_campaign_overrides'
         AND entity_id IN (SELECT partner_campaign_override_id FROM partner_campaign_overrides WHERE partner_id = :partner)
       ORDER BY created_at DESC, audit_log_id DESC`,
      { partner: partner.partner_id },
    );
    expect(expected.map((r) => r.action)).toEqual(['create', 'delete', 'create']);
    // Through the API: the partner's overrides (the vendor's own list), then each one's trail.
    const overrides = await f.api.get(`/v1/campaigns/${campaign.campaign_id}/overrides?partner_id=${partner.partner_id}`, { token: vendor.key });
    expect(overrides.status).toBe(200);
    const ids = overrides.body.data.map((o: any) => o.partner_campaign_override_id as number);
    // A deleted override drops out of the vendor's list; the dictionary's subquery still sees it (soft delete).
    expect(ids).toEqual([overrideIds[1]]);
    const allIds = [...new Set([...ids, ...overrideIds])];
    const rows = (await Promise.all(allIds.map((id) => allPages(`entity_type=partner_campaign_overrides&entity_id=${id}`, vendor.key)))).flat();
    rows.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.audit_log_id - a.audit_log_id);
    expect(shape(rows)).toEqual(expected);
    expect(rows.every((r) => r.actor_type === 'vendor_user' && r.actor_id === vendor.vendor_user_id)).toBe(true);
  });

  it('"Payout audit trail": created by the job, approved, sent and confirmed by the operator, oldest first', async () => {
    const expected = await sqlRows(`SELECT * FROM audit_logs WHERE entity_type = 'payouts' AND entity_id = :id ORDER BY created_at`, { id: payoutId });
    expect(expected.map((r) => `${r.action}:${r.actor_type}`)).toEqual(['create:system', 'approve:admin', 'send:admin', 'confirm:admin']);
    const rows = (await allPages(`entity_type=payouts&entity_id=${payoutId}`, adminToken)).reverse();
    expect(shape(rows)).toEqual(expected);
    expect(rows[0].changes.after).toMatchObject({ status: 'pending', amount: '40.00', partner_id: partner.partner_id });
    expect(rows[3].changes).toMatchObject({ before: { status: 'processing' }, after: { status: 'completed' } });
  });
});

describe('GET /v1/audit-logs: tenancy and filters', () => {
  it("a vendor reads only rows about its own entities; another vendor's entity is an empty page; payouts and partners are the operator's", async () => {
    const mine = await allPages('entity_type=conversion_events', vendor.key, 100);
    expect(mine.length).toBeGreaterThan(0);
    expect(await allPages(`entity_type=conversion_events&entity_id=${vendorApproved}`, other.key)).toEqual([]);
    expect(await allPages(`entity_type=partner_campaign_overrides&entity_id=${overrideIds[1]}`, other.key)).toEqual([]);
    expect(await allPages(`entity_type=payouts&entity_id=${payoutId}`, vendor.key)).toEqual([]);
    expect(await allPages(`entity_type=partners&entity_id=${partner.partner_id}`, vendor.key)).toEqual([]);
    // Unfiltered, each vendor's trail holds its own rows only, and the two never overlap.
    const all = await allPages('entity_type=vendors', vendor.key, 100);
    expect(all.map((r) => r.entity_id)).toEqual(all.map(() => vendor.vendor_id));
    const everythingA = new Set((await allPages('', vendor.key, 100)).map((r) => r.audit_log_id));
    const everythingB = (await allPages('', other.key, 100)).map((r) => r.audit_log_id);
    expect(everythingB.length).toBeGreaterThan(0);
    expect(everythingB.filter((id) => everythingA.has(id))).toEqual([]);
    // The operator sees everything: as many rows as the table holds.
    const total = (await f.db.sql.query<{ n: number }>(`SELECT COUNT(*)::integer AS n FROM audit_logs`)).rows[0]!.n;
    expect(await allPages('', adminToken, 100)).toHaveLength(total);
  });

  it('pages are stable and complete; from/to bound created_at; bad filters are 400s naming the field; partners are refused', async () => {
    const onePage = (await f.api.get('/v1/audit-logs?limit=100', { token: vendor.key })).body.data;
    expect(await allPages('', vendor.key, 3)).toEqual(onePage);
    const times = onePage.map((r: any) => r.created_at).sort();
    const from = times[Math.floor(times.length / 2)];
    const bounded = await allPages(`from=${encodeURIComponent(new Date(from + (from.endsWith('Z') ? '' : 'Z')).toISOString())}`, vendor.key, 100);
    expect(bounded.length).toBe(onePage.filter((r: any) => r.created_at >= from).length);
    expectProblem(await f.api.get('/v1/audit-logs?entity_id=5', { token: vendor.key }), 400);
    const badDate = await f.api.get('/v1/audit-logs?from=yesterday', { token: vendor.key });
    expectProblem(badDate, 400);
    expect(JSON.stringify(badDate.body.errors)).toContain('query.from');
    expectProblem(await f.api.get('/v1/audit-logs?from=2026-03-02&to=2026-03-01', { token: vendor.key }), 400);
    expectProblem(await f.api.get('/v1/audit-logs', { token: partner.key }), 403);
    expectProblem(await f.api.get('/v1/audit-logs'), 401);
  });
});
