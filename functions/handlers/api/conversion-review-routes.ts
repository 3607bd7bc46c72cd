/**
 * The vendor's review of a conversion: `POST /v1/conversions/{id}/approve` and `/reject`
 * `{ rejection_reason }`. Moves only along `transitionConversion` (pending -> approved;
 * pending|approved -> rejected); anything else, or rejecting a conversion a live payout holds, is
 * 409. Another vendor's conversion is 404. The vendor is notified after the commit.
 */
import { z } from 'zod';
import { ConversionTransitionError, transitionConversion, type ConversionAction } from '../../domain/payouts/index.js';
import { createSqsNotificationQueue } from '../../adapters/aws/sqs-notification-queue.js';
import { enqueueConversionNotices } from '../../use-cases/approve-conversions.js';
import { ConflictError, NotFoundError } from '../../platform/http/errors.js';
import { idParam } from '../../platform/http/fields.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { writeAuditLog } from '../../repositories/audit-logs.js';
import { findConversionForReview, heldByLivePayout, setConversionStatus } from '../../repositories/approvals.js';

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
      const row = await deps.sql.transaction(async (tx) => {
        const conversion = await findConversionForReview(tx, {
          vendorId: auth.vendorId,
          ...(typeof p.id === 'number' ? { conversionEventId: p.id } : { receiptId: p.id }),
        });
        if (!conversion) throw new NotFoundError('Conversion not found.');
        let next: string;
        try {
          next = transitionConversion(conversion.status, action);
        } catch (error) {
          if (error instanceof ConversionTransitionError) throw new ConflictError(error.message, { cause: error });
          throw error;
        }
        if (action === 'reject' && (await heldByLivePayout(tx, Number(conversion.conversion_event_id)))) {
          throw new ConflictError('A payout holds this conversion: cancel the payout first, or record a clawback.');
        }
        await setConversionStatus(tx, {
          conversionEventId: Number(conversion.conversion_event_id),
          status: next as 'approved' | 'rejected',
          now: now.toISOString(),
          ...(rejectionReason ? { rejectionReason } : {}),
        });
        await writeAuditLog(tx, {
          entity_type: 'conversion_events',
          entity_id: Number(conversion.conversion_event_id),
          action,
          actor,
          before: { status: conversion.status },
          after: { status: next },
          reason: rejectionReason ?? null,
          now,
        });
        return (await findConversionForReview(tx, { vendorId: auth.vendorId, conversionEventId: Number(conversion.conversion_event_id) }))!;
      });
      const queueUrl = deps.config.queueUrls.notifications;
      await enqueueConversionNotices({
        queue: queueUrl ? createSqsNotificationQueue({ client: deps.sqs, queueUrl }) : undefined,
        eventType: action === 'approve' ? 'conversion.approved' : 'conversion.rejected',
        conversions: [row],
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
