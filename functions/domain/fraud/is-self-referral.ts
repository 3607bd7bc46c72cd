import { normaliseEmail } from './normalise-email.js';

/**
 * True when the customer is the partner (same normalised email): such conversions earn
 * nothing and are kept as rejected with reason `self_referral`. Missing or blank emails on
 * either side are not evidence, so they return false.
 */
export function isSelfReferral(input: { partnerEmail?: string | null; customerEmail?: string | null }): boolean {
  const partner = input.partnerEmail?.trim();
  const customer = input.customerEmail?.trim();
  if (!partner || !customer) return false;
  return normaliseEmail(partner) === normaliseEmail(customer);
}
