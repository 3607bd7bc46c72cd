/**
 * Sends a payout (`POST /v1/admin/payouts/{id}/approve`), following docs/payouts.md "Sending a
 * payout": commit `processing` + `processed_at` + the idempotency key, call the provider outside
 * any transaction, then record the outcome (completed, accepted and still processing, or failed).
 */
import type { Actor } from '../domain/audit/actor.js';
import { NotFoundError } from '../domain/errors.js';
import { parseAmount } from '../domain/money/currency.js';
import { nextIdempotencyGeneration, parsePayoutIdempotencyKey, payoutIdempotencyKey } from '../domain/payouts/payout-idempotency-key.js';
import { transitionPayout, type PayoutAction } from '../domain/payouts/transition-payout.js';
import { silentLogger, silentMetrics } from '../platform/silent-telemetry.js';
import type { BusinessMetrics } from '../ports/business-metrics.js';
import type { Logger } from '../ports/logger.js';
import type { PaymentDataCipher } from '../ports/payment-data-cipher.js';
import { PayoutProviderError, type PayoutProvider, type PayoutProviderName } from '../ports/payout-provider.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { findPayout, markPayoutSending, recordPayoutCompleted, recordPayoutFailed, recordPayoutProcessing, type PayoutRecord } from '../repositories/payouts/payouts.js';

/** How long a `processing` payout without any provider answer must wait before a re-send (a crashed send). */
const RESEND_AFTER_MS = 5 * 60 * 1000;

const lastOutcome = (payout: PayoutRecord): 'not_paid' | 'unknown' | undefined => {
  const outcome = (payout.provider_response as { outcome?: unknown } | null)?.outcome;
  return outcome === 'not_paid' || outcome === 'unknown' ? outcome : undefined;
};

/**
 * The payout send is the only reader of payment details in clear (docs/payment-data.md): the
 * sealed record is opened here, for the provider call, and never stored or returned. A row from
 * before migration 0011 (nothing sealed yet) is used as stored. A record that cannot be opened
 * fails the payout before anything is sent (`not_paid`, so a retry after the key is fixed is safe).
 */
async function openAccountDetails(cipher: PaymentDataCipher | undefined, payout: PayoutRecord): Promise<Record<string, unknown>> {
  if (!payout.account_details_encrypted) return payout.account_details ?? {};
  try {
    if (!cipher) throw new Error('payment data encryption is not configured');
    return await cipher.open(payout.account_details_encrypted, { partner_id: String(payout.partner_id) });
  } catch (cause) {
    throw new PayoutProviderError({
      provider: payout.provider as PayoutProviderName,
      reason: 'invalid_destination',
      retryable: false,
      outcome: 'not_paid',
      message: `payment details of payout ${payout.payout_id} could not be decrypted: ${(cause as Error).message}`,
      cause,
    });
  }
}

export type SendPayoutOutcome = 'completed' | 'processing' | 'failed';

/**
 * Approve (pending), retry (failed) or re-send a crashed send (processing, no provider answer,
 * older than RESEND_AFTER_MS) — always with the payout's idempotency key, a new key only after a
 * definitive refusal. A provider's refusal or timeout is recorded (`failed`), not thrown.
 */
