/**
 * API keys of the caller: rotate (new key now, old key alive for a 24-hour grace period), list,
 * revoke. Vendor admins also see and revoke the keys of users they manage.
 */
import { z } from 'zod';
import { generateApiKey } from '../../domain/auth/api-key.js';
import { expiryAfterRotation, keyExpiresAt } from '../../domain/auth/key-lifetime.js';
import { canManageRole, roleAtLeast, type VendorRole } from '../../domain/auth/roles.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/http/errors.js';
import type { PartnerPrincipal, VendorUserPrincipal } from '../../platform/http/principal.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { countLiveKeys, findApiKeyById, insertApiKey, listApiKeys, markKeyRotated, revokeApiKey, type ApiKeyRow } from '../../repositories/accounts/api-keys.js';
import { writeApiKeyCreatedAudit, writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findVendorUser } from '../../repositories/accounts/vendor-users.js';

const keyOut = z.object({
  api_key_id: z.number().int(),
  key_prefix: z.string(),
  owner_type: z.enum(['vendor_user', 'partner']),
  vendor_user_id: z.number().int().nullable(),
  partner_id: z.number().int().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  replaced_by_api_key_id: z.number().int().nullable(),
});

const view = (row: ApiKeyRow) => row;

/** A new key for the caller (its own partner or vendor user), expiring after a key's lifetime; the secret is in `key` only. */
async function insertKeyFor(sql: SqlExecutor, auth: PartnerPrincipal | VendorUserPrincipal, now: Date) {
  const ownerType = auth.kind === 'partner' ? 'partner' : 'vendor_user';
  const key = generateApiKey({ ownerType });
  const fresh = await insertApiKey(sql, {
    generated: key,
    owner_type: ownerType,
    vendor_user_id: auth.kind === 'vendor_user' ? auth.vendorUserId : null,
    partner_id: auth.kind === 'partner' ? auth.partnerId : null,
    now,
    expires_at: keyExpiresAt(now),
  });
  return { key, fresh };
}


