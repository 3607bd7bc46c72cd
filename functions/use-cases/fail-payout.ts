/**
 * Fails a processing payout on the operator's word (`POST /v1/admin/payouts/{id}/fail`): the wire
 * was not sent, or was refused. The payout stays retryable (approve), and because the operator
 * knows nothing left, the retry may use a new idempotency key (`outcome: not_paid`).
 */
import type { Actor } from '../domain/audit/actor.js';
import { NotFoundError } from '../domain/errors.js';
import { transitionPayout } from '../domain/payouts/transition-payout.js';
import { silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { PayoutProviderName } from '../ports/payout-provider.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { findPayout, recordPayoutFailed } from '../repositories/payouts/payouts.js';

export async function failPayout(args: {
  sql: SqlExecutor;
  payoutId: number;
  failureReason: string;
  now: Date;
  actor: Actor;
  metrics?: BusinessMetrics;
}): Promise<void> {
  const { sql, payoutId, failureReason, now, actor } = args;
  const provider = await sql.transaction(async (tx) => {
    const payout = await findPayout(tx, payoutId, { forUpdate: true });
    if (!payout) throw new NotFoundError('Payout not found.');
    transitionPayout(payout.status, 'fail', payout.provider as PayoutProviderName);
    await recordPayoutFailed(tx, { payoutId, failureReason, providerResponse: { reason: 'operator', outcome: 'not_paid' }, now: now.toISOString() });
    await writeAuditLog(tx, { entity_type: 'payouts', entity_id: payoutId, action: 'fail', actor, before: { status: payout.status }, after: { status: 'failed' }, reason: failureReason, now });
    return payout.provider;
  });
  (args.metrics ?? silentMetrics).add('PayoutsFailed', 1, { provider });
}
