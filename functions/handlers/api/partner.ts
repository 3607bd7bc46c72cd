/**
 * Partner self-service: the public campaign marketplace, applying, the partner's enrollments and
 * the dashboard. A partner key reaches only that partner's enrollments and earnings.
 */
import { z } from 'zod';
import { parseAmount } from '../../domain/money/currency.js';
import { formatMoneyByCurrency, moneyByCurrency } from '../../domain/money/money-by-currency.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/http/errors.js';
import { email, httpUrl, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findCampaign, listCampaigns, type CampaignRow } from '../../repositories/campaigns/campaigns.js';
import {
  findEnrollment,
  findEnrollmentByCampaign,
  insertEnrollment,
  listEnrollments,
  partnerDashboard,
} from '../../repositories/partners/enrollments.js';
import { writeLinksThrough } from '../../use-cases/write-links-through.js';
import { registerPartner } from '../../use-cases/register-partner.js';
import { partnerSchema } from './account-schemas.js';
import { commissionType, tierOut } from './campaign-schemas.js';
import { campaignViews } from './campaign-views.js';
import { enrollmentOut, enrollmentStatus } from './enrollment-schemas.js';
import { assertCampaignHasRoom } from './enrollment-service.js';

const marketplaceCampaign = z.object({
  campaign_id: z.number().int(),
  vendor_id: z.number().int(),
  campaign_version_id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  destination_url: z.string(),
  default_commission_type: commissionType,
  default_commission_value: z.string().nullable(),
  cookie_duration_days: z.number().int(),
  approval_required: z.boolean(),
  terms_url: z.string().nullable(),
  promotional_guidelines: z.string().nullable(),
  tiers: z.array(tierOut),
  currency: z.string().describe('ISO 4217 currency of every amount of the campaign'),
  enrollment_status: enrollmentStatus.nullable().describe("The calling partner's enrollment, if any"),
});

async function marketplaceViews(sql: SqlExecutor, rows: CampaignRow[], partnerId: number) {
  const views = await campaignViews(sql, rows);
  const enrollments = await Promise.all(rows.map((row) => findEnrollmentByCampaign(sql, { campaign_id: row.campaign_id, partner_id: partnerId })));
  return views.map((view, i) => ({
    campaign_id: view.campaign_id,
    vendor_id: view.vendor_id,
    campaign_version_id: view.campaign_version_id,
    name: view.name,
    description: view.description,
    destination_url: view.destination_url,
    default_commission_type: view.default_commission_type,
    default_commission_value: view.default_commission_value,
    cookie_duration_days: view.cookie_duration_days,
    approval_required: view.approval_required,
    terms_url: view.terms_url,
    promotional_guidelines: view.promotional_guidelines,
    tiers: view.tiers,
    currency: view.currency,
    enrollment_status: enrollments[i]?.status ?? null,
  }));
}

const dashboardRow = z.object({
  campaign_partner_id: z.number().int(),
  campaign_id: z.number().int(),
  campaign_name: z.string(),
  total_clicks: z.number().int(),
  total_conversions: z.number().int(),
  currency: z.string().describe("ISO 4217 currency of the campaign's amounts"),
  total_revenue: z.string(),
  total_commission_earned: z.string(),
  last_click_at: z.string().nullable(),
  last_conversion_at: z.string().nullable(),
  filtered_clicks: z.record(z.string(), z.number().int()).describe('Requests redirected but not counted, by reason (velocity); see docs/trust.md'),
});

const signupBody = z.strictObject({
  name: z.string().trim().min(1).max(255),
  email,
  bio: z.string().max(5000).optional(),
  website_url: httpUrl.optional(),
});

const signedUpPartner = partnerSchema.extend({
  api_key: z.string().describe('Shown this once'),
  api_key_prefix: z.string(),
  api_key_expires_at: z.string(),
});

/** Money of one currency; a total over several currencies is a list of these, never one number. */
export const currencyMoneyOut = z.object({
  currency: z.string().describe('ISO 4217'),
  revenue: z.string().describe("Decimal string with the currency's decimals"),
  commission: z.string().describe("Decimal string with the currency's decimals"),
});

