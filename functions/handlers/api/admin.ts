// Near 300 lines: the operator's account routes (vendors, partners, their keys and status moves) read as one area of small route definitions.
/**
 * Operator routes (`Authorization: Bearer <ADMIN_TOKEN>`): vendors, partners and their status.
 * Running a scheduled job now is in jobs-routes.ts.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { notifyPartner } from '../../use-cases/send-notice.js';
import { formatStandardWebhookSecret } from '../../domain/webhooks/standard-webhook.js';
import { assertWebhookUrl } from './assert-webhook-url.js';
import { transitionPartner, transitionVendor, type PartnerAction, type VendorAction } from '../../domain/accounts/transition-account.js';
import { generateApiKey } from '../../domain/auth/api-key.js';
import { keyExpiresAt } from '../../domain/auth/key-lifetime.js';
import { ConflictError, NotFoundError } from '../../platform/http/errors.js';
import { email, httpUrl, idParams } from '../../platform/http/fields.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import { insertApiKey } from '../../repositories/accounts/api-keys.js';
import { writeApiKeyCreatedAudit, writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findPartner, listPartners, setPartnerStatus } from '../../repositories/partners/partners.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { writeLinksThrough } from '../../use-cases/write-links-through.js';
import {
  findVendor,
  findVendorForUpdate,
  insertVendor,
  listVendors,
  setVendorKeyPrefix,
  setVendorStatus,
  vendorEmailTaken,
} from '../../repositories/accounts/vendors.js';
import { insertVendorUser } from '../../repositories/accounts/vendor-users.js';
import { partnerSchema, vendorSchema } from './account-schemas.js';
import { registerPartner } from '../../use-cases/register-partner.js';

const createVendorBody = z.strictObject({
  name: z.string().trim().min(1).max(255),
  email,
  company_name: z.string().trim().min(1).max(255).optional(),
  website_url: httpUrl.optional(),
  webhook_url: httpUrl.optional(),
  /** The owner user's name; defaults to the vendor's name. */
  owner_name: z.string().trim().min(1).max(255).optional(),
});

const createdVendor = z.object({
  vendor_id: z.number().int(),
  name: z.string(),
  email: z.string(),
  company_name: z.string().nullable(),
  website_url: z.string().nullable(),
  webhook_url: z.string().nullable(),
  status: z.string(),
  vendor_user_id: z.number().int(),
  api_key: z.string().describe('Shown this once'),
  api_key_prefix: z.string(),
  api_key_expires_at: z.string(),
  webhook_secret: z.string().describe('Signs outbound webhooks; shown this once'),
  created_at: z.string(),
});

const partnerTier = z.enum(['standard', 'bronze', 'silver', 'gold', 'platinum']);

const createPartnerBody = z.strictObject({
  name: z.string().trim().min(1).max(255),
  email,
  tier: partnerTier.optional(),
  bio: z.string().max(5000).optional(),
  website_url: httpUrl.optional(),
});

const createdPartner = partnerSchema.extend({
  api_key: z.string().describe('Shown this once'),
  api_key_prefix: z.string(),
  api_key_expires_at: z.string(),
});

const statusReasonBody = z.strictObject({ reason: z.string().max(2000).optional() });

const partnerActionSummaries: Record<PartnerAction, string> = {
  approve: 'Approve a pending (or rejected) partner: active, so it can enroll, get links and be paid',
  reject: 'Reject a pending partner (it keeps its key but cannot enroll, get links or be paid)',
  suspend: 'Suspend an active partner (its links stop at once; payout runs skip it)',
  activate: 'Reactivate a suspended partner (its links follow at once)',
};

