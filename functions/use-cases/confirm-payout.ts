/**
 * Confirms a wire payout (`POST /v1/admin/payouts/{id}/confirm`): the operator says the wire left
 * the bank (processing -> completed); the conversions it fully pays become `paid` in the same
 * transaction (recordPayoutCompleted).
 */
import type { Actor } from '../domain/audit/actor.js';
import { NotFoundError } from '../domain/errors.js';
import { transitionPayout } from '../domain/payouts/transition-payout.js';
import type { PayoutProviderName } from '../ports/payout-provider.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { findPayout, recordPayoutCompleted } from '../repositories/payouts/payouts.js';

export async function confirmPayout({ sql, payoutId, now, actor }: { sql: SqlExecutor; payoutId: number; now: Date; actor: Actor }): Promise<{ conversions_paid: number[] }> {
  return sql.transaction(async (tx) => {
    const payout = await findPayout(tx, payoutId, { forUpdate: true });
    if (!payout) throw new NotFoundError('Payout not found.');
    transitionPayout(payout.status, 'confirm', payout.provider as PayoutProviderName);
    const paid = await recordPayoutCompleted(tx, { payoutId, providerTransactionId: null, providerResponse: null, now: now.toISOString() });
    await writeAuditLog(tx, { entity_type: 'payouts', entity_id: payoutId, action: 'confirm', actor, before: { status: payout.status }, after: { status: 'completed' }, now });
    return { conversions_paid: paid };
  });
}
