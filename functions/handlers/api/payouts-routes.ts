/**
 * Payout routes: the operator lists payouts and moves them (approve = send through the provider,
 * confirm a wire, fail), the partner reads its own with their conversions. The send flow follows
 * docs/payouts.md "Sending a payout": commit `processing` + `processed_at` + the key, call the
 * provider outside any transaction, then record the outcome.
 *
 * Providers come from `deps.payoutProviders`: the Lambda builds them from Secrets Manager
 * (`payoutProvidersFromSecrets`; locally `payoutProvidersFromEnv`), tests inject adapters that
 * replay recorded responses; without any, only wire (manual) payouts can be sent.
 */
import { z } from 'zod';
import { notifyPartner } from '../../use-cases/send-notice.js';
import { WirePayoutProvider } from '../../adapters/payments/wire-payout-provider.js';
import {
  nextIdempotencyGeneration,
  parsePayoutIdempotencyKey,
  payoutIdempotencyKey,
  PayoutTransitionError,
  transitionPayout,
  type PayoutAction,
} from '../../domain/payouts/index.js';
import { formatAmount, parseAmount } from '../../domain/money/currency.js';
import { ConflictError, NotFoundError } from '../../platform/http/errors.js';
import { idParam, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute, type ApiDeps } from '../../platform/http/route.js';
import type { Actor } from '../../platform/http/principal.js';
import { PayoutProviderError, type PayoutProvider, type PayoutProviderName } from '../../ports/payout-provider.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { writeAuditLog } from '../../repositories/audit-logs.js';
import {
  findPayout,
  listPayouts,
  markPayoutSending,
  payoutEventsOf,
  recordPayoutCompleted,
  recordPayoutFailed,
  recordPayoutProcessing,
  type PayoutRecord,
} from '../../repositories/payouts.js';
import { reconciliationMoney, runReconciliation } from '../../repositories/reconciliation.js';

type Providers = Partial<Record<PayoutProviderName, PayoutProvider>>;

/** How long a `processing` payout without any provider answer must wait before a re-send (a crashed send). */
const RESEND_AFTER_MS = 5 * 60 * 1000;

const manualOnly: Providers = { wire: new WirePayoutProvider() };

/** The deployment's providers (`deps.payoutProviders`, built at the composition root); wire alone when none were given. */
export function payoutProvidersOf(deps: ApiDeps): Providers {
  return deps.payoutProviders ?? manualOnly;
}

const eventSchema = z.object({ conversion_event_id: z.number().int(), receipt_id: z.string(), commission_amount: z.string(), conversion_status: z.string() });
const payoutSchema = z.object({
  payout_id: z.number().int(),
  partner_id: z.number().int(),
  amount: z.string(),
  currency: z.string(),
  provider: z.string(),
  status: z.string(),
  start_date: z.string(),
  end_date: z.string(),
  idempotency_key: z.string().nullable(),
  attempts: z.number().int(),
  provider_transaction_id: z.string().nullable(),
  failure_reason: z.string().nullable(),
  created_at: z.string(),
  processed_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  failed_at: z.string().nullable(),
  conversions: z.array(eventSchema),
});

async function withEvents(sql: SqlExecutor, payouts: PayoutRecord[]) {
  const events = await payoutEventsOf(sql, payouts.map((p) => Number(p.payout_id)));
  return payouts.map((p) => ({
    payout_id: Number(p.payout_id),
    partner_id: Number(p.partner_id),
    // In the payout's own currency decimals ("5000" JPY, "10.00" USD; the column holds 3).
    amount: formatAmount(parseAmount(p.amount, p.currency.trim()), p.currency.trim()),
    currency: p.currency.trim(),
    provider: p.provider,
    status: p.status,
    start_date: p.start_date,
    end_date: p.end_date,
    idempotency_key: p.idempotency_key,
    attempts: Number(p.attempts),
    provider_transaction_id: p.provider_transaction_id,
    failure_reason: p.failure_reason,
    created_at: p.created_at,
    processed_at: p.processed_at,
    completed_at: p.completed_at,
    failed_at: p.failed_at,
    conversions: events
      .filter((e) => Number(e.payout_id) === Number(p.payout_id))
      .map((e) => ({ conversion_event_id: Number(e.conversion_event_id), receipt_id: e.receipt_id, commission_amount: formatAmount(parseAmount(e.commission_amount, p.currency.trim()), p.currency.trim()), conversion_status: e.conversion_status })),
  }));
}

