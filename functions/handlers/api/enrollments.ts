/**
 * Vendor enrollment routes: enroll a partner directly (approved at once), approve / reject /
 * remove applications, list and read enrollments. Removing an enrollment deactivates its links in
 * the hot store in the same request.
 */
import { z } from 'zod';
import { notifyPartner } from '../../use-cases/send-notice.js';
import { ConflictError, NotFoundError } from '../../platform/http/errors.js';
import { idField, idParam, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findCampaign } from '../../repositories/campaigns/campaigns.js';
import { findEnrollment, findEnrollmentByCampaign, insertEnrollment, listEnrollments } from '../../repositories/partners/enrollments.js';
import { findPartner } from '../../repositories/partners/partners.js';
import { partnerNames } from '../../repositories/reports.js';
import { listPartnerLinks } from '../../repositories/partners/partner-links.js';
import { linkOut, linkView } from './links.js';
import { enrollmentOut, enrollmentStatus } from './enrollment-schemas.js';
import { assertCampaignHasRoom, changeEnrollment } from './enrollment-service.js';

const enrollmentParams = idParams('campaign_partner_id');

export const enrollmentRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/campaigns/{campaign_id}/partners',
    operationId: 'enrollPartner',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Enroll a partner directly (status approved)',
    tags: ['enrollments'],
    params: idParams('campaign_id'),
    body: z.strictObject({ partner_id: idField }),
    responses: { 201: { description: 'The approved enrollment', schema: enrollmentOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      try {
        const id = await deps.sql.transaction(async (tx) => {
          const campaign = await findCampaign(tx, { campaign_id: params.campaign_id, vendor_id: auth.vendorId, forUpdate: true });
          if (!campaign) throw new NotFoundError('Campaign not found.');
          if (campaign.status !== 'active') throw new ConflictError(`The campaign is ${campaign.status}: it takes no new partners.`);
          const partner = await findPartner(tx, { partner_id: body.partner_id });
          if (!partner) throw new NotFoundError('Partner not found.');
          if (partner.status !== 'active') throw new ConflictError(`The partner is ${partner.status}: only active partners can be enrolled.`);
          const existing = await findEnrollmentByCampaign(tx, { campaign_id: campaign.campaign_id, partner_id: partner.partner_id });
          if (existing) {
            throw new ConflictError(`The partner is already enrolled (status ${existing.status}, campaign_partner_id ${existing.campaign_partner_id}).`);
          }
          await assertCampaignHasRoom(tx, campaign);
          const newId = await insertEnrollment(tx, {
            campaign_version_id: campaign.campaign_version_id,
            partner_id: partner.partner_id,
            status: 'approved',
            approved_by: auth.vendorUserId,
            now,
          });
          const row = await findEnrollment(tx, { campaign_partner_id: newId });
          await writeAuditLog(tx, { entity_type: 'campaign_partners', entity_id: newId, action: 'create', actor, after: { ...row! }, now });
          return newId;
        });
        return created(await findEnrollment(deps.sql, { campaign_partner_id: id }));
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('The partner is already enrolled.', { cause: error });
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaign-partners',
    operationId: 'listEnrollments',
    auth: 'vendor',
    summary: "List the vendor's enrollments (filter by status and campaign)",
    tags: ['enrollments'],
    query: z.strictObject({ ...pageQueryShape, status: enrollmentStatus.optional(), campaign_id: idParam.optional() }),
    responses: {
      200: {
        description: 'A page of enrollments',
        // The applicant's name, so a vendor deciding on an application knows who applied.
        schema: pageSchema(enrollmentOut.extend({ partner_name: z.string().nullable() })),
      },
    },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listEnrollments(deps.sql, {
        vendor_id: auth.vendorId,
        status: query.status,
        campaign_id: query.campaign_id,
        before_id: cursor?.id,
        limit: query.limit,
      });
      const names = await partnerNames(deps.sql, [...new Set(rows.map((row) => Number(row.partner_id)))]);
      return ok(toPage(rows, query.limit, (row) => ({ id: row.campaign_partner_id }), (row) => ({ ...row, partner_name: names.get(Number(row.partner_id)) ?? null })));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaign-partners/{campaign_partner_id}',
    operationId: 'getEnrollment',
    auth: 'vendor',
    summary: 'An enrollment',
    tags: ['enrollments'],
    params: enrollmentParams,
    responses: { 200: { description: 'The enrollment', schema: enrollmentOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findEnrollment(deps.sql, { campaign_partner_id: params.campaign_partner_id, vendor_id: auth.vendorId });
      if (!row) throw new NotFoundError('Enrollment not found.');
      return ok(row);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaign-partners/{campaign_partner_id}/links',
    operationId: 'listEnrollmentLinks',
    auth: 'vendor',
    summary: "An enrolled partner's links in this campaign",
    tags: ['enrollments', 'links'],
    params: enrollmentParams,
    query: z.strictObject({ ...pageQueryShape }),
    responses: { 200: { description: 'A page of links', schema: pageSchema(linkOut) } },
    handler: async ({ deps, auth, params, query }) => {
      const enrollment = await findEnrollment(deps.sql, { campaign_partner_id: params.campaign_partner_id, vendor_id: auth.vendorId });
      if (!enrollment) throw new NotFoundError('Enrollment not found.');
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listPartnerLinks(deps.sql, { campaign_partner_id: enrollment.campaign_partner_id, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (row) => ({ id: row.partner_link_id }), (row) => linkView(row, deps.config.publicBaseUrl)));
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/campaign-partners/{campaign_partner_id}/approve',
    operationId: 'approveEnrollment',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Approve a pending application (409 when the campaign is full)',
    tags: ['enrollments'],
    params: enrollmentParams,
    body: z.strictObject({ reason: z.string().max(2000).optional() }),
    responses: { 200: { description: 'The enrollment', schema: enrollmentOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const enrollment = await changeEnrollment({
        deps,
        vendorId: auth.vendorId,
        vendorUserId: auth.vendorUserId,
        campaignPartnerId: params.campaign_partner_id,
        action: 'approve',
        reason: body.reason,
        actor,
        now,
      });
      // Approving twice is a 409 (transitionEnrollment), so every approval that gets here is news.
      await notifyPartner({ deps, partnerId: enrollment.partner_id, notice: { kind: 'enrollment_approved', campaignId: enrollment.campaign_id }, now });
      return ok(enrollment);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/campaign-partners/{campaign_partner_id}/reject',
    operationId: 'rejectEnrollment',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Reject a pending application',
    tags: ['enrollments'],
    params: enrollmentParams,
    body: z.strictObject({ rejection_reason: z.string().trim().min(1).max(2000) }),
    responses: { 200: { description: 'The enrollment', schema: enrollmentOut } },
    handler: async ({ deps, auth, params, body, actor, now }) =>
      ok(
        await changeEnrollment({
          deps,
          vendorId: auth.vendorId,
          vendorUserId: auth.vendorUserId,
          campaignPartnerId: params.campaign_partner_id,
          action: 'reject',
          reason: body.rejection_reason,
          actor,
          now,
        }),
      ),
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/campaign-partners/{campaign_partner_id}/remove',
    operationId: 'removeEnrollment',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Remove an enrollment (its links stop redirecting at once)',
    tags: ['enrollments'],
    params: enrollmentParams,
    body: z.strictObject({ reason: z.string().max(2000).optional() }),
    responses: { 200: { description: 'The enrollment', schema: enrollmentOut } },
    handler: async ({ deps, auth, params, body, actor, now }) =>
      ok(
        await changeEnrollment({
          deps,
          vendorId: auth.vendorId,
          vendorUserId: auth.vendorUserId,
          campaignPartnerId: params.campaign_partner_id,
          action: 'remove',
          reason: body.reason,
          actor,
          now,
        }),
      ),
  }),
];
