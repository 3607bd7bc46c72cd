/**
 * Who is calling. Resolved once per request by `authenticate` and handed to every area handler.
 */
import type { Actor } from '../../domain/audit/actor.js';
import type { VendorRole } from '../../domain/auth/roles.js';

export type { VendorRole };

export type { OperatorPrincipal, PartnerPrincipal, Principal, VendorUserPrincipal } from '../../domain/auth/principal.js';
import type { Principal } from '../../domain/auth/principal.js';

/**
 * What a route accepts: the operator token, a vendor user's key, a partner's key, any API key, or
 * a vendor user's key or the operator token (a route whose answer is scoped to the vendor, and
 * whole for the operator: the audit trail).
 */
export type AuthRequirement = 'operator' | 'vendor' | 'partner' | 'api_key' | 'vendor_or_operator' | 'none';

/** The audit actor lives in the domain: repositories and use cases record it without knowing HTTP. */
export type { Actor };

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
