/**
 * Payout routes: the operator lists payouts and moves them (approve = send through the provider,
 * confirm a wire, fail), the partner reads its own with their conversions. The moves are use cases
 * (functions/use-cases/send-payout.ts, confirm-payout.ts, fail-payout.ts).
 *
 * Providers come from `deps.payoutProviders`: the Lambda builds them from Secrets Manager
 * (`payoutProvidersFromSecrets`; locally `payoutProvidersFromEnv`), tests inject adapters that
 * replay recorded responses; without any, only wire (manual) payouts can be sent.
 */
import { z } from 'zod';
import { notifyPartner } from '../../use-cases/send-notice.js';
import { WirePayoutProvider } from '../../adapters/payments/wire-payout-provider.js';
import { formatAmount, parseAmount } from '../../domain/money/currency.js';
import { NotFoundError } from '../../platform/http/errors.js';
import { idParam, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute, type ApiDeps } from '../../platform/http/route.js';
import type { PayoutProvider, PayoutProviderName } from '../../ports/payout-provider.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { findPayout, listPayouts, payoutEventsOf, type PayoutRecord } from '../../repositories/payouts/payouts.js';
import { confirmPayout } from '../../use-cases/confirm-payout.js';
import { failPayout } from '../../use-cases/fail-payout.js';
import { reconcile } from '../../use-cases/reconcile.js';
import { sendPayout } from '../../use-cases/send-payout.js';

type Providers = Partial<Record<PayoutProviderName, PayoutProvider>>;

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

export const payoutRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/admin/reconciliation',
    operationId: 'getReconciliation',
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
    handler: async ({ deps }) => ok(await reconcile({ sql: deps.sql, logger: deps.logger })),
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/payouts',
    operationId: 'listPayouts',
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
    operationId: 'approvePayout',
    auth: 'operator',
    summary: 'Approve (or retry a failed) payout and send it through its provider with its idempotency key',
    tags: ['payouts'],
    params: idParams('id'),
    responses: { 200: { description: 'The payout after the provider answered', schema: payoutSchema } },
    handler: async ({ deps, params, now, actor }) => {
      await sendPayout({
        sql: deps.sql,
        providers: payoutProvidersOf(deps),
        paymentDataCipher: deps.paymentDataCipher,
        payoutKeyNamespace: deps.config.payoutKeyNamespace,
        payoutId: params.id,
        now,
        actor,
        logger: deps.logger,
        metrics: deps.metrics,
      });
      const payout = await onePayout(deps.sql, params.id);
      // A provider that pays at once (Stripe, PayPal) completes here; a wire completes on confirm.
      if (payout.status === 'completed') await notifyPartner({ deps, partnerId: payout.partner_id, notice: { kind: 'payout_sent', amount: payout.amount, currency: payout.currency, payoutId: payout.payout_id }, now });
      return ok(payout);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/payouts/{id}/confirm',
    operationId: 'confirmPayout',
    auth: 'operator',
    summary: 'Confirm a wire payout was sent (processing -> completed)',
    tags: ['payouts'],
    params: idParams('id'),
    responses: { 200: { description: 'The payout', schema: payoutSchema } },
    handler: async ({ deps, params, now, actor }) => {
      await confirmPayout({ sql: deps.sql, payoutId: params.id, now, actor });
      const payout = await onePayout(deps.sql, params.id);
      await notifyPartner({ deps, partnerId: payout.partner_id, notice: { kind: 'payout_sent', amount: payout.amount, currency: payout.currency, payoutId: payout.payout_id }, now });
      return ok(payout);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/payouts/{id}/fail',
    operationId: 'failPayout',
    auth: 'operator',
    summary: 'Mark a processing payout failed (retryable with approve)',
    tags: ['payouts'],
    params: idParams('id'),
    body: z.strictObject({ failure_reason: z.string().trim().min(1).max(1000) }),
    responses: { 200: { description: 'The payout', schema: payoutSchema } },
    handler: async ({ deps, params, body, now, actor }) => {
      await failPayout({ sql: deps.sql, payoutId: params.id, failureReason: body.failure_reason, now, actor, metrics: deps.metrics });
      return ok(await onePayout(deps.sql, params.id));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/payouts',
    operationId: 'listPartnerPayouts',
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
