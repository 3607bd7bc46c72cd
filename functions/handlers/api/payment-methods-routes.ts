/**
 * Partner payout destinations: `POST/GET /v1/partner/payment-methods`, and the operator's
 * `POST /v1/admin/payment-methods/{id}/verify`. Only a verified default method is paid
 * (docs/payouts.md); one default per partner (a new default replaces the old one).
 *
 * Payment data (docs/payment-data.md): `account_details` is validated per provider (strict: no
 * card numbers or any other field), sealed with envelope encryption before the transaction, and
 * stored beside its masked view; every read returns the masked view only. A suspended or rejected
 * partner cannot add methods (403). The audit row commits with the change or not at all.
 */
import { z } from 'zod';
import { notifyPartner } from '../../use-cases/send-notice.js';
import {
  paypalAccountDetailsSchema,
  paypalPayerId,
  stripeAccountDetailsSchema,
  stripeAccountId,
  wireAccountDetailsSchema,
} from '../../domain/payments/account-details-schema.js';
import { maskAccountDetails, maskIdentifier } from '../../domain/payments/mask-account-details.js';
import { ConflictError, ForbiddenError, HttpError, NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idParams } from '../../platform/http/fields.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute, type ApiDeps } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import type { PaymentDataCipher } from '../../ports/payment-data-cipher.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findPartner } from '../../repositories/partners/partners.js';
import {
  findActiveProvider,
  findPaymentMethod,
  insertPaymentMethod,
  listPaymentMethods,
  listPaymentMethodsForReview,
  verifyPaymentMethod,
  type PaymentMethodRecord,
} from '../../repositories/partners/payment-methods.js';

const isDefault = z.boolean().default(false);

/**
 * One strict body per provider, told apart by `payment_provider`. The earlier name `provider` is
 * not a field: a client still sending it (without payment_provider) gets a 400 on
 * `body.payment_provider` saying it replaces `provider`; sent beside it, `body.provider` is an unknown field.
 */
const createBody = z.discriminatedUnion(
  'payment_provider',
  [
    z.strictObject({
      payment_provider: z.literal('wire'),
      account_details: wireAccountDetailsSchema,
      is_default: isDefault,
    }),
    z
      .strictObject({
        payment_provider: z.literal('paypal'),
        /** The PayPal payer id; or `account_details.email`. */
        provider_account_id: paypalPayerId.optional(),
        account_details: paypalAccountDetailsSchema.default({}),
        is_default: isDefault,
        })
      .refine((body) => body.provider_account_id !== undefined || body.account_details.email !== undefined, {
        message: 'A PayPal method needs account_details.email or provider_account_id (the payer id).',
        path: ['account_details', 'email'],
      }),
    z.strictObject({
      payment_provider: z.literal('stripe'),
      provider_account_id: stripeAccountId,
      account_details: stripeAccountDetailsSchema.default({}),
      is_default: isDefault,
    }),
  ],
  // Also what a client still sending the old `provider` (and no payment_provider) reads.
  { error: (issue) => (issue.code === 'invalid_union' ? 'Required: payment_provider (stripe, paypal or wire); it replaces the field provider.' : undefined) },
);

const methodSchema = z.object({
  partner_payment_method_id: z.number().int(),
  partner_id: z.number().int(),
  payment_provider: z.string(),
  /** Same value as payment_provider, kept for readers of the earlier response. */
  provider: z.string(),
  provider_account_id: z.string().nullable().describe('Masked: **** and the last four characters'),
  account_details: z.record(z.string(), z.string()).describe('Masked: each field as **** and its last four characters'),
  is_default: z.boolean(),
  is_verified: z.boolean(),
  verified_at: z.string().nullable(),
  created_at: z.string(),
});

/** The only shape a payment method leaves the API in: masked, whatever the row's age. */
const view = (m: PaymentMethodRecord) => ({
  partner_payment_method_id: Number(m.partner_payment_method_id),
  partner_id: Number(m.partner_id),
  payment_provider: m.provider,
  provider: m.provider,
  provider_account_id: maskIdentifier(m.provider_account_id),
  account_details: maskAccountDetails(m.account_details ?? {}),
  is_default: m.is_default,
  is_verified: m.is_verified,
  verified_at: m.verified_at,
  created_at: m.created_at,
});

/** Partners in these states may not add or change where money goes. */
const frozenStatuses = new Set(['suspended', 'rejected']);

function cipherOf(deps: ApiDeps): PaymentDataCipher {
  if (!deps.paymentDataCipher) {
    // A deployment without its key must not fall back to storing bank details in clear.
    throw new HttpError(500, 'Internal Server Error', 'Payment data encryption is not configured.');
  }
  return deps.paymentDataCipher;
}

