/**
 * Applies one refund or dispute message in ONE transaction, under the same advisory lock on
 * (vendor, source, transaction id) as the sale; then, after the commit, tells the vendor of each
 * conversion it rejected (`conversion.rejected`). The decision is the pure `planRefund`; the
 * ledger and the rows are written by `functions/repositories/conversions/refunds.ts`.
 */
import { ledgerInCurrency, planRefund, refundEventFromMessage } from '../domain/conversions/index.js';
import { formatAmount } from '../domain/money/currency.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { RefundMessage } from '../ports/conversion-message.js';
import type { Logger } from '../ports/logger.js';
import type { NotificationQueue } from '../ports/notification-queue.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { lockTransactionKey, recordWebhookDelivery } from '../repositories/conversions/attribution-data.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { lockEnrollments } from '../repositories/conversions/conversions-write.js';
import { applyRefundPlan, loadRefundTargets, recordRefund } from '../repositories/conversions/refunds.js';
import { queueConversionNotices } from './queue-conversion-notices.js';

export type ApplyRefundOutcome =
  | { kind: 'duplicate' }
  /** No sale recorded yet: the refund waits in the transaction's ledger and the sale applies it. */
  | { kind: 'refund_held' }
  /**
   * `rejectedIds`: conversions this refund rejected (full refund or dispute), the vendor is told;
   * `refunded`: the sale amount newly refunded, per conversion, in minor units of its currency.
   */
  | { kind: 'refund_applied'; conversionEventIds: number[]; rejectedIds: number[]; refunded: { currency: string; minor: bigint }[] };

/**
 * Records a refund or dispute: dedupe on the provider event id, add it to the transaction's
 * ledger, then bring every recorded conversion of the transaction to the state its sale and the
 * whole ledger imply. Without a sale yet the refund is held in the ledger, and the sale applies
 * it when it arrives.
 */
export async function applyRefund(input: {
  sql: SqlExecutor;
  /** Absent: notifications are off (logged). */
  notificationQueue?: NotificationQueue;
  message: RefundMessage;
  logger?: Logger;
  metrics?: BusinessMetrics;
}): Promise<ApplyRefundOutcome> {
  const { message } = input;
  const logger = input.logger ?? silentLogger;
  const metrics = input.metrics ?? silentMetrics;
  const outcome = await applyInTransaction(input.sql, message);
  logger.debug('refund_recorded', {
    correlation_id: `${message.source}:${message.transaction_id}`,
    provider_event_id: message.provider_event_id,
    outcome: outcome.kind,
  });
  if (outcome.kind !== 'refund_applied') return outcome;
  for (const { currency, minor } of outcome.refunded) metrics.add('RefundAmount', Number(minor), { currency });
  // A refund that rejects a conversion tells the vendor, after the commit.
  await queueConversionNotices({
    sql: input.sql,
    queue: input.notificationQueue,
    eventType: 'conversion.rejected',
    conversions: { ids: outcome.rejectedIds },
    logger,
  });
  return outcome;
}

/** Dedupe on the provider event id, add the event to the ledger, bring every conversion of the transaction to what the whole ledger implies. */
function applyInTransaction(sql: SqlExecutor, message: RefundMessage): Promise<ApplyRefundOutcome> {
  const key = { vendorId: message.vendor_id, source: message.source, transactionId: message.transaction_id };
  return sql.transaction(async (tx) => {
    await lockTransactionKey(tx, key);
    const first = await recordWebhookDelivery(tx, {
      provider: message.source,
      providerEventId: message.provider_event_id,
      integrationId: message.integration_id,
    });
    if (!first) return { kind: 'duplicate' } as const;
    const event = refundEventFromMessage(message);
    const ledger = await recordRefund(tx, { ...key, occurredAt: message.occurred_at, integrationId: message.integration_id }, event);
    const targets = await loadRefundTargets(tx, key);
    if (targets.length === 0) return { kind: 'refund_held' } as const;
    await lockEnrollments(
      tx,
      targets.flatMap((t) => t.touches.map((touch) => ({ partner_id: Number(touch.partnerId), campaign_version_id: Number(touch.campaignVersionId) }))),
    );
    const rejectedIds: number[] = [];
    const refunded: { currency: string; minor: bigint }[] = [];
    for (const target of targets) {
      const plan = planRefund(target, ledgerInCurrency(ledger, target.currency));
      await applyRefundPlan(tx, { target, plan, sourceEventId: message.provider_event_id, reason: message.reason });
      if (plan.kind === 'apply' && (plan.status !== target.status || plan.commissionCents !== target.commissionCents)) {
        await writeAuditLog(tx, {
          entity_type: 'conversion_events',
          entity_id: target.conversionEventId,
          action: plan.status === 'rejected' && target.status !== 'rejected' ? 'reject' : 'refund',
          actor: { actor_type: 'system', actor_id: null, ip_address: null },
          before: { status: target.status, commission_amount: formatAmount(target.commissionCents, target.currency) },
          after: { status: plan.status, commission_amount: formatAmount(plan.commissionCents, target.currency) },
          reason: `${message.reason} ${message.provider_event_id}`,
        });
      }
      if (plan.kind === 'apply' && plan.status === 'rejected' && target.status !== 'rejected') rejectedIds.push(target.conversionEventId);
      if (plan.kind === 'apply' && plan.refundedCents > target.refundedCents) {
        refunded.push({ currency: target.currency, minor: plan.refundedCents - target.refundedCents });
      }
    }
    return { kind: 'refund_applied', conversionEventIds: targets.map((t) => t.conversionEventId), rejectedIds, refunded } as const;
  });
}
