/**
 * Authentication: `Authorization: Bearer <token>` is the operator token (constant-time compare
 * against the tokens `adminTokens` accepts: Secrets Manager's current and, in the rotation's grace
 * period, previous value on AWS; ADMIN_TOKEN locally) or an API key (looked up by its SHA-256 hash). Every failure is the same
 * 401 so a caller cannot tell a wrong key from a revoked or expired one.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { constantTimeEqual, hashApiKey, ownerTypeOfKey } from '../../domain/auth/api-key.js';
import { vendorRoles, type VendorRole } from '../../domain/auth/roles.js';
import { findKeyWithOwnerByHash, touchApiKey } from '../../repositories/api-keys.js';
import { activateInvitedVendorUser } from '../../repositories/vendor-users.js';
import { writeAuditLog } from '../../repositories/audit-logs.js';
import { UnauthorizedError } from './errors.js';
import { headerOf } from './parse-request.js';
import type { Principal } from './principal.js';

/** `last_used_at` is written at most this often per key, so reads stay reads. */
const touchIntervalMs = 60_000;

/** The bearer token of `event`, or undefined. */
export function bearerTokenOf(event: Pick<APIGatewayProxyEventV2, 'headers'>): string | undefined {
  const header = headerOf(event, 'authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The principal behind `event`'s bearer token; throws 401 when there is none or it is not live
 * at `now`.
 */
export async function authenticate({
  event,
  sql,
  adminTokens,
  now,
}: {
  event: Pick<APIGatewayProxyEventV2, 'headers'> & { requestContext?: { http?: { sourceIp?: string } } };
  sql: SqlExecutor;
  /** The operator tokens accepted at `now`; asked only for a bearer token that is not an API key. */
  adminTokens: (now: Date) => Promise<readonly string[]>;
  now: Date;
}): Promise<Principal> {
  const token = bearerTokenOf(event);
  if (!token) throw new UnauthorizedError();
  const ownerType = ownerTypeOfKey(token);
  if (!ownerType) {
    const accepted = await adminTokens(now);
    // Every candidate is compared (no early exit), so timing does not tell which one matched.
    const matches = accepted.map((adminToken) => constantTimeEqual(token, adminToken));
    if (matches.includes(true)) return { kind: 'operator' };
    throw new UnauthorizedError('The bearer token is not a valid API key.');
  }
  const key = await findKeyWithOwnerByHash(sql, hashApiKey(token));
  const invalid = new UnauthorizedError('The API key is unknown, revoked or expired.');
  if (!key || key.owner_type !== ownerType) throw invalid;
  if (key.revoked_at !== null || Date.parse(key.expires_at) <= now.getTime()) throw invalid;

  if (!key.last_used_at || now.getTime() - Date.parse(key.last_used_at) >= touchIntervalMs) {
    await touchApiKey(sql, { api_key_id: key.api_key_id, now });
  }

  if (key.owner_type === 'partner') {
    if (key.partner_id === null || key.partner_deleted) throw invalid;
    return {
      kind: 'partner',
      partnerId: key.partner_id,
      partnerStatus: key.partner_status ?? 'pending',
      apiKeyId: key.api_key_id,
      keyExpiresAt: key.expires_at,
    };
  }
  if (
    key.vendor_user_id === null ||
    key.vendor_id === null ||
    key.vendor_user_deleted ||
    key.vendor_user_status === 'inactive' ||
    key.vendor_deleted ||
    // An inactive vendor (it left) keeps read access to its history; the router refuses its writes.
    (key.vendor_status !== 'active' && key.vendor_status !== 'inactive')
  ) {
    throw invalid;
  }
  // An invited user's first authenticated request accepts the invitation.
  if (key.vendor_user_status === 'pending') {
    const vendorUserId = key.vendor_user_id;
    await sql.transaction(async (tx) => {
      await activateInvitedVendorUser(tx, { vendor_user_id: vendorUserId, now });
      await writeAuditLog(tx, {
        entity_type: 'vendor_users',
        entity_id: vendorUserId,
        action: 'accept_invitation',
        actor: { actor_type: 'vendor_user', actor_id: vendorUserId, ip_address: event.requestContext?.http?.sourceIp ?? null },
        before: { status: 'pending', joined_at: null },
        after: { status: 'active', joined_at: now.toISOString() },
        now,
      });
    });
  }
  const role = vendorRoles.includes(key.role as VendorRole) ? (key.role as VendorRole) : 'member';
  return {
    kind: 'vendor_user',
    vendorId: key.vendor_id,
    vendorUserId: key.vendor_user_id,
    vendorStatus: key.vendor_status === 'inactive' ? 'inactive' : 'active',
    role,
    apiKeyId: key.api_key_id,
    keyExpiresAt: key.expires_at,
  };
}