/** Moves a partner along `transitionPartner`; an illegal move is 409 naming the allowed ones. */
function partnerStatusRoute(action: PartnerAction) {
  return defineRoute({
    method: 'POST',
    path: `/v1/admin/partners/{partner_id}/${action}`,
    operationId: `${action}Partner`,
    auth: 'operator',
    summary: partnerActionSummaries[action],
    tags: ['admin'],
    params: idParams('partner_id'),
    body: statusReasonBody,
    responses: { 200: { description: 'The partner', schema: partnerSchema } },
    handler: async ({ deps, params, body, actor, now }) => {
      let changed = false;
      const partner = await deps.sql.transaction(async (tx) => {
        const before = await findPartner(tx, { partner_id: params.partner_id, forUpdate: true });
        if (!before) throw new NotFoundError('Partner not found.');
        const move = transitionPartner({ from: before.status, action });
        if (!move.ok) throw new ConflictError(move.reason);
        if (!move.changed) return before;
        changed = true;
        const after = await setPartnerStatus(tx, { partner_id: before.partner_id, status: move.to, now });
        await writeAuditLog(tx, {
          entity_type: 'partners',
          entity_id: after.partner_id,
          action,
          actor,
          before: { ...before },
          after: { ...after },
          reason: body.reason,
          now,
        });
        return after;
      });
      await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { partner_id: partner.partner_id }, logger: deps.logger });
      if (action === 'approve' && changed) await notifyPartner({ deps, partnerId: partner.partner_id, notice: { kind: 'partner_approved' }, now });
      return ok(partner);
    },
  });
}

const vendorActionSummaries: Record<VendorAction, string> = {
  suspend: 'Suspend a vendor: its keys answer 401 and every link of its campaigns stops at once',
  deactivate: 'Make a vendor inactive (left the platform): its links stop, its keys may only read',
  activate: 'Reactivate a suspended or inactive vendor (its keys and links follow at once)',
};

/** Moves a vendor along `transitionVendor`; an illegal move is 409. */
function vendorStatusRoute(action: VendorAction) {
  return defineRoute({
    method: 'POST',
    path: `/v1/admin/vendors/{vendor_id}/${action}`,
    operationId: `${action}Vendor`,
    auth: 'operator',
    summary: vendorActionSummaries[action],
    tags: ['admin'],
    params: idParams('vendor_id'),
    body: statusReasonBody,
    responses: { 200: { description: 'The vendor', schema: vendorSchema } },
    handler: async ({ deps, params, body, actor, now }) => {
      const vendor = await deps.sql.transaction(async (tx) => {
        const before = await findVendorForUpdate(tx, params.vendor_id);
        if (!before) throw new NotFoundError('Vendor not found.');
        const move = transitionVendor({ from: before.status, action });
        if (!move.ok) throw new ConflictError(move.reason);
        if (!move.changed) return before;
        const after = await setVendorStatus(tx, { vendor_id: before.vendor_id, status: move.to, now });
        await writeAuditLog(tx, { entity_type: 'vendors', entity_id: after.vendor_id, action, actor, before: { ...before }, after: { ...after }, reason: body.reason, now });
        return after;
      });
      await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { vendor_id: vendor.vendor_id }, logger: deps.logger });
      return ok(vendor);
    },
  });
}

