/**
 * Exchanges a sign-in link's token for a session: the token is consumed in one statement (single
 * use, only before its 15 minutes are up), its principal checked again (a partner deleted or an
 * address removed from OPERATOR_EMAILS since the link was sent gets nothing), and a session row
 * is written with a fresh cookie value (stored hashed). An invited vendor user who signs in has
 * accepted the invitation, as with their first API call.
 */
import { generateSecretToken, hashSecretToken, isSecretTokenShape, sessionExpiries, csrfTokenFor } from '../domain/auth/web-session.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { activateInvitedVendorUser } from '../repositories/accounts/vendor-users.js';
import { consumeAuthToken, findVendorUserStanding, insertWebSession } from '../repositories/accounts/web-sign-in.js';
import { principalOfWebRef, type WebSessionView } from './resolve-web-session.js';

export async function startWebSession(input: {
  sql: SqlExecutor;
  token: string;
  ip: string | null;
  operatorEmails: readonly string[];
  now: Date;
}): Promise<{ sessionToken: string; view: WebSessionView } | undefined> {
  const { now } = input;
  if (!isSecretTokenShape(input.token)) return undefined;
  return input.sql.transaction(async (tx) => {
    const ref = await consumeAuthToken(tx, { token_hash: hashSecretToken(input.token), now });
    if (!ref) return undefined;
    const resolved = await principalOfWebRef(tx, ref, { operatorEmails: input.operatorEmails });
    if (!resolved) return undefined;
    if (ref.role === 'vendor' && ref.vendor_user_id !== null) {
      const user = await findVendorUserStanding(tx, ref.vendor_user_id);
      if (user?.status === 'pending') {
        await activateInvitedVendorUser(tx, { vendor_user_id: ref.vendor_user_id, now });
        await writeAuditLog(tx, {
          entity_type: 'vendor_users',
          entity_id: ref.vendor_user_id,
          action: 'accept_invitation',
          actor: { actor_type: 'vendor_user', actor_id: ref.vendor_user_id, ip_address: input.ip },
          before: { status: 'pending', joined_at: null },
          after: { status: 'active', joined_at: now.toISOString() },
          now,
        });
      }
    }
    const sessionToken = generateSecretToken();
    const { idleExpiresAt, expiresAt } = sessionExpiries(now);
    const session = await insertWebSession(tx, {
      role: ref.role,
      email: ref.email,
      partner_id: ref.partner_id,
      vendor_user_id: ref.vendor_user_id,
      session_hash: hashSecretToken(sessionToken),
      auth_token_id: ref.auth_token_id,
      ip_address: input.ip,
      now,
      idle_expires_at: idleExpiresAt,
      expires_at: expiresAt,
    });
    return {
      sessionToken,
      view: {
        role: session.role,
        email: session.email,
        ...resolved.extra,
        csrf_token: csrfTokenFor(sessionToken),
        idle_expires_at: session.idle_expires_at,
        expires_at: session.expires_at,
      },
    };
  });
}
