/**
 * Partner payout destinations: `POST/GET /v1/partner/payment-methods`, and the operator's
 * `POST /v1/admin/payment-methods/{id}/verify`. Only a verified default method is paid
 * (docs/payouts.md); one default per partner (a new default replaces the old one).
 */
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idParams } from '../../platform/http/fields.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/http/sql-errors.js';
import { writeAuditLog } from '../../repositories/audit-logs.js';
import {
  findActiveProvider,
  findPaymentMethod,
  insertPaymentMethod,
  listPaymentMethods,
  verifyPaymentMethod,
  type PaymentMethodRecord,
} from '../../repositories/payment-methods.js';

const createBody = z.strictObject({
  provider: z.enum(['stripe', 'paypal', 'wire']),
  /** Stripe `acct_…`, PayPal payer id; absent for wire and e-mail PayPal. */
  provider_account_id: z.string().trim().min(1).max(255).optional(),
  account_details: z.record(z.string(), z.unknown()).default({}),
  is_default: z.boolean().default(false),
});

const methodSchema = z.object({
  partner_payment_method_id: z.number().int(),
  partner_id: z.number().int(),
  provider: z.string(),
  provider_account_id: z.string().nullable(),
  account_details: z.record(z.string(), z.unknown()).nullable(),
  is_default: z.boolean(),
  is_verified: z.boolean(),
  verified_at: z.string().nullable(),
  created_at: z.string(),
});

const view = (m: PaymentMethodRecord) => ({ ...m, partner_payment_method_id: Number(m.partner_payment_method_id), partner_id: Number(m.partner_id) });

export const paymentMethodRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/partner/payment-methods',
    auth: 'partner',
    summary: 'Add a payout destination (unverified until an operator verifies it)',
    tags: ['payouts'],
    body: createBody,
    responses: { 201: { description: 'The method', schema: methodSchema } },
    handler: async ({ deps, auth, body, actor, now }) => {
      if (body.provider === 'stripe' && !body.provider_account_id?.startsWith('acct_')) {
        throw new ValidationError('A Stripe method needs provider_account_id = the connected account (acct_…).', [
          { path: 'provider_account_id', message: 'must start with acct_' },
        ]);
      }
      if (body.provider === 'paypal' && !body.provider_account_id && typeof body.account_details.email !== 'string') {
        throw new ValidationError('A PayPal method needs provider_account_id (payer id) or account_details.email.');
      }
      const providerId = await findActiveProvider(deps.sql, body.provider);
      if (providerId === undefined) throw new ValidationError(`Provider ${body.provider} is not available.`);
      try {
        const method = await insertPaymentMethod(deps.sql, {
          partnerId: auth.partnerId,
          providerId,
          providerAccountId: body.provider_account_id ?? null,
          accountDetails: body.account_details,
          isDefault: body.is_default,
          now: now.toISOString(),
        });
        await writeAuditLog(deps.sql, {
          entity_type: 'partner_payment_methods',
          entity_id: Number(method.partner_payment_method_id),
          action: 'create',
          actor,
          after: { provider: body.provider, is_default: method.is_default },
          now,
        });
        return created(view(method));
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('This account is already registered (or another default was added concurrently).', { cause: error });
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/payment-methods',
    auth: 'partner',
    summary: "The partner's payout destinations",
    tags: ['payouts'],
    responses: { 200: { description: 'Methods', schema: z.object({ data: z.array(methodSchema) }) } },
    handler: async ({ deps, auth }) => ok({ data: (await listPaymentMethods(deps.sql, auth.partnerId)).map(view) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/payment-methods/{id}/verify',
    auth: 'operator',
    summary: 'Mark a payout destination verified (payouts go only to verified defaults)',
    tags: ['payouts'],
    params: idParams('id'),
    responses: { 200: { description: 'The method', schema: methodSchema } },
    handler: async ({ deps, params, actor, now }) => {
      const before = await findPaymentMethod(deps.sql, params.id);
      if (!before) throw new NotFoundError('Payment method not found.');
      await verifyPaymentMethod(deps.sql, params.id, now.toISOString());
      await writeAuditLog(deps.sql, {
        entity_type: 'partner_payment_methods',
        entity_id: params.id,
        action: 'verify',
        actor,
        before: { is_verified: before.is_verified },
        after: { is_verified: true },
        now,
      });
      return ok(view((await findPaymentMethod(deps.sql, params.id))!));
    },
  }),
];