export const adminRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/admin/vendors',
    operationId: 'createVendor',
    auth: 'operator',
    summary: 'Create a vendor, its owner user and the owner API key (shown once)',
    tags: ['admin'],
    body: createVendorBody,
    responses: { 201: { description: 'Vendor created', schema: createdVendor } },
    handler: async ({ deps, body, actor, now }) => {
      assertWebhookUrl(body.webhook_url, deps.config);
      const key = generateApiKey({ ownerType: 'vendor_user' });
      const webhookSecret = formatStandardWebhookSecret(randomBytes(32));
      const expiresAt = keyExpiresAt(now);
      try {
        const result = await deps.sql.transaction(async (tx) => {
          if (await vendorEmailTaken(tx, body.email)) throw new ConflictError('A vendor with this email already exists.');
          const vendor = await insertVendor(tx, { ...body, webhook_secret: webhookSecret, now });
          const owner = await insertVendorUser(tx, {
            vendor_id: vendor.vendor_id,
            email: body.email,
            name: body.owner_name ?? body.name,
            role: 'owner',
            status: 'active',
            now,
          });
          const apiKey = await insertApiKey(tx, {
            generated: key,
            owner_type: 'vendor_user',
            vendor_user_id: owner.vendor_user_id,
            now,
            expires_at: expiresAt,
          });
          await setVendorKeyPrefix(tx, { vendor_id: vendor.vendor_id, key_prefix: key.key_prefix });
          await writeAuditLog(tx, { entity_type: 'vendors', entity_id: vendor.vendor_id, action: 'create', actor, after: { ...vendor }, now });
          await writeAuditLog(tx, { entity_type: 'vendor_users', entity_id: owner.vendor_user_id, action: 'create', actor, after: { ...owner }, now });
          await writeApiKeyCreatedAudit(tx, { apiKey, owner: { vendor_user_id: owner.vendor_user_id }, actor, now });
          return { vendor, owner, apiKey };
        });
        return created({
          ...result.vendor,
          vendor_user_id: result.owner.vendor_user_id,
          api_key: key.key,
          api_key_prefix: key.key_prefix,
          api_key_expires_at: result.apiKey.expires_at,
          webhook_secret: webhookSecret,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('A vendor with this email already exists.', { cause: error });
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/admin/partners',
    operationId: 'createPartner',
    auth: 'operator',
    summary: 'Create a partner the operator has vetted (active at once) and its API key (shown once); self-signup is POST /v1/partner/signup (pending)',
    tags: ['admin'],
    body: createPartnerBody,
    responses: { 201: { description: 'Partner created', schema: createdPartner } },
    handler: async ({ deps, body, actor, now }) => {
      // Vetted by the operator: active at once.
      const { partner, ...key } = await registerPartner({ sql: deps.sql, partner: body, status: 'active', actor, auditAction: 'create', now });
      return created({ ...partner, ...key });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/partners/{partner_id}',
    operationId: 'getPartner',
    auth: 'operator',
    summary: 'A partner',
    tags: ['admin'],
    params: idParams('partner_id'),
    responses: { 200: { description: 'The partner', schema: partnerSchema } },
    handler: async ({ deps, params }) => {
      const partner = await findPartner(deps.sql, { partner_id: params.partner_id });
      if (!partner) throw new NotFoundError('Partner not found.');
      return ok(partner);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/vendors/{vendor_id}',
    operationId: 'getVendor',
    auth: 'operator',
    summary: 'A vendor',
    tags: ['admin'],
    params: idParams('vendor_id'),
    responses: { 200: { description: 'The vendor', schema: vendorSchema } },
    handler: async ({ deps, params }) => {
      const vendor = await findVendor(deps.sql, params.vendor_id);
      if (!vendor) throw new NotFoundError('Vendor not found.');
      return ok(vendor);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/vendors',
    operationId: 'listVendors',
    auth: 'operator',
    summary: 'List vendors (newest first)',
    tags: ['admin'],
    query: z.strictObject({ ...pageQueryShape, status: z.enum(['active', 'suspended', 'inactive']).optional() }),
    responses: { 200: { description: 'A page of vendors', schema: pageSchema(vendorSchema) } },
    handler: async ({ deps, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listVendors(deps.sql, { status: query.status, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (row) => ({ id: row.vendor_id }), (row) => row));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/partners',
    operationId: 'listPartners',
    auth: 'operator',
    summary: 'List partners (newest first)',
    tags: ['admin'],
    query: z.strictObject({ ...pageQueryShape, status: z.enum(['pending', 'active', 'suspended', 'rejected']).optional() }),
    responses: { 200: { description: 'A page of partners', schema: pageSchema(partnerSchema) } },
    handler: async ({ deps, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listPartners(deps.sql, { status: query.status, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (row) => ({ id: row.partner_id }), (row) => row));
    },
  }),

  vendorStatusRoute('suspend'),
  vendorStatusRoute('deactivate'),
  vendorStatusRoute('activate'),
  partnerStatusRoute('approve'),
  partnerStatusRoute('reject'),
  partnerStatusRoute('suspend'),
  partnerStatusRoute('activate'),
];
