/**
 * Enrollment changes shared by the vendor and partner routes: each runs in one transaction with
 * its audit row, locks the campaign row so `max_partners` holds under concurrent approvals, and
 * then rewrites the enrollment's link items.
 */
import type { EnrollmentAction } from '../../domain/enrollments/transition-enrollment.js';
import { hasRoomForPartner, transitionEnrollment } from '../../domain/enrollments/transition-enrollment.js';
import { ConflictError, NotFoundError } from '../../platform/http/errors.js';
import type { Actor } from '../../platform/http/principal.js';
import type { ApiDeps } from '../../platform/http/route.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findCampaign } from '../../repositories/campaigns/campaigns.js';
import {
  countApprovedEnrollments,
  findEnrollment,
  updateEnrollmentStatus,
  type EnrollmentRow,
} from '../../repositories/partners/enrollments.js';
import { writeLinksThrough } from '../../use-cases/write-links-through.js';

/** 409 when the campaign already has `max_partners` approved partners. Call with the campaign row locked. */
export async function assertCampaignHasRoom(tx: SqlExecutor, campaign: { campaign_id: number; max_partners: number | null }): Promise<void> {
  if (campaign.max_partners === null) return;
  const approvedCount = await countApprovedEnrollments(tx, campaign.campaign_id);
  if (!hasRoomForPartner({ maxPartners: campaign.max_partners, approvedCount })) {
    throw new ConflictError(`The campaign is full: max_partners is ${campaign.max_partners}.`);
  }
}

/** Applies approve / reject / remove to a vendor's enrollment. */
export async function changeEnrollment({
  deps,
  vendorId,
  vendorUserId,
  campaignPartnerId,
  action,
  reason,
  actor,
  now,
}: {
  deps: ApiDeps;
  vendorId: number;
  vendorUserId: number;
  campaignPartnerId: number;
  action: EnrollmentAction;
  reason?: string;
  actor: Actor;
  now: Date;
}): Promise<EnrollmentRow> {
  await deps.sql.transaction(async (tx) => {
    const found = await findEnrollment(tx, { campaign_partner_id: campaignPartnerId, vendor_id: vendorId });
    if (!found) throw new NotFoundError('Enrollment not found.');
    // Lock order: campaign, then enrollment (same as enroll/apply), so approvals serialise per campaign.
    const campaign = await findCampaign(tx, { campaign_id: found.campaign_id, vendor_id: vendorId, forUpdate: true });
    if (!campaign) throw new NotFoundError('Enrollment not found.');
    const before = await findEnrollment(tx, { campaign_partner_id: campaignPartnerId, vendor_id: vendorId, forUpdate: true });
    if (!before) throw new NotFoundError('Enrollment not found.');
    const transition = transitionEnrollment({ from: before.status, action });
    if (!transition.ok) throw new ConflictError(transition.reason);
    if (action === 'approve') await assertCampaignHasRoom(tx, campaign);
    await updateEnrollmentStatus(tx, {
      campaign_partner_id: campaignPartnerId,
      status: transition.to,
      rejection_reason: action === 'reject' ? reason : undefined,
      approved_by: action === 'approve' ? vendorUserId : undefined,
      now,
    });
    const after = await findEnrollment(tx, { campaign_partner_id: campaignPartnerId });
    await writeAuditLog(tx, {
      entity_type: 'campaign_partners',
      entity_id: campaignPartnerId,
      action,
      actor,
      before: { ...before },
      after: { ...after! },
      reason,
      now,
    });
  });
  await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { campaign_partner_id: campaignPartnerId }, logger: deps.logger });
  return (await findEnrollment(deps.sql, { campaign_partner_id: campaignPartnerId }))!;
}
