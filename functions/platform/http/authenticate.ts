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
import { findKeyWithOwnerByHash, touchApiKey } from '../../repositories/accounts/api-keys.js';
import { activateInvitedVendorUser } from '../../repositories/accounts/vendor-users.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { csrfTokenMatches } from '../../domain/auth/web-session.js';
import { resolveWebSession } from '../../use-cases/resolve-web-session.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';
import { appBaseUrlOf, sessionCookieOf } from './session-cookie.js';
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

/** Methods that change nothing: a session may call them without the CSRF header. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence of a session-authenticated request: a method that may change state needs the
 * session's `X-CSRF-Token` (constant-time compare) and, when `Origin` is sent, the app's origin.
 * @throws ForbiddenError otherwise.
 */
export function assertSessionWriteAllowed(input: {
  event: Pick<APIGatewayProxyEventV2, 'headers'> & { requestContext?: { http?: { method?: string } } };
  sessionToken: string;
  web: { appBaseUrl?: string; publicBaseUrl: string };
}): void {
  const method = (input.event.requestContext?.http?.method ?? 'GET').toUpperCase();
  if (safeMethods.has(method)) return;
  if (!csrfTokenMatches(input.sessionToken, headerOf(input.event, 'x-csrf-token'))) {
    throw new ForbiddenError('A request with a session cookie that changes state needs the X-CSRF-Token header of its session.');
  }
  assertAppOrigin(input);
}

/**
 * A browser request that names its `Origin` must come from the app's (APP_BASE_URL), or from the
 * host it was sent to (same-origin: `localhost` and `127.0.0.1` are both the local app). Also
 * guards the sign-in routes themselves, so another site cannot sign a visitor in to its own
 * account (login CSRF).
 */
export function assertAppOrigin(input: { event: Pick<APIGatewayProxyEventV2, 'headers'>; web: { appBaseUrl?: string; publicBaseUrl: string } }): void {
  const origin = headerOf(input.event, 'origin');
  if (origin === undefined || origin === new URL(appBaseUrlOf(input.web)).origin) return;
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  const host = headerOf(input.event, 'host');
  if (originHost === undefined || host === undefined || originHost.toLowerCase() !== host.toLowerCase()) {
    throw new ForbiddenError('The request comes from another origin than the app.');
  }
}

/**
 * The principal behind `event`'s bearer token, or else its web session cookie (`aff_session`);
 * throws 401 when there is neither or it is not live at `now`. A bearer token wins when both are
 * sent. A session-authenticated request that may change state must carry `X-CSRF-Token` (the
 * session's, compared in constant time) and, when it sends `Origin`, the app's origin: else 403.
 * Bearer requests are exempt: a browser never attaches them on its own.
 */
export async function authenticate({
  event,
  sql,
  adminTokens,
  now,
  web,
}: {
  event: Pick<APIGatewayProxyEventV2, 'headers'> & { cookies?: string[]; requestContext?: { http?: { sourceIp?: string; method?: string } } };
  sql: SqlExecutor;
  /** The operator tokens accepted at `now`; asked only for a bearer token that is not an API key. */
  adminTokens: (now: Date) => Promise<readonly string[]>;
  now: Date;
  /** The web app's settings; absent: session cookies are not accepted. */
  web?: { appBaseUrl?: string; publicBaseUrl: string; operatorEmails?: readonly string[] };
}): Promise<Principal> {
  const token = bearerTokenOf(event);
  if (!token) {
    const sessionToken = web ? sessionCookieOf(event) : undefined;
    if (!web || !sessionToken) throw new UnauthorizedError('A valid API key (Authorization: Bearer <key>) or a signed-in session is required.');
    const session = await resolveWebSession({ sql, sessionToken, operatorEmails: web.operatorEmails ?? [], now });
    if (!session) throw new UnauthorizedError('The session has expired or was signed out: sign in again.');
    assertSessionWriteAllowed({ event, sessionToken, web });
    return session.principal;
  }
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
