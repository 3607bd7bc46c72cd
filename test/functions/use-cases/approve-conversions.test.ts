/* eslint-disable @typescript-eslint/no-explicit-any -- JSON bodies asserted field by field */
/**
 * Approvals: the hold-period job (set-based, audited, vendor notified on the real local SQS) and
 * the vendor's approve/reject routes with their valid and invalid transitions.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { adminToken, createPartner, createVendor, type VendorHandle } from '../../support/platform/api-fixture.js';
import { useApiFixture } from '../../support/platform/use-api-fixture.js';
import { startLocalSqs, type LocalSqs } from '../../support/stand-ins/local-aws.js';
import { seedCampaignVersion } from '../../support/fixtures/seed.js';
import { seedPayableConversion } from '../../support/fixtures/payout-fixtures.js';
import { expectBalanced } from '../../support/books/reconcile.js';

let queue: LocalSqs;
let vendor: VendorHandle;
let other: VendorHandle;
let partnerId: number;
let versionHold10: number;
let versionHold30: number;

const fx = useApiFixture(async () => {
  queue = await startLocalSqs('notifications');
  Object.assign(fx.deps.config.queueUrls, { notifications: queue.queueUrl });
  Object.assign(fx.deps, { sqs: queue.sqs });
  vendor = await createVendor(fx.api);
  other = await createVendor(fx.api);
  partnerId = (await createPartner(fx.api)).partner_id;
  versionHold10 = (await seedCampaignVersion(fx.db.sql, vendor.vendor_id, { approvalHoldDays: 10 })).campaignVersionId;
  versionHold30 = (await seedCampaignVersion(fx.db.sql, vendor.vendor_id, { approvalHoldDays: 30 })).campaignVersionId;
}, 60_000);

afterAll(async () => {
  await queue?.close();
});

const seed = (campaignVersionId: number, occurredAt: string, status: 'pending' | 'approved' | 'rejected' | 'paid' = 'pending') =>
  seedPayableConversion(fx.db.sql, { vendorId: vendor.vendor_id, campaignVersionId, status, shares: [[partnerId, '10.00']], occurredAt, approvedAt: status === 'pending' ? null : undefined });
const statusOf = async (id: number) =>
  (await fx.db.sql.query<any>(`SELECT status, approved_at, rejection_reason FROM conversion_events WHERE conversion_event_id = :id::bigint`, { id })).rows[0];

describe('approve-conversions job', () => {
  // The job leaves the books balanced: touches = commission, payout events = payouts. (Not the
  // route scenario below: it seeds a 'paid' conversion with no payout, to see it refused.)
  afterEach(async () => {
    await expectBalanced(fx.db.sql);
  });

  it('approves pending conversions past their version hold only, audits and notifies each', async () => {
    // fixture clock: 2026-03-01T12:00Z
    const due10 = await seed(versionHold10, '2026-02-15T12:00:00.000Z'); // 14 days > 10
    const notDue10 = await seed(versionHold10, '2026-02-25T12:00:00.000Z'); // 4 days
    const notDue30 = await seed(versionHold30, '2026-02-15T12:00:00.000Z'); // 14 days < 30
    const due30 = await seed(versionHold30, '2026-01-20T12:00:00.000Z'); // 40 days
    const rejected = await seed(versionHold10, '2026-01-01T12:00:00.000Z', 'rejected');
    await queue.purge();
    const res = await fx.api.post('/v1/admin/jobs/approve-conversions', { batch_size: 1 }, { token: adminToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.result.conversion_event_ids.sort()).toEqual([due10, due30].sort());
    expect((await statusOf(due10)).status).toBe('approved');
    expect((await statusOf(due30)).approved_at).toBeTruthy();
    expect((await statusOf(notDue10)).status).toBe('pending');
    expect((await statusOf(notDue30)).status).toBe('pending');
    expect((await statusOf(rejected)).status).toBe('rejected');
    const { rows: audits } = await fx.db.sql.query<any>(
      `SELECT entity_id, action, actor_type FROM audit_logs WHERE entity_type = 'conversion_events' AND entity_id = ANY(:ids::bigint[]) ORDER BY entity_id`,
      { ids: [due10, due30] },
    );
    expect(audits.map((a: any) => [Number(a.entity_id), a.action, a.actor_type])).toEqual([[due10, 'approve', 'system'], [due30, 'approve', 'system']].sort((a, b) => (a[0] as number) - (b[0] as number)));
    const messages = (await queue.drain()) as any[];
    expect(messages.map((m) => [m.event_type, m.vendor_id, Number(m.payload.conversion_id)]).sort()).toEqual(
      [['conversion.approved', vendor.vendor_id, due10], ['conversion.approved', vendor.vendor_id, due30]].sort(),
    );
    // Re-run: nothing more.
    const again = await fx.api.post('/v1/admin/jobs/approve-conversions', {}, { token: adminToken });
    expect(again.body.result.approved).toBe(0);
  });
});

describe('vendor approve / reject', () => {
  it('moves along pending -> approved -> rejected, refuses invalid moves with 409 and other vendors with 404', async () => {
    const id = await seed(versionHold30, '2026-02-28T12:00:00.000Z');
    expect((await fx.api.post(`/v1/conversions/${id}/approve`, {}, { token: other.key })).status).toBe(404);
    const approved = await fx.api.post(`/v1/conversions/${id}/approve`, {}, { token: vendor.key });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect((await fx.api.post(`/v1/conversions/${id}/approve`, {}, { token: vendor.key })).status).toBe(409);
    expect((await fx.api.post(`/v1/conversions/${id}/reject`, {}, { token: vendor.key })).status).toBe(400);
    const rejected = await fx.api.post(`/v1/conversions/${id}/reject`, { rejection_reason: 'fraud' }, { token: vendor.key });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection_reason: 'fraud' });
    expect((await fx.api.post(`/v1/conversions/${id}/approve`, {}, { token: vendor.key })).status).toBe(409);
    expect((await fx.api.post(`/v1/conversions/${id}/reject`, { rejection_reason: 'again' }, { token: vendor.key })).status).toBe(409);
    const paid = await seed(versionHold30, '2026-01-01T12:00:00.000Z', 'paid');
    expect((await fx.api.post(`/v1/conversions/${paid}/reject`, { rejection_reason: 'late' }, { token: vendor.key })).status).toBe(409);
    const messages = (await queue.drain()) as any[];
    expect(messages.map((m) => m.event_type)).toEqual(['conversion.approved', 'conversion.rejected']);
  });
});
