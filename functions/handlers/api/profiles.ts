/**
 * The caller's own account: a vendor's profile and webhook settings, a partner's profile. Scoped
 * by construction (no id in the path), so there is nothing of another tenant to reach.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { formatStandardWebhookSecret } from '../../domain/webhooks/standard-webhook.js';
import { assertWebhookUrl } from './assert-webhook-url.js';
import { NotFoundError } from '../../platform/http/errors.js';
import { partnerSchema, vendorSchema } from './account-schemas.js';
import { httpUrl } from '../../platform/http/fields.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findPartner, updatePartnerProfile } from '../../repositories/partners/partners.js';
import { findVendor, findVendorForUpdate, setVendorWebhookSecret, updateVendorProfile } from '../../repositories/accounts/vendors.js';

const nonEmpty = (body: object) => Object.keys(body).length > 0;

export const profileRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/vendor',
    operationId: 'getOwnVendor',
    auth: 'vendor',
    summary: "The caller's vendor",
    tags: ['profile'],
    responses: { 200: { description: 'The vendor', schema: vendorSchema } },
    handler: async ({ deps, auth }) => {
      const vendor = await findVendor(deps.sql, auth.vendorId);
      if (!vendor) throw new NotFoundError('Vendor not found.');
      return ok(vendor);
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/vendor',
    operationId: 'updateOwnVendor',
    auth: 'vendor',
    minRole: 'admin',
    summary: "Change the vendor's profile and webhook URL",
    tags: ['profile'],
    body: z
      .strictObject({
        name: z.string().trim().min(1).max(255).optional(),
        company_name: z.string().trim().min(1).max(255).nullable().optional(),
        website_url: httpUrl.nullable().optional(),
        webhook_url: httpUrl.nullable().optional(),
      })
      .refine(nonEmpty, { message: 'Send at least one field to change.' }),
    responses: { 200: { description: 'The vendor', schema: vendorSchema } },
    handler: async ({ deps, auth, body, actor, now }) => {
      assertWebhookUrl(body.webhook_url, deps.config);
      return ok(
        await deps.sql.transaction(async (tx) => {
          const before = await findVendorForUpdate(tx, auth.vendorId);
          if (!before) throw new NotFoundError('Vendor not found.');
          const after = await updateVendorProfile(tx, { vendor_id: auth.vendorId, now, fields: body });
          await writeAuditLog(tx, { entity_type: 'vendors', entity_id: auth.vendorId, action: 'update', actor, before: { ...before }, after: { ...after }, now });
          return after;
        }),
      );
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/vendor/webhook-secret/rotate',
    operationId: 'rotateWebhookSecret',
    auth: 'vendor',
    minRole: 'admin',
    summary: 'Replace the secret that signs outbound webhooks (shown once)',
    tags: ['profile'],
    responses: { 201: { description: 'The new secret', schema: z.object({ webhook_secret: z.string() }) } },
    handler: async ({ deps, auth, actor, now }) => {
      const secret = formatStandardWebhookSecret(randomBytes(32));
      await deps.sql.transaction(async (tx) => {
        await setVendorWebhookSecret(tx, { vendor_id: auth.vendorId, webhook_secret: secret, now });
        // The secret itself is never audited: only that it changed.
        await writeAuditLog(tx, { entity_type: 'vendors', entity_id: auth.vendorId, action: 'rotate_webhook_secret', actor, now });
      });
      return created({ webhook_secret: secret });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/profile',
    operationId: 'getPartnerProfile',
    auth: 'partner',
    summary: "The caller's partner profile",
    tags: ['profile'],
    responses: { 200: { description: 'The partner', schema: partnerSchema } },
    handler: async ({ deps, auth }) => {
      const partner = await findPartner(deps.sql, { partner_id: auth.partnerId });
      if (!partner) throw new NotFoundError('Partner not found.');
      return ok(partner);
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/partner/profile',
    operationId: 'updatePartnerProfile',
    auth: 'partner',
    summary: "Change the caller's name, bio or website (status and tier are the operator's)",
    tags: ['profile'],
    body: z
      .strictObject({
        name: z.string().trim().min(1).max(255).optional(),
        bio: z.string().max(5000).nullable().optional(),
        website_url: httpUrl.nullable().optional(),
      })
      .refine(nonEmpty, { message: 'Send at least one field to change.' }),
    responses: { 200: { description: 'The partner', schema: partnerSchema } },
    handler: async ({ deps, auth, body, actor, now }) =>
      ok(
        await deps.sql.transaction(async (tx) => {
          const before = await findPartner(tx, { partner_id: auth.partnerId, forUpdate: true });
          if (!before) throw new NotFoundError('Partner not found.');
          const after = await updatePartnerProfile(tx, { partner_id: auth.partnerId, now, fields: body });
          await writeAuditLog(tx, { entity_type: 'partners', entity_id: auth.partnerId, action: 'update', actor, before: { ...before }, after: { ...after }, now });
          return after;
        }),
      ),
  }),
];
