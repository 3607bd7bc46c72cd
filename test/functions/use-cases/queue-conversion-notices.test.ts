/**
 * Conversion notices are built in one place: whatever the event (created, approved by the job or
 * the vendor, rejected), the notice carries the conversion as it stands, under an id that is the
 * same for the same event of the same conversion. The vendor's review is one use case that moves
 * the conversion, audits it and then queues its notice.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors.js';
import { notificationIdFor } from '../../../functions/domain/notifications/index.js';
import type { NotificationMessage } from '../../../functions/ports/notification-message.js';
import type { NotificationQueue } from '../../../functions/ports/notification-queue.js';
import { queueConversionNotices } from '../../../functions/use-cases/queue-conversion-notices.js';
import { reviewConversion } from '../../../functions/use-cases/review-conversion.js';
import { useTestDatabase } from '../../support/database/use-test-database.js';
import { seedPayableConversion } from '../../support/fixtures/payout-fixtures.js';
import { recordingLogger } from '../../support/fixtures/recording-telemetry.js';
import { seedCampaignVersion, seedPartner, seedVendor } from '../../support/fixtures/seed.js';

let vendorId: number;
let otherVendorId: number;
let partnerId: number;
let campaignVersionId: number;

/** The queue as the notifier would read it: every message it was given, in order. */
function memoryQueue(): NotificationQueue & { sent: NotificationMessage[] } {
  const sent: NotificationMessage[] = [];
  return { sent, send: async (messages) => void sent.push(...messages) };
}

const db = useTestDatabase(async () => {
  vendorId = (await seedVendor(db.sql)).vendorId;
  otherVendorId = (await seedVendor(db.sql)).vendorId;
  partnerId = (await seedPartner(db.sql)).partnerId;
  campaignVersionId = (await seedCampaignVersion(db.sql, vendorId)).campaignVersionId;
}, 60_000);

const seed = (status: 'pending' | 'approved' = 'pending') =>
  seedPayableConversion(db.sql, { vendorId, campaignVersionId, status, shares: [[partnerId, '12.50']], approvedAt: status === 'pending' ? null : undefined });

describe('queueConversionNotices', () => {
  it('builds the whole conversion as the notice, in its currency\'s decimals, under a deterministic id', async () => {
    const id = await seed();
    const { rows } = await db.sql.query<{ receipt_id: string; transaction_id: string }>(
      `SELECT receipt_id::text AS receipt_id, transaction_id FROM conversion_events WHERE conversion_event_id = :id::bigint`,
      { id },
    );
    const queue = memoryQueue();
    expect(await queueConversionNotices({ sql: db.sql, queue, eventType: 'conversion.approved', conversions: { ids: [id] } })).toBe(1);
    expect(queue.sent).toEqual([
      {
        notification_id: notificationIdFor('conversion.approved', rows[0]!.receipt_id),
        vendor_id: vendorId,
        event_type: 'conversion.approved',
        payload: expect.objectContaining({
          conversion_id: String(id),
          receipt_id: rows[0]!.receipt_id,
          partner_id: partnerId,
          campaign_version_id: campaignVersionId,
          transaction_id: rows[0]!.transaction_id,
          event_value: '125.00',
          currency: 'USD',
          commission_amount: '12.50',
          status: 'pending',
          milestone_bonus: false,
        }),
      },
    ]);
    // Every notice names its event type, approvals included (0015 lets the hold-period job's role read it).
    expect(queue.sent[0]!.payload).toMatchObject({ event_type: 'sale' });
    const rejected = memoryQueue();
    await queueConversionNotices({ sql: db.sql, queue: rejected, eventType: 'conversion.rejected', conversions: { ids: [id] } });
    expect(rejected.sent[0]).toMatchObject({ notification_id: notificationIdFor('conversion.rejected', rows[0]!.receipt_id), payload: { event_type: 'sale' } });
    // The same conversion by its receipt: the same notice, so the notifier sends it once.
    const again = memoryQueue();
    await queueConversionNotices({ sql: db.sql, queue: again, eventType: 'conversion.approved', conversions: { receiptId: rows[0]!.receipt_id } });
    expect(again.sent).toEqual(queue.sent);
  });

  it('queues nothing for no conversion, and without a queue logs that notices are off', async () => {
    const queue = memoryQueue();
    expect(await queueConversionNotices({ sql: db.sql, queue, eventType: 'conversion.created', conversions: { ids: [] } })).toBe(0);
    const logger = recordingLogger();
    expect(await queueConversionNotices({ sql: db.sql, queue: undefined, eventType: 'conversion.created', conversions: { ids: [await seed()] }, logger })).toBe(0);
    expect(queue.sent).toEqual([]);
    expect(logger.lines).toEqual([
      { level: 'info', message: 'conversion_notification_skipped', fields: { reason: 'no notifications queue configured', event_type: 'conversion.created', count: 1 } },
    ]);
  });
});

describe('reviewConversion', () => {
  const actor = { actor_type: 'vendor_user' as const, actor_id: null, ip_address: null };
  const now = new Date('2026-03-01T12:00:00.000Z');

  it('approves, then rejects with a reason, auditing each move and queuing each notice after the commit', async () => {
    const id = await seed();
    const queue = memoryQueue();
    const review = (action: 'approve' | 'reject', rejectionReason?: string) =>
      reviewConversion({ sql: db.sql, notificationQueue: queue, vendorId, conversion: { conversionEventId: id }, action, ...(rejectionReason ? { rejectionReason } : {}), actor, now });

    expect(await review('approve')).toMatchObject({ status: 'approved', approved_at: expect.any(String) });
    expect(await review('reject', 'fraud')).toMatchObject({ status: 'rejected', rejection_reason: 'fraud' });
    expect(queue.sent.map((m) => [m.event_type, m.payload.status, m.payload.rejection_reason])).toEqual([
      ['conversion.approved', 'approved', null],
      ['conversion.rejected', 'rejected', 'fraud'],
    ]);
    const audits = await db.sql.query<{ action: string }>(
      `SELECT action FROM audit_logs WHERE entity_type = 'conversion_events' AND entity_id = :id::bigint ORDER BY audit_log_id`,
      { id },
    );
    expect(audits.rows.map((a) => a.action)).toEqual(['approve', 'reject']);

    // Rejected is final here: another move is a conflict, and nothing more is queued.
    await expect(review('approve')).rejects.toBeInstanceOf(ConflictError);
    expect(queue.sent).toHaveLength(2);
  });

  it("another vendor's conversion is not found", async () => {
    const id = await seed();
    const queue = memoryQueue();
    const other = reviewConversion({ sql: db.sql, notificationQueue: queue, vendorId: otherVendorId, conversion: { conversionEventId: id }, action: 'approve', actor, now });
    await expect(other).rejects.toBeInstanceOf(NotFoundError);
    expect(queue.sent).toEqual([]);
  });
});
