/**
 * The vendor's review of one conversion: approve or reject it, along `transitionConversion` only
 * (pending -> approved; pending|approved -> rejected), with an audit row, in one transaction;
 * then the vendor's notice (`conversion.approved` / `conversion.rejected`) after the commit.
 */
import { NotFoundError, ConflictError } from '../domain/errors.js';
import { ConversionTransitionError, transitionConversion } from '../domain/payouts/index.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { findConversionForReview, heldByLivePayout, setConversionStatus, type ReviewConversion } from '../repositories/conversions/approvals.js';
import { writeAuditLog, type AuditEntry } from '../repositories/governance/audit-logs.js';
import { queueConversionNotices } from './queue-conversion-notices.js';

/**
 * Returns the conversion as it now stands. Throws `NotFoundError` for a conversion of another
 * vendor (or none), `ConflictError` for a move the lifecycle forbids or a rejection of a
 * conversion a live payout holds.
 */
export async function reviewConversion(input: {
  sql: SqlExecutor;
  /** Absent: notifications are off (logged). */
  notificationQueue?: NotificationQueue;
  vendorId: number;
  conversion: { conversionEventId: number } | { receiptId: string };
  action: 'approve' | 'reject';
  rejectionReason?: string;
  actor: AuditEntry['actor'];
  now: Date;
  logger?: Logger;
}): Promise<ReviewConversion> {
  const { action, rejectionReason, vendorId, now } = input;
  const row = await input.sql.transaction(async (tx) => {
    const conversion = await findConversionForReview(tx, { vendorId, ...input.conversion });
    if (!conversion) throw new NotFoundError('Conversion not found.');
    let next: string;
    try {
      next = transitionConversion(conversion.status, action);
    } catch (error) {
      if (error instanceof ConversionTransitionError) throw new ConflictError(error.message, { cause: error });
      throw error;
    }
    const conversionEventId = Number(conversion.conversion_event_id);
    if (action === 'reject' && (await heldByLivePayout(tx, conversionEventId))) {
      throw new ConflictError('A payout holds this conversion: cancel the payout first, or record a clawback.');
    }
    await setConversionStatus(tx, {
      conversionEventId,
      status: next as 'approved' | 'rejected',
      now: now.toISOString(),
      ...(rejectionReason ? { rejectionReason } : {}),
    });
    await writeAuditLog(tx, {
      entity_type: 'conversion_events',
      entity_id: conversionEventId,
      action,
      actor: input.actor,
      before: { status: conversion.status },
      after: { status: next },
      reason: rejectionReason ?? null,
      now,
    });
    return (await findConversionForReview(tx, { vendorId, conversionEventId }))!;
  });
  await queueConversionNotices({
    sql: input.sql,
    queue: input.notificationQueue,
    eventType: action === 'approve' ? 'conversion.approved' : 'conversion.rejected',
    conversions: { ids: [Number(row.conversion_event_id)] },
    logger: input.logger ?? silentLogger,
  });
  return row;
}
