/**
 * Vendor users and invitations. Inviting a user creates it `pending` with its own API key (shown
 * once); its first authenticated request accepts the invitation (`active`, `joined_at`).
 * Role rules (docs/api.md): admins manage managers and members; owners manage everyone; the last
 * owner cannot be removed or demoted; nobody removes themselves.
 */
import { z } from 'zod';
import { generateApiKey } from '../../domain/auth/api-key.js';
import { keyExpiresAt } from '../../domain/auth/key-lifetime.js';
import { canManageRole, vendorRoles, type VendorRole } from '../../domain/auth/roles.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/http/errors.js';
import { email, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import type { Actor } from '../../platform/http/principal.js';
import { insertApiKey, revokeKeysOfVendorUser } from '../../repositories/accounts/api-keys.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import {
  countOwners,
  findVendorUser,
  insertVendorUser,
  listVendorUsers,
  softDeleteVendorUser,
  updateVendorUserRole,
} from '../../repositories/accounts/vendor-users.js';

const role = z.enum(vendorRoles as [VendorRole, ...VendorRole[]]);

export const vendorUserOut = z.object({
  vendor_user_id: z.number().int(),
  vendor_id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role,
  status: z.enum(['active', 'inactive', 'pending']),
  invited_by: z.number().int().nullable(),
  invited_at: z.string().nullable(),
  joined_at: z.string().nullable(),
  last_login_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const keyOut = { api_key: z.string().describe('Shown this once'), api_key_prefix: z.string(), api_key_expires_at: z.string() };

/** Issues a key for a vendor user inside `tx`, with its audit row. */
export async function issueVendorUserKey(tx: SqlExecutor, input: { vendor_user_id: number; actor: Actor; now: Date }) {
  const key = generateApiKey({ ownerType: 'vendor_user' });
  const row = await insertApiKey(tx, {
    generated: key,
    owner_type: 'vendor_user',
    vendor_user_id: input.vendor_user_id,
    now: input.now,
    expires_at: keyExpiresAt(input.now),
  });
  await writeAuditLog(tx, {
    entity_type: 'api_keys',
    entity_id: row.api_key_id,
    action: 'create',
    actor: input.actor,
    after: { key_prefix: row.key_prefix, owner_type: 'vendor_user', vendor_user_id: input.vendor_user_id, expires_at: row.expires_at },
    now: input.now,
  });
  return { api_key: key.key, api_key_prefix: key.key_prefix, api_key_expires_at: row.expires_at, api_key_id: row.api_key_id };
}

const userParams = idParams('vendor_user_id');

export const vendorUserRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/vendor-users',
    operationId: 'listVendorUsers',
    auth: 'vendor',
    summary: "The vendor's users",
    tags: ['vendor users'],
    query: z.strictObject({ ...pageQueryShape, status: z.enum(['active', 'inactive', 'pending']).optional() }),
    responses: { 200: { description: 'A page of users', schema: pageSchema(vendorUserOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listVendorUsers(deps.sql, { vendor_id: auth.vendorId, status: query.status, after_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (row) => ({ id: row.vendor_user_id }), (row) => row));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/vendor-users/{vendor_user_id}',
    operationId: 'getVendorUser',
    auth: 'vendor',
    summary: 'A vendor user',
    tags: ['vendor users'],
    params: userParams,
    responses: { 200: { description: 'The user', schema: vendorUserOut } },
    handler: async ({ deps, auth, params }) => {
      const user = await findVendorUser(deps.sql, { vendor_id: auth.vendorId, vendor_user_id: params.vendor_user_id });
      if (!user) throw new NotFoundError('Vendor user not found.');
      return ok(user);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/vendor-users',
    operationId: 'inviteVendorUser',
    auth: 'vendor',
    minRole: 'admin',
    summary: 'Invite a user: created pending, with its own API key (shown once)',
    tags: ['vendor users'],
    body: z.strictObject({ email, name: z.string().trim().min(1).max(255), role: role.default('member') }),
    responses: { 201: { description: 'The invited user and its key', schema: vendorUserOut.extend(keyOut) } },
    handler: async ({ deps, auth, body, actor, now }) => {
      if (!canManageRole(auth.role, body.role)) throw new ForbiddenError(`A ${auth.role} cannot grant the ${body.role} role.`);
      try {
        const result = await deps.sql.transaction(async (tx) => {
          const user = await insertVendorUser(tx, {
            vendor_id: auth.vendorId,
            email: body.email,
            name: body.name,
            role: body.role,
            status: 'pending',
            invited_by: auth.vendorUserId,
            now,
          });
          await writeAuditLog(tx, { entity_type: 'vendor_users', entity_id: user.vendor_user_id, action: 'invite', actor, after: { ...user }, now });
          const key = await issueVendorUserKey(tx, { vendor_user_id: user.vendor_user_id, actor, now });
          return { ...user, api_key: key.api_key, api_key_prefix: key.api_key_prefix, api_key_expires_at: key.api_key_expires_at };
        });
        return created(result);
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('A user with this email already exists for this vendor.', { cause: error });
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/vendor-users/{vendor_user_id}',
    operationId: 'updateVendorUserRole',
    auth: 'vendor',
    minRole: 'admin',
    summary: "Change a user's role",
    tags: ['vendor users'],
    params: userParams,
    body: z.strictObject({ role }),
    responses: { 200: { description: 'The user', schema: vendorUserOut } },
    handler: async ({ deps, auth, params, body, actor, now }) =>
      ok(
        await deps.sql.transaction(async (tx) => {
          const before = await findVendorUser(tx, { vendor_id: auth.vendorId, vendor_user_id: params.vendor_user_id, forUpdate: true });
          if (!before) throw new NotFoundError('Vendor user not found.');
          if (!canManageRole(auth.role, before.role) || !canManageRole(auth.role, body.role)) {
            throw new ForbiddenError(`A ${auth.role} cannot change a ${before.role} to ${body.role}.`);
          }
          if (before.role === body.role) return before;
          if (before.role === 'owner' && (await countOwners(tx, auth.vendorId)) <= 1) {
            throw new ConflictError('The last owner cannot be demoted: make another user owner first.');
          }
          const after = await updateVendorUserRole(tx, { vendor_user_id: before.vendor_user_id, role: body.role, now });
          await writeAuditLog(tx, { entity_type: 'vendor_users', entity_id: after.vendor_user_id, action: 'update', actor, before: { ...before }, after: { ...after }, now });
          return after;
        }),
      ),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/vendor-users/{vendor_user_id}',
    operationId: 'removeVendorUser',
    auth: 'vendor',
    minRole: 'admin',
    summary: 'Remove a user (its keys are revoked at once)',
    tags: ['vendor users'],
    params: userParams,
    responses: { 204: { description: 'Removed' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const before = await findVendorUser(tx, { vendor_id: auth.vendorId, vendor_user_id: params.vendor_user_id, forUpdate: true });
        if (!before) throw new NotFoundError('Vendor user not found.');
        if (before.vendor_user_id === auth.vendorUserId) throw new ConflictError('You cannot remove yourself.');
        if (!canManageRole(auth.role, before.role)) throw new ForbiddenError(`A ${auth.role} cannot remove a ${before.role}.`);
        if (before.role === 'owner' && (await countOwners(tx, auth.vendorId)) <= 1) throw new ConflictError('The last owner cannot be removed.');
        await softDeleteVendorUser(tx, { vendor_user_id: before.vendor_user_id, now });
        await revokeKeysOfVendorUser(tx, { vendor_user_id: before.vendor_user_id, now });
        await writeAuditLog(tx, { entity_type: 'vendor_users', entity_id: before.vendor_user_id, action: 'delete', actor, before: { ...before }, after: null, now });
      });
      return noContent();
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/vendor-users/{vendor_user_id}/api-keys',
    operationId: 'issueVendorUserApiKey',
    auth: 'vendor',
    minRole: 'admin',
    summary: 'Issue an additional API key for a user (shown once)',
    tags: ['vendor users', 'api keys'],
    params: userParams,
    responses: { 201: { description: 'The key', schema: z.object({ api_key_id: z.number().int(), ...keyOut }) } },
    handler: async ({ deps, auth, params, actor, now }) =>
      created(
        await deps.sql.transaction(async (tx) => {
          const user = await findVendorUser(tx, { vendor_id: auth.vendorId, vendor_user_id: params.vendor_user_id });
          if (!user) throw new NotFoundError('Vendor user not found.');
          if (user.vendor_user_id !== auth.vendorUserId && !canManageRole(auth.role, user.role)) {
            throw new ForbiddenError(`A ${auth.role} cannot issue keys for a ${user.role}.`);
          }
          return issueVendorUserKey(tx, { vendor_user_id: user.vendor_user_id, actor, now });
        }),
      ),
  }),
];
