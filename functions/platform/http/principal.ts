/**
 * Who is calling. Resolved once per request by `authenticate` and handed to every area handler.
 */
import type { VendorRole } from '../../domain/auth/roles.js';

export type { VendorRole };

export interface OperatorPrincipal {
  kind: 'operator';
  /** Set when a web session (cookie), not the operator token, authenticated the request. */
  webSessionId?: number;
}

export interface VendorUserPrincipal {
  kind: 'vendor_user';
  vendorId: number;
  vendorUserId: number;
  /** `inactive`: the vendor left; its keys may read but not write (403). Suspended vendors never authenticate. */
  vendorStatus?: 'active' | 'inactive';
  role: VendorRole;
  /** The key that authenticated the request; absent for a web session. */
  apiKeyId?: number;
  keyExpiresAt?: string;
  /** Set when a web session (cookie) authenticated the request. */
  webSessionId?: number;
}

export interface PartnerPrincipal {
  kind: 'partner';
  partnerId: number;
  /** Partners authenticate whatever their status; routes that need `active` check it (403). */
  partnerStatus: string;
  /** The key that authenticated the request; absent for a web session. */
  apiKeyId?: number;
  keyExpiresAt?: string;
  /** Set when a web session (cookie) authenticated the request. */
  webSessionId?: number;
}

export type Principal = OperatorPrincipal | VendorUserPrincipal | PartnerPrincipal;

/**
 * What a route accepts: the operator token, a vendor user's key, a partner's key, any API key, or
 * a vendor user's key or the operator token (a route whose answer is scoped to the vendor, and
 * whole for the operator: the audit trail).
 */
export type AuthRequirement = 'operator' | 'vendor' | 'partner' | 'api_key' | 'vendor_or_operator' | 'none';

/** The audit actor of a principal: `actor_type` and `actor_id` as `audit_logs` stores them. */
export interface Actor {
  /** The schema's CHECK names the operator `admin`. */
  actor_type: 'vendor_user' | 'partner' | 'system' | 'admin';
  actor_id: number | null;
  /** The caller's IP (API Gateway's `requestContext.http.sourceIp`). */
  ip_address: string | null;
}

export function actorOf(principal: Principal | undefined, ip: string | null): Actor {
  if (!principal) return { actor_type: 'system', actor_id: null, ip_address: ip };
  switch (principal.kind) {
    case 'operator':
      return { actor_type: 'admin', actor_id: null, ip_address: ip };
    case 'vendor_user':
      return { actor_type: 'vendor_user', actor_id: principal.vendorUserId, ip_address: ip };
    case 'partner':
      return { actor_type: 'partner', actor_id: principal.partnerId, ip_address: ip };
  }
}