export const partnerRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/partner/signup',
    operationId: 'signUpPartner',
    auth: 'none',
    summary: 'Self-signup: a pending partner and its API key (shown once); the operator approves it before it can enroll, get links or be paid',
    tags: ['partner'],
    body: signupBody,
    responses: { 201: { description: 'Partner created, pending approval', schema: signedUpPartner } },
    handler: async ({ deps, body, ip, now }) => {
      const { partner, ...key } = await registerPartner({ sql: deps.sql, partner: body, status: 'pending', actor: { self: true, ip_address: ip }, auditAction: 'signup', now });
      return created({ ...partner, ...key });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/campaigns',
    operationId: 'listMarketplaceCampaigns',
    auth: 'partner',
    summary: 'Public, active campaigns (the marketplace), with the caller’s enrollment status',
    tags: ['partner'],
    query: z.strictObject({ ...pageQueryShape }),
    responses: { 200: { description: 'A page of campaigns', schema: pageSchema(marketplaceCampaign) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listCampaigns(deps.sql, { status: 'active', public_only: true, before_id: cursor?.id, limit: query.limit });
      const page = toPage(rows, query.limit, (row) => ({ id: row.campaign_id }), (row) => row);
      return ok({ data: await marketplaceViews(deps.sql, page.data, auth.partnerId), next_cursor: page.next_cursor });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/campaigns/{campaign_id}',
    operationId: 'getMarketplaceCampaign',
    auth: 'partner',
    summary: 'A campaign the caller can see (public, or one it is enrolled in)',
    tags: ['partner'],
    params: idParams('campaign_id'),
    responses: { 200: { description: 'The campaign', schema: marketplaceCampaign } },
    handler: async ({ deps, auth, params }) => {
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id });
      const enrollment = campaign ? await findEnrollmentByCampaign(deps.sql, { campaign_id: campaign.campaign_id, partner_id: auth.partnerId }) : undefined;
      if (!campaign || (!enrollment && (!campaign.is_public || campaign.status !== 'active'))) throw new NotFoundError('Campaign not found.');
      return ok((await marketplaceViews(deps.sql, [campaign], auth.partnerId))[0]);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/v1/partner/campaigns/{campaign_id}/apply',
    operationId: 'applyToCampaign',
    auth: 'partner',
    summary: 'Apply to a public campaign: pending, or approved at once when no approval is required',
    tags: ['partner'],
    params: idParams('campaign_id'),
    body: z.strictObject({ application_note: z.string().max(5000).optional() }),
    responses: { 201: { description: 'The enrollment', schema: enrollmentOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      if (auth.partnerStatus !== 'active') throw new ForbiddenError(`The partner is ${auth.partnerStatus}: only active partners can apply.`);
      let approved = false;
      try {
        const id = await deps.sql.transaction(async (tx) => {
          const campaign = await findCampaign(tx, { campaign_id: params.campaign_id, forUpdate: true });
          // Private campaigns are invisible to partners: not found, like any other campaign they cannot see.
          if (!campaign || !campaign.is_public) throw new NotFoundError('Campaign not found.');
          if (campaign.status !== 'active') throw new ConflictError(`The campaign is ${campaign.status}: it takes no applications.`);
          const existing = await findEnrollmentByCampaign(tx, { campaign_id: campaign.campaign_id, partner_id: auth.partnerId });
          if (existing) throw new ConflictError(`Already enrolled in this campaign (status ${existing.status}).`);
          await assertCampaignHasRoom(tx, campaign);
          approved = !campaign.approval_required;
          const newId = await insertEnrollment(tx, {
            campaign_version_id: campaign.campaign_version_id,
            partner_id: auth.partnerId,
            status: approved ? 'approved' : 'pending',
            application_note: body.application_note ?? null,
            now,
          });
          const row = await findEnrollment(tx, { campaign_partner_id: newId });
          await writeAuditLog(tx, { entity_type: 'campaign_partners', entity_id: newId, action: 'apply', actor, after: { ...row! }, now });
          return newId;
        });
        if (approved) await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { campaign_partner_id: id }, logger: deps.logger });
        return created(await findEnrollment(deps.sql, { campaign_partner_id: id }));
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('Already enrolled in this campaign.', { cause: error });
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/enrollments',
    operationId: 'listOwnEnrollments',
    auth: 'partner',
    summary: "The caller's enrollments",
    tags: ['partner'],
    query: z.strictObject({ ...pageQueryShape, status: enrollmentStatus.optional() }),
    responses: { 200: { description: 'A page of enrollments', schema: pageSchema(enrollmentOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listEnrollments(deps.sql, { partner_id: auth.partnerId, status: query.status, before_id: cursor?.id, limit: query.limit });
      return ok(toPage(rows, query.limit, (row) => ({ id: row.campaign_partner_id }), (row) => row));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/dashboard',
    operationId: 'getPartnerDashboard',
    auth: 'partner',
    summary: 'Per approved enrollment: clicks, conversions, revenue, commission earned, last conversion; and totals',
    tags: ['partner'],
    responses: {
      200: {
        description: 'Dashboard',
        schema: z.object({
          partner_id: z.number().int(),
          campaigns: z.array(dashboardRow),
          totals: z.object({
            total_clicks: z.number().int(),
            total_conversions: z.number().int(),
            money: z.array(currencyMoneyOut).describe('Revenue and commission per currency (amounts of two currencies are never added)'),
            filtered_clicks: z.record(z.string(), z.number().int()),
          }),
        }),
      },
    },
    handler: async ({ deps, auth }) => {
      const rows = await partnerDashboard(deps.sql, auth.partnerId);
      let clicks = 0;
      let conversions = 0;
      const filtered: Record<string, number> = {};
      for (const row of rows) {
        for (const [reason, n] of Object.entries(row.filtered_clicks)) filtered[reason] = (filtered[reason] ?? 0) + n;
        clicks += row.total_clicks;
        conversions += row.total_conversions;
      }
      const money = moneyByCurrency(
        rows.map((row) => ({
          currency: row.currency,
          revenue: parseAmount(row.total_revenue, row.currency),
          commission: parseAmount(row.total_commission_earned, row.currency),
        })),
      );
      return ok({
        partner_id: auth.partnerId,
        campaigns: rows,
        totals: { total_clicks: clicks, total_conversions: conversions, money: formatMoneyByCurrency(money), filtered_clicks: filtered },
      });
    },
  }),
];
