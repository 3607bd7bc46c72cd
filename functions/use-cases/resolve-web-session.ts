/**
 * Who a session cookie signs in, at `now`: the session must exist, not be revoked, and be inside
 * both its idle and its absolute expiry; its principal must still be allowed (a partner not
 * deleted, a vendor user and vendor not removed or suspended, an operator address still in
 * OPERATOR_EMAILS). A live session's idle expiry slides forward (written at most once a minute).
 * The principal is exactly what that person's API key would give (authenticate.ts).
 */
import { vendorRoles, type VendorRole } from '../domain/auth/roles.js';
import {
  csrfTokenFor,
  hashSecretToken,
  isSecretTokenShape,
  SESSION_TOUCH_INTERVAL_MS,
  slidIdleExpiry,
  type WebRole,
} from '../domain/auth/web-session.js';
import type { Principal } from '../domain/auth/principal.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import {
  findPartnerStanding,
  findVendorUserStanding,
  findWebSessionByHash,
  touchWebSession,
  type WebPrincipalRef,
} from '../repositories/accounts/web-sign-in.js';

/** What `GET /v1/auth/session` answers (and `POST` on sign-in). */
export interface WebSessionView {
  role: WebRole;
  email: string;
  partner_id?: number;
  vendor_id?: number;
  vendor_user_id?: number;
  vendor_role?: VendorRole;
  csrf_token: string;
  idle_expires_at: string;
  expires_at: string;
}

export interface ResolvedWebSession {
  webSessionId: number;
  principal: Principal;
  view: WebSessionView;
}

/**
 * The principal of `ref` as an API key of theirs would give it, or undefined when they may no
 * longer sign in.
 */
export async function principalOfWebRef(
  sql: SqlExecutor,
  ref: WebPrincipalRef,
  input: { operatorEmails: readonly string[]; webSessionId?: number },
): Promise<{ principal: Principal; extra: Pick<WebSessionView, 'partner_id' | 'vendor_id' | 'vendor_user_id' | 'vendor_role'> } | undefined> {
  if (ref.role === 'operator') {
    if (!input.operatorEmails.includes(ref.email.toLowerCase())) return undefined;
    return { principal: { kind: 'operator', webSessionId: input.webSessionId }, extra: {} };
  }
  if (ref.role === 'partner' && ref.partner_id !== null) {
    const partner = await findPartnerStanding(sql, ref.partner_id);
    if (!partner) return undefined;
    return {
      principal: { kind: 'partner', partnerId: ref.partner_id, partnerStatus: partner.status, webSessionId: input.webSessionId },
      extra: { partner_id: ref.partner_id },
    };
  }
  if (ref.role === 'vendor' && ref.vendor_user_id !== null) {
    const user = await findVendorUserStanding(sql, ref.vendor_user_id);
    // As with keys: an inactive user or a suspended vendor never signs in; an inactive vendor reads only.
    if (!user || user.status === 'inactive' || (user.vendor_status !== 'active' && user.vendor_status !== 'inactive')) return undefined;
    const role = vendorRoles.includes(user.role) ? user.role : 'member';
    return {
      principal: {
        kind: 'vendor_user',
        vendorId: user.vendor_id,
        vendorUserId: ref.vendor_user_id,
        vendorStatus: user.vendor_status === 'inactive' ? 'inactive' : 'active',
        role,
        webSessionId: input.webSessionId,
      },
      extra: { vendor_id: user.vendor_id, vendor_user_id: ref.vendor_user_id, vendor_role: role },
    };
  }
  return undefined;
}

/** The live session behind the cookie value `sessionToken`, or undefined. */
export async function resolveWebSession(input: {
  sql: SqlExecutor;
  sessionToken: string;
  operatorEmails: readonly string[];
  now: Date;
}): Promise<ResolvedWebSession | undefined> {
  const { sql, sessionToken, now } = input;
  if (!isSecretTokenShape(sessionToken)) return undefined;
  const session = await findWebSessionByHash(sql, hashSecretToken(sessionToken));
  if (!session || session.revoked_at !== null) return undefined;
  const expiresAt = new Date(session.expires_at);
  if (Date.parse(session.idle_expires_at) <= now.getTime() || expiresAt.getTime() <= now.getTime()) return undefined;
  const resolved = await principalOfWebRef(sql, session, { operatorEmails: input.operatorEmails, webSessionId: session.web_session_id });
  if (!resolved) return undefined;

  let idleExpiresAt = session.idle_expires_at;
  if (now.getTime() - Date.parse(session.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
    const slid = slidIdleExpiry(now, expiresAt);
    await touchWebSession(sql, { web_session_id: session.web_session_id, now, idle_expires_at: slid });
    idleExpiresAt = slid.toISOString();
  }
  return {
    webSessionId: session.web_session_id,
    principal: resolved.principal,
    view: {
      role: session.role,
      email: session.email,
      ...resolved.extra,
      csrf_token: csrfTokenFor(sessionToken),
      idle_expires_at: idleExpiresAt,
      expires_at: session.expires_at,
    },
  };
}