export const paymentMethodRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/partner/payment-methods',
    operationId: 'addPaymentMethod',
    auth: 'partner',
    summary: 'Add a payout destination (unverified until an operator verifies it; details stored encrypted, returned masked)',
    tags: ['payouts'],
    body: createBody,
    responses: { 201: { description: 'The method (masked)', schema: methodSchema } },
    handler: async ({ deps, auth, body, actor, now }) => {
      if (frozenStatuses.has(auth.partnerStatus)) throw new ForbiddenError(`The partner is ${auth.partnerStatus}: payment methods cannot be added or changed.`);
      const details: Record<string, unknown> = body.account_details;
      const providerAccountId = 'provider_account_id' in body ? (body.provider_account_id ?? null) : null;
      const masked = maskAccountDetails(details);
      // Sealed before the transaction: a KMS round trip must not hold row locks.
      const sealed = Object.keys(details).length > 0 ? await cipherOf(deps).seal(details, { partner_id: String(auth.partnerId) }) : null;
      try {
        const method = await deps.sql.transaction(async (tx) => {
          // Locked: a suspension committing meanwhile either precedes this check or waits for it.
          const partner = await findPartner(tx, { partner_id: auth.partnerId, forUpdate: true });
          if (!partner) throw new NotFoundError('Partner not found.');
          if (frozenStatuses.has(partner.status)) throw new ForbiddenError(`The partner is ${partner.status}: payment methods cannot be added or changed.`);
          const providerId = await findActiveProvider(tx, body.payment_provider);
          if (providerId === undefined) {
        throw new ValidationError(`Provider ${body.payment_provider} is not available.`, [{ path: 'body.payment_provider', message: 'Not available.' }]);
          }
          const inserted = await insertPaymentMethod(tx, {
        partnerId: auth.partnerId,
        providerId,
        providerAccountId,
        maskedDetails: masked,
        sealedDetails: sealed,
        isDefault: body.is_default,
        now: now.toISOString(),
          });
          await writeAuditLog(tx, {
        entity_type: 'partner_payment_methods',
        entity_id: Number(inserted.partner_payment_method_id),
        action: 'create',
        actor,
        // The masked view only: audit rows are kept 7 years and cannot be erased.
        after: { payment_provider: body.payment_provider, is_default: inserted.is_default, provider_account_id: maskIdentifier(providerAccountId), account_details: masked },
        now,
          });
          return inserted;
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
    operationId: 'listPaymentMethods',
    auth: 'partner',
    summary: "The partner's payout destinations (masked)",
    tags: ['payouts'],
    responses: { 200: { description: 'Methods', schema: z.object({ data: z.array(methodSchema) }) } },
    handler: async ({ deps, auth }) => ok({ data: (await listPaymentMethods(deps.sql, auth.partnerId)).map(view) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/payment-methods',
    operationId: 'listPaymentMethodsForReview',
    auth: 'operator',
    summary: "Every partner's payout destinations (masked), newest first; verified=false lists those awaiting verification",
    tags: ['payouts'],
    query: z.strictObject({
      verified: z.enum(['true', 'false']).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(100),
    }),
    responses: { 200: { description: 'Methods', schema: z.object({ data: z.array(methodSchema) }) } },
    handler: async ({ deps, query }) =>
      ok({
        data: (await listPaymentMethodsForReview(deps.sql, { verified: query.verified === undefined ? undefined : query.verified === 'true', limit: query.limit })).map(view),
      }),
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/payment-methods/{id}/verify',
    operationId: 'verifyPaymentMethod',
    auth: 'operator',
    summary: 'Mark a payout destination verified (payouts go only to verified defaults)',
    tags: ['payouts'],
    params: idParams('id'),
    responses: { 200: { description: 'The method (masked)', schema: methodSchema } },
    handler: async ({ deps, params, actor, now }) => {
      let newlyVerified = false;
      const method = await deps.sql.transaction(async (tx) => {
        const before = await findPaymentMethod(tx, params.id);
        if (!before) throw new NotFoundError('Payment method not found.');
        newlyVerified = !before.is_verified;
        await verifyPaymentMethod(tx, params.id, now.toISOString());
        await writeAuditLog(tx, {
          entity_type: 'partner_payment_methods',
          entity_id: params.id,
          action: 'verify',
          actor,
          before: { is_verified: before.is_verified },
          after: { is_verified: true },
          now,
        });
        return (await findPaymentMethod(tx, params.id))!;
      });
      if (newlyVerified) await notifyPartner({ deps, partnerId: method.partner_id, notice: { kind: 'payment_method_verified', provider: method.provider }, now });
      return ok(view(method));
    },
  }),
];
