/**
 * Who is calling: the operator, a vendor user or a partner, as an API key, the operator token or a
 * web session resolves it. A domain type, so use cases that resolve a caller (a web session) name
 * it without knowing HTTP; `platform/http/principal.ts` re-exports it for the routes.
 */
import type { VendorRole } from './roles.js';

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
