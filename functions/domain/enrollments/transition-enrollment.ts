/**
 * Enrollment lifecycle (campaign_partners.status): pending -> approved | rejected, and any of
 * those -> removed. `removed` is final; a removed or rejected partner does not re-apply to the
 * same campaign (the unique enrollment is kept as history).
 */
export type EnrollmentStatus = 'pending' | 'approved' | 'rejected' | 'removed';
export type EnrollmentAction = 'approve' | 'reject' | 'remove';

const transitions: Record<EnrollmentAction, { from: EnrollmentStatus[]; to: EnrollmentStatus }> = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  remove: { from: ['pending', 'approved', 'rejected'], to: 'removed' },
};

export type TransitionResult = { ok: true; to: EnrollmentStatus } | { ok: false; reason: string };

/** The status after `action`, or why it is not allowed from `from`. */
export function transitionEnrollment({ from, action }: { from: string; action: EnrollmentAction }): TransitionResult {
  const rule = transitions[action];
  if (rule.from.includes(from as EnrollmentStatus)) return { ok: true, to: rule.to };
  return { ok: false, reason: `An enrollment that is ${from} cannot be ${rule.to === 'removed' ? 'removed' : `${rule.to}`}.` };
}

/** Whether a campaign with `maxPartners` (null = unlimited) has room beyond `approvedCount`. */
export function hasRoomForPartner({ maxPartners, approvedCount }: { maxPartners: number | null; approvedCount: number }): boolean {
  return maxPartners === null || approvedCount < maxPartners;
}