export const apiKeyRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/api-keys/rotate',
    operationId: 'rotateApiKey',
    auth: 'api_key',
    summary: 'Rotate the calling key: returns a new key; the old one keeps working for 24 hours',
    tags: ['api keys'],
    responses: {
      201: {
        description: 'The new key (shown once) and the old key’s new expiry',
        schema: z.object({
          api_key: z.string(),
          api_key_id: z.number().int(),
          key_prefix: z.string(),
          expires_at: z.string(),
          previous_api_key_id: z.number().int(),
          previous_expires_at: z.string(),
        }),
      },
    },
    handler: async ({ deps, auth, actor, now }) =>
      created(
        await deps.sql.transaction(async (tx) => {
          // A browser session holds no key: it lists, revokes and (through a key) rotates them.
          if (auth.apiKeyId === undefined) throw new ForbiddenError('Rotate calls with the key to rotate (Authorization: Bearer); a browser session has no key of its own.');
          const old = await findApiKeyById(tx, auth.apiKeyId);
          if (!old) throw new NotFoundError('Key not found.');
          if (old.replaced_by_api_key_id !== null) throw new ConflictError('This key was already rotated: use (or rotate) its successor.');
          const { key, fresh } = await insertKeyFor(tx, auth, now);
          const previousExpiresAt = expiryAfterRotation({ now, currentExpiresAt: new Date(old.expires_at) });
          await markKeyRotated(tx, { api_key_id: old.api_key_id, replaced_by_api_key_id: fresh.api_key_id, expires_at: previousExpiresAt });
          await writeAuditLog(tx, {
            entity_type: 'api_keys',
            entity_id: old.api_key_id,
            action: 'rotate',
            actor,
            before: { expires_at: old.expires_at, replaced_by_api_key_id: null },
            after: { expires_at: previousExpiresAt.toISOString(), replaced_by_api_key_id: fresh.api_key_id },
            now,
          });
          await writeApiKeyCreatedAudit(tx, { apiKey: fresh, actor, now });
          return {
            api_key: key.key,
            api_key_id: fresh.api_key_id,
            key_prefix: fresh.key_prefix,
            expires_at: fresh.expires_at,
            previous_api_key_id: old.api_key_id,
            previous_expires_at: previousExpiresAt.toISOString(),
          };
        }),
      ),
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/api-keys',
    operationId: 'issueApiKey',
    auth: 'api_key',
    summary: "From a web session: issue the signed-in person an API key (shown once); at most two live keys per person, as during a rotation",
    tags: ['api keys'],
    responses: {
      201: {
        description: 'The new key (shown once)',
        schema: z.object({ api_key: z.string(), api_key_id: z.number().int(), key_prefix: z.string(), expires_at: z.string() }),
      },
    },
    handler: async ({ deps, auth, actor, now }) => {
      // At most two live keys per person, as during a rotation's grace period; a key holder rotates.
      if (auth.webSessionId === undefined) throw new ForbiddenError('A key holder rotates its key (POST /v1/api-keys/rotate); this route is for a signed-in session.');
      const owner = auth.kind === 'partner' ? { partner_id: auth.partnerId } : { vendor_user_id: auth.vendorUserId };
      return created(
        await deps.sql.transaction(async (tx) => {
          if ((await countLiveKeys(tx, { ...owner, now })) >= 2) {
            throw new ConflictError('Two keys are live already: revoke one first, or rotate one with itself (POST /v1/api-keys/rotate).');
          }
          const { key, fresh } = await insertKeyFor(tx, auth, now);
          await writeApiKeyCreatedAudit(tx, { apiKey: fresh, actor, now });
          return { api_key: key.key, api_key_id: fresh.api_key_id, key_prefix: fresh.key_prefix, expires_at: fresh.expires_at };
        }),
      );
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/api-keys',
    operationId: 'listApiKeys',
    auth: 'api_key',
    summary: "The caller's keys (vendor admins: every key of the vendor's users)",
    tags: ['api keys'],
    query: z.strictObject({ ...pageQueryShape }),
    responses: { 200: { description: 'A page of keys (never the secret)', schema: pageSchema(keyOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const scope =
        auth.kind === 'partner'
          ? { partner_id: auth.partnerId }
          : roleAtLeast(auth.role, 'admin')
            ? { vendor_id: auth.vendorId }
            : { vendor_user_id: auth.vendorUserId };
      const rows = await listApiKeys(deps.sql, { ...scope, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (row) => ({ id: row.api_key_id }), view));
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/api-keys/{api_key_id}',
    operationId: 'revokeApiKey',
    auth: 'api_key',
    summary: 'Revoke a key at once (own keys; vendor admins also the keys of users they manage)',
    tags: ['api keys'],
    params: idParams('api_key_id'),
    responses: { 204: { description: 'Revoked' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const key = await findApiKeyById(tx, params.api_key_id);
        let allowed = false;
        if (key && auth.kind === 'partner') allowed = key.partner_id === auth.partnerId;
        if (key && auth.kind === 'vendor_user' && key.vendor_user_id !== null) {
          if (key.vendor_user_id === auth.vendorUserId) allowed = true;
          else if (roleAtLeast(auth.role, 'admin')) {
            const owner = await findVendorUser(tx, { vendor_id: auth.vendorId, vendor_user_id: key.vendor_user_id });
            allowed = owner !== undefined && canManageRole(auth.role, owner.role as VendorRole);
          }
        }
        if (!key || !allowed) throw new NotFoundError('Key not found.');
        if (key.revoked_at !== null) return;
        await revokeApiKey(tx, { api_key_id: key.api_key_id, now });
        await writeAuditLog(tx, {
          entity_type: 'api_keys',
          entity_id: key.api_key_id,
          action: 'revoke',
          actor,
          before: { revoked_at: null },
          after: { revoked_at: now.toISOString() },
          now,
        });
      });
      return noContent();
    },
  }),
];