async function onePayout(sql: SqlExecutor, id: number) {
  const payout = await findPayout(sql, id);
  if (!payout) throw new NotFoundError('Payout not found.');
  return (await withEvents(sql, [payout]))[0]!;
}

function transition(payout: PayoutRecord, action: PayoutAction) {
  try {
    return transitionPayout(payout.status, action, payout.provider as PayoutProviderName);
  } catch (error) {
    if (error instanceof PayoutTransitionError) throw new ConflictError(error.message, { cause: error });
    throw error;
  }
}

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
async function openAccountDetails(deps: ApiDeps, payout: PayoutRecord): Promise<Record<string, unknown>> {
  if (!payout.account_details_encrypted) return payout.account_details ?? {};
  try {
    if (!deps.paymentDataCipher) throw new Error('payment data encryption is not configured');
    return await deps.paymentDataCipher.open(payout.account_details_encrypted, { partner_id: String(payout.partner_id) });
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

/**
 * Approve (pending), retry (failed) or re-send a crashed send (processing, no provider answer,
 * older than RESEND_AFTER_MS) — always with the payout's idempotency key, a new key only after a
 * definitive refusal.
 */
export async function sendPayout(args: { deps: ApiDeps; payoutId: number; now: Date; actor: Actor }): Promise<void> {
  const { deps, payoutId, now, actor } = args;
  const prepared = await deps.sql.transaction(async (tx) => {
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
      transition(payout, action);
      if (action === 'retry') {
        const outcome = lastOutcome(payout) ?? 'unknown';
        generation = nextIdempotencyGeneration({ generation, lastOutcome: outcome });
        mayHaveBeenSent = outcome === 'unknown';
      }
    }
    const namespace = deps.config.payoutKeyNamespace;
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
  const provider = payoutProvidersOf(deps)[payout.provider as PayoutProviderName];
  try {
    if (!provider) throw new PayoutProviderError({ provider: payout.provider as PayoutProviderName, reason: 'authentication', retryable: false, outcome: 'not_paid', message: `Provider ${payout.provider} is not configured` });
    const result = await provider.send({
      payoutId,
      idempotencyKey,
      amountCents: parseAmount(payout.amount, payout.currency.trim()),
      currency: payout.currency.trim(),
      destination: {
        ...(payout.provider_account_id ? { providerAccountId: payout.provider_account_id } : {}),
        accountDetails: await openAccountDetails(deps, payout),
      },
      description: `Affiliate payout ${payoutId}`,
      mayHaveBeenSent,
    });
    await deps.sql.transaction(async (tx) => {
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
  } catch (error) {
    if (!(error instanceof PayoutProviderError)) throw error;
    await deps.sql.transaction(async (tx) => {
      await recordPayoutFailed(tx, {
        payoutId,
        failureReason: error.message,
        providerResponse: { reason: error.reason, outcome: error.outcome, httpStatus: error.httpStatus ?? null, body: error.providerResponse ?? null },
        now: now.toISOString(),
      });
      await writeAuditLog(tx, { entity_type: 'payouts', entity_id: payoutId, action: 'fail', actor, before: { status: 'processing' }, after: { status: 'failed' }, reason: error.message, now });
    });
  }
}

export const payoutRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/admin/reconciliation',
    auth: 'operator',
    summary: 'The money invariants: touches = commission, events = payout, paid = paid out (no violations = balanced)',
    tags: ['payouts'],
    responses: {
      200: {
        description: 'Violations',
        schema: z.object({
          balanced: z.boolean(),
          violations: z.array(
            z.object({
              kind: z.string(),
              conversion_event_id: z.number().nullable(),
              payout_id: z.number().nullable(),
              partner_id: z.number().nullable(),
              adjustment_id: z.number().nullable(),
              expected: z.string().nullable(),
              actual: z.string().nullable(),
              currency: z.string().nullable().describe('ISO 4217 of expected and actual (the payout\'s, else the conversion\'s)'),
            }),
          ),
          money: z
            .array(
              z.object({
                currency: z.string(),
                earned: z.string(),
                paid_out: z.string(),
                in_payouts: z.string(),
                open_adjustments: z.string(),
              }),
            )
            .describe("Each currency's books on their own: amounts of two currencies are never added"),
        }),
      },
    },
    handler: async ({ deps }) => {
      const violations = await runReconciliation(deps.sql);
      return ok({ balanced: violations.length === 0, violations, money: await reconciliationMoney(deps.sql) });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/payouts',
    auth: 'operator',
    summary: 'List payouts (newest first)',
    tags: ['payouts'],
    query: z.strictObject({ ...pageQueryShape, status: z.enum(['pending', 'processing', 'completed', 'failed']).optional(), partner_id: idParam.optional() }),
    responses: { 200: { description: 'A page of payouts', schema: pageSchema(payoutSchema) } },
    handler: async ({ deps, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listPayouts(deps.sql, { status: query.status, partner_id: query.partner_id, before_id: cursor?.id, limit: query.limit });
      const page = toPage(rows, query.limit, (row) => ({ id: Number(row.payout_id) }), (row) => row);
      return ok({ ...page, data: await withEvents(deps.sql, page.data) });
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/payouts/{id}/approve',
    auth: 'operator',
    summary: 'Approve (or retry a failed) payout and send it through its provider with its idempotency key',
    tags: ['payouts'],
    params: idParams('id'),
    responses: { 200: { description: 'The payout after the provider answered', schema: payoutSchema } },
    handler: async ({ deps, params, now, actor }) => {
      await sendPayout({ deps, payoutId: params.id, now, actor });
      const payout = await onePayout(deps.sql, params.id);
      // A provider that pays at once (Stripe, PayPal) completes here; a wire completes on confirm.
      if (payout.status === 'completed') await notifyPartner({ deps, partnerId: payout.partner_id, notice: { kind: 'payout_sent', amount: payout.amount, currency: payout.currency, payoutId: payout.payout_id }, now });
      return ok(payout);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/payouts/{id}/confirm',
    auth: 'operator',
    summary: 'Confirm a wire payout was sent (processing -> completed)',
    tags: ['payouts'],
    params: idParams('id'),
    responses: { 200: { description: 'The payout', schema: payoutSchema } },
    handler: async ({ deps, params, now, actor }) => {
      await deps.sql.transaction(async (tx) => {
        const payout = await findPayout(tx, params.id, { forUpdate: true });
        if (!payout) throw new NotFoundError('Payout not found.');
        transition(payout, 'confirm');
        await recordPayoutCompleted(tx, { payoutId: params.id, providerTransactionId: null, providerResponse: null, now: now.toISOString() });
        await writeAuditLog(tx, { entity_type: 'payouts', entity_id: params.id, action: 'confirm', actor, before: { status: payout.status }, after: { status: 'completed' }, now });
      });
      const payout = await onePayout(deps.sql, params.id);
      await notifyPartner({ deps, partnerId: payout.partner_id, notice: { kind: 'payout_sent', amount: payout.amount, currency: payout.currency, payoutId: payout.payout_id }, now });
      return ok(payout);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/payouts/{id}/fail',
    auth: 'operator',
    summary: 'Mark a processing payout failed (retryable with approve)',
    tags: ['payouts'],
    params: idParams('id'),
    body: z.strictObject({ failure_reason: z.string().trim().min(1).max(1000) }),
    responses: { 200: { description: 'The payout', schema: payoutSchema } },
    handler: async ({ deps, params, body, now, actor }) => {
      await deps.sql.transaction(async (tx) => {
        const payout = await findPayout(tx, params.id, { forUpdate: true });
        if (!payout) throw new NotFoundError('Payout not found.');
        transition(payout, 'fail');
        // The operator knows nothing left (wire not sent, or refused): a retry may use a new key.
        await recordPayoutFailed(tx, { payoutId: params.id, failureReason: body.failure_reason, providerResponse: { reason: 'operator', outcome: 'not_paid' }, now: now.toISOString() });
        await writeAuditLog(tx, { entity_type: 'payouts', entity_id: params.id, action: 'fail', actor, before: { status: payout.status }, after: { status: 'failed' }, reason: body.failure_reason, now });
      });
      return ok(await onePayout(deps.sql, params.id));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/payouts',
    auth: 'partner',
    summary: "The partner's payouts with the conversions in each",
    tags: ['payouts'],
    query: z.strictObject({ ...pageQueryShape, status: z.enum(['pending', 'processing', 'completed', 'failed']).optional() }),
    responses: { 200: { description: 'A page of payouts', schema: pageSchema(payoutSchema) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listPayouts(deps.sql, { status: query.status, partner_id: auth.partnerId, before_id: cursor?.id, limit: query.limit });
      const page = toPage(rows, query.limit, (row) => ({ id: Number(row.payout_id) }), (row) => row);
      return ok({ ...page, data: await withEvents(deps.sql, page.data) });
    },
  }),
];
