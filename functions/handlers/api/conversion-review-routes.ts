/**
 * The vendor's review of a conversion: `POST /v1/conversions/{id}/approve` and `/reject`
 * `{ rejection_reason }`. Moves only along `transitionConversion` (pending -> approved;
 * pending|approved -> rejected); anything else, or rejecting a conversion a live payout holds, is
 * 409. Another vendor's conversion is 404. The vendor is notified after the commit.
 */
import { z } from 'zod';
import { createSqsNotificationQueue } from '../../adapters/aws/sqs-notification-queue.js';
import type { ConversionAction } from '../../domain/payouts/index.js';
import { idParam } from '../../platform/http/fields.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { reviewConversion } from '../../use-cases/review-conversion.js';

const params = z.object({ id: z.union([idParam, z.uuid().transform((u) => u.toLowerCase())]) });

const reviewed = z.object({
  conversion_event_id: z.number().int(),
  receipt_id: z.string(),
  status: z.string(),
  approved_at: z.string().nullable(),
  rejected_at: z.string().nullable(),
  rejection_reason: z.string().nullable(),
});

function reviewRoute(action: Extract<ConversionAction, 'approve' | 'reject'>): AnyRoute {
  return defineRoute({
    method: 'POST',
    path: `/v1/conversions/{id}/${action}`,
    operationId: `${action}Conversion`,
    auth: 'vendor',
    minRole: 'manager',
    summary: action === 'approve' ? 'Approve a pending conversion before its hold period ends' : 'Reject a pending or approved conversion',
    tags: ['conversions'],
    params,
    body: action === 'reject' ? z.strictObject({ rejection_reason: z.string().trim().min(1).max(1000) }) : z.strictObject({}).optional(),
    responses: { 200: { description: 'The conversion', schema: reviewed } },
    handler: async ({ deps, auth, params: p, body, actor, now }) => {
      const rejectionReason = action === 'reject' ? (body as { rejection_reason: string }).rejection_reason : undefined;
      const queueUrl = deps.config.queueUrls.notifications;
      const row = await reviewConversion({
        sql: deps.sql,
        ...(queueUrl ? { notificationQueue: createSqsNotificationQueue({ client: deps.sqs, queueUrl }) } : {}),
        vendorId: auth.vendorId,
        conversion: typeof p.id === 'number' ? { conversionEventId: p.id } : { receiptId: p.id },
        action,
        ...(rejectionReason ? { rejectionReason } : {}),
        actor,
        now,
        logger: deps.logger,
      });
      return ok({
        conversion_event_id: Number(row.conversion_event_id),
        receipt_id: row.receipt_id,
        status: row.status,
        approved_at: row.approved_at,
        rejected_at: row.rejected_at,
        rejection_reason: row.rejection_reason,
      });
    },
  });
}

export const conversionReviewRoutes: AnyRoute[] = [reviewRoute('approve'), reviewRoute('reject')];