export async function sendPayout(args: {
  sql: SqlExecutor;
  /** The deployment's providers by name; a payout whose provider is absent fails `not_paid`. */
  providers: Partial<Record<PayoutProviderName, PayoutProvider>>;
  paymentDataCipher?: PaymentDataCipher;
  /** Prefix of idempotency keys, for deployments sharing one provider account. */
  payoutKeyNamespace?: string;
  payoutId: number;
  now: Date;
  actor: Actor;
  logger?: Logger;
  metrics?: BusinessMetrics;
}): Promise<{ payout_id: number; status: SendPayoutOutcome }> {
  const { sql, payoutId, now, actor } = args;
  const logger = args.logger ?? silentLogger;
  const metrics = args.metrics ?? silentMetrics;
  const prepared = await sql.transaction(async (tx) => {
    const payout = await findPayout(tx, payoutId, { forUpdate: true });
    if (!payout) throw new NotFoundError('Payout not found.');
    const previous = payout.idempotency_key ? parsePayoutIdempotencyKey(payout.idempotency_key) : undefined;
    let generation = previous?.generation ?? 0;
    let mayHaveBeenSent = false;
    const crashedSend =
      payout.status === 'processing' &&
      payout.provider !== 'wire' &&
      payout.provider_response === null &&
      payout.processed_at !== null &&
      now.getTime() - Date.parse(`${payout.processed_at}${payout.processed_at.endsWith('Z') ? '' : 'Z'}`) >= RESEND_AFTER_MS;
    if (crashedSend) {
      mayHaveBeenSent = true;
    } else {
      const action: PayoutAction = payout.status === 'failed' ? 'retry' : 'approve';
      // An illegal move throws PayoutTransitionError, a ConflictError.
      transitionPayout(payout.status, action, payout.provider as PayoutProviderName);
      if (action === 'retry') {
        const outcome = lastOutcome(payout) ?? 'unknown';
        generation = nextIdempotencyGeneration({ generation, lastOutcome: outcome });
        mayHaveBeenSent = outcome === 'unknown';
      }
    }
    const namespace = args.payoutKeyNamespace;
    const idempotencyKey = payoutIdempotencyKey({ payoutId, generation, ...(namespace ? { namespace } : {}) });
    await markPayoutSending(tx, { payoutId, idempotencyKey, now: now.toISOString() });
    await writeAuditLog(tx, {
      entity_type: 'payouts',
      entity_id: payoutId,
      action: payout.status === 'failed' ? 'retry' : 'approve',
      actor,
      before: { status: payout.status },
      after: { status: 'processing', idempotency_key: idempotencyKey },
      now,
    });
    return { payout, idempotencyKey, mayHaveBeenSent };
  });

  const { payout, idempotencyKey, mayHaveBeenSent } = prepared;
  const providerName = payout.provider as PayoutProviderName;
  const provider = args.providers[providerName];
  try {
    if (!provider) throw new PayoutProviderError({ provider: providerName, reason: 'authentication', retryable: false, outcome: 'not_paid', message: `Provider ${payout.provider} is not configured` });
    const result = await provider.send({
      payoutId,
      idempotencyKey,
      amountCents: parseAmount(payout.amount, payout.currency.trim()),
      currency: payout.currency.trim(),
      destination: {
        ...(payout.provider_account_id ? { providerAccountId: payout.provider_account_id } : {}),
        accountDetails: await openAccountDetails(args.paymentDataCipher, payout),
      },
      description: `Affiliate payout ${payoutId}`,
      mayHaveBeenSent,
    });
    await sql.transaction(async (tx) => {
      if (result.status === 'completed') {
        await recordPayoutCompleted(tx, { payoutId, providerTransactionId: result.providerTransactionId ?? null, providerResponse: result.providerResponse, now: now.toISOString() });
      } else {
        await recordPayoutProcessing(tx, { payoutId, providerTransactionId: result.providerTransactionId ?? null, providerResponse: result.providerResponse ?? { status: result.status } });
      }
      // The provider's answer is a change of money state of its own: completed, or accepted and still processing.
      await writeAuditLog(tx, {
        entity_type: 'payouts',
        entity_id: payoutId,
        action: result.status === 'completed' ? 'complete' : 'send',
        actor,
        before: { status: 'processing', provider_transaction_id: null },
        after: { status: result.status === 'completed' ? 'completed' : 'processing', provider_transaction_id: result.providerTransactionId ?? null },
        now,
      });
    });
    const status: SendPayoutOutcome = result.status === 'completed' ? 'completed' : 'processing';
    metrics.add('PayoutsSent', 1, { provider: providerName });
    logger.info('payout sent', { payout_id: payoutId, provider: providerName, status });
    return { payout_id: payoutId, status };
  } catch (error) {
    if (!(error instanceof PayoutProviderError)) throw error;
    await sql.transaction(async (tx) => {
      await recordPayoutFailed(tx, {
        payoutId,
        failureReason: error.message,
        providerResponse: { reason: error.reason, outcome: error.outcome, httpStatus: error.httpStatus ?? null, body: error.providerResponse ?? null },
        now: now.toISOString(),
      });
      await writeAuditLog(tx, { entity_type: 'payouts', entity_id: payoutId, action: 'fail', actor, before: { status: 'processing' }, after: { status: 'failed' }, reason: error.message, now });
    });
    metrics.add('PayoutsFailed', 1, { provider: providerName });
    logger.warn('payout failed', { payout_id: payoutId, provider: providerName, reason: error.reason, outcome: error.outcome });
    return { payout_id: payoutId, status: 'failed' };
  }
}
