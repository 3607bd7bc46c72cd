/**
 * Account lifecycles, as the operator moves them (docs/privacy-and-retention.md "Partner and
 * vendor status").
 *
 * Partners (`partners.status`, the dictionary's pending, active, suspended, rejected): self-signup
 * starts `pending`; the operator approves (`active`) or rejects (`rejected`); an active partner can
 * be suspended and reactivated; a rejected one can still be approved later (a second review).
 * Only `active` partners get links, enrollments and payouts.
 *
 * Vendors (`vendors.status`: active, suspended, inactive): `suspended` locks the vendor out (its
 * keys answer 401, its links stop); `inactive` is a vendor that left: its links stop and its keys
 * may only read. Either comes back with `activate`.
 */
export type PartnerStatus = 'pending' | 'active' | 'suspended' | 'rejected';
export type PartnerAction = 'approve' | 'reject' | 'suspend' | 'activate';
export type VendorStatus = 'active' | 'suspended' | 'inactive';
export type VendorAction = 'suspend' | 'deactivate' | 'activate';

const partnerRules: Record<PartnerAction, { from: PartnerStatus[]; to: PartnerStatus }> = {
  approve: { from: ['pending', 'rejected'], to: 'active' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['active'], to: 'suspended' },
  activate: { from: ['suspended'], to: 'active' },
};

const vendorRules: Record<VendorAction, { from: VendorStatus[]; to: VendorStatus }> = {
  suspend: { from: ['active', 'inactive'], to: 'suspended' },
  deactivate: { from: ['active', 'suspended'], to: 'inactive' },
  activate: { from: ['suspended', 'inactive'], to: 'active' },
};

export type AccountTransition<S extends string> = { ok: true; to: S; changed: boolean } | { ok: false; reason: string };

function transition<S extends string, A extends string>(
  kind: string,
  rules: Record<A, { from: S[]; to: S }>,
  from: string,
  action: A,
): AccountTransition<S> {
  const rule = rules[action];
  // Repeating the current status is a no-op, not a conflict (a retried request).
  if (from === rule.to) return { ok: true, to: rule.to, changed: false };
  if (rule.from.includes(from as S)) return { ok: true, to: rule.to, changed: true };
  const allowed = (Object.keys(rules) as A[]).filter((a) => rules[a].from.includes(from as S));
  return {
    ok: false,
    reason: `The ${kind} is ${from}: ${String(action)} is not allowed${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ''}.`,
  };
}

/** The partner's status after `action`, or why `action` is not allowed from `from`. */
export function transitionPartner({ from, action }: { from: string; action: PartnerAction }): AccountTransition<PartnerStatus> {
  return transition('partner', partnerRules, from, action);
}

/** The vendor's status after `action`, or why `action` is not allowed from `from`. */
export function transitionVendor({ from, action }: { from: string; action: VendorAction }): AccountTransition<VendorStatus> {
  return transition('vendor', vendorRules, from, action);
}
