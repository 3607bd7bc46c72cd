/**
 * Vendor campaign routes: create, read, list, change terms (a new immutable version), and status
 * (pause / resume / archive; the links follow in the hot store at once).
 *
 * Versioning: a PATCH that changes any term inserts version N+1 and points the campaign at it.
 * The campaign's enrollments and partner overrides move to the new version (links keep
 * redirecting, totals continue, negotiated rates keep applying); each link keeps the destination
 * it was created with, and its hot-store item is rewritten with the new version id and cookie
 * duration. Conversions already recorded keep the version they happened under; a sale on a click
 * made before the edit is priced on the clicked version, with the partner's (moved) override, and
 * counts in the enrollment's totals (docs/campaign-edits-and-events.md).
 */
import { z } from 'zod';
import { applyTermsPatch, type CampaignTerms } from '../../domain/campaigns/campaign-terms.js';
import { transitionCampaign, type CampaignAction } from '../../domain/campaigns/transition-campaign.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import {
  findCampaign,
  insertCampaign,
  insertCampaignVersion,
  listCampaigns,
  listTiers,
  listVersions,
  moveToVersion,
  setCampaignStatus,
} from '../../repositories/campaigns/campaigns.js';
import { writeLinksThrough } from '../../use-cases/write-links-through.js';
import { campaignOut, createCampaignBody, patchCampaignBody } from './campaign-schemas.js';
import { amountOut, assertValidTerms, campaignView, campaignViews, commissionValueOut, termsOf } from './campaign-views.js';

const campaignParams = idParams('campaign_id');

function statusRoute(action: CampaignAction) {
  return defineRoute({
    method: 'POST',
    path: `/v1/campaigns/{campaign_id}/${action}`,
    operationId: `${action}Campaign`,
    auth: 'vendor',
    minRole: 'manager',
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a campaign (its links follow at once)`,
    tags: ['campaigns'],
    params: campaignParams,
    body: z.strictObject({ reason: z.string().max(2000).optional() }),
    responses: { 200: { description: 'The campaign', schema: campaignOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const changed = await deps.sql.transaction(async (tx) => {
        const campaign = await findCampaign(tx, { campaign_id: params.campaign_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!campaign) throw new NotFoundError('Campaign not found.');
        const transition = transitionCampaign({ from: campaign.status, action });
        if (!transition.ok) throw new ConflictError(transition.reason);
        if (!transition.changed) return false;
        await setCampaignStatus(tx, { campaign_id: campaign.campaign_id, status: transition.to, now });
        await writeAuditLog(tx, {
          entity_type: 'campaigns',
          entity_id: campaign.campaign_id,
          action,
          actor,
          before: { status: campaign.status },
          after: { status: transition.to },
          reason: body.reason,
          now,
        });
        return true;
      });
      if (changed) {
        await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { campaign_id: params.campaign_id }, logger: deps.logger });
      }
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      return ok(await campaignView(deps.sql, campaign!));
    },
  });
}

export const campaignRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/campaigns',
    operationId: 'createCampaign',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Create a campaign and its version 1',
    tags: ['campaigns'],
    body: createCampaignBody,
    responses: { 201: { description: 'The campaign at version 1', schema: campaignOut } },
    handler: async ({ deps, auth, body, actor, now }) => {
      const terms: CampaignTerms = {
        name: body.name,
        description: body.description ?? null,
        destination_url: body.destination_url,
        default_commission_type: body.default_commission_type,
        default_commission_value: body.default_commission_value ?? null,
        cookie_duration_days: body.cookie_duration_days ?? 30,
        approval_required: body.approval_required ?? false,
        is_public: body.is_public ?? true,
        max_partners: body.max_partners ?? null,
        terms_url: body.terms_url ?? null,
        promotional_guidelines: body.promotional_guidelines ?? null,
        attribution_model: body.attribution_model ?? 'last_click',
        time_decay_half_life_days: body.time_decay_half_life_days ?? 7,
        approval_hold_days: body.approval_hold_days ?? 30,
        tiers: body.tiers ?? [],
      };
      const currency = body.currency ?? 'USD';
      assertValidTerms(terms, currency);
      const campaignId = await deps.sql.transaction(async (tx) => {
        const id = await insertCampaign(tx, { vendor_id: auth.vendorId, currency, now });
        const versionId = await insertCampaignVersion(tx, { campaign_id: id, version_number: 1, terms, now });
        await writeAuditLog(tx, {
          entity_type: 'campaigns',
          entity_id: id,
          action: 'create',
          actor,
          after: { ...terms, currency, status: 'active', campaign_version_id: versionId, version_number: 1 },
          now,
        });
        return id;
      });
      const campaign = await findCampaign(deps.sql, { campaign_id: campaignId, vendor_id: auth.vendorId });
      return created(await campaignView(deps.sql, campaign!));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaigns',
    operationId: 'listCampaigns',
    auth: 'vendor',
    summary: "List the vendor's campaigns (newest first)",
    tags: ['campaigns'],
    query: z.strictObject({ ...pageQueryShape, status: z.enum(['active', 'paused', 'archived']).optional() }),
    responses: { 200: { description: 'A page of campaigns', schema: pageSchema(campaignOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listCampaigns(deps.sql, { vendor_id: auth.vendorId, status: query.status, before_id: cursor?.id, limit: query.limit });
      const page = toPage(rows, query.limit, (row) => ({ id: row.campaign_id }), (row) => row);
      return ok({ data: await campaignViews(deps.sql, page.data), next_cursor: page.next_cursor });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaigns/{campaign_id}',
    operationId: 'getCampaign',
    auth: 'vendor',
    summary: 'A campaign with its current version',
    tags: ['campaigns'],
    params: campaignParams,
    responses: { 200: { description: 'The campaign', schema: campaignOut } },
    handler: async ({ deps, auth, params }) => {
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      if (!campaign) throw new NotFoundError('Campaign not found.');
      return ok(await campaignView(deps.sql, campaign));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaigns/{campaign_id}/versions',
    operationId: 'listCampaignVersions',
    auth: 'vendor',
    summary: 'Every version of a campaign, oldest first',
    tags: ['campaigns'],
    params: campaignParams,
    responses: {
      200: {
        description: 'Versions',
        schema: z.object({
          data: z.array(
            z.object({
              campaign_version_id: z.number().int(),
              version_number: z.number().int(),
              name: z.string(),
              destination_url: z.string(),
              default_commission_type: z.string(),
              default_commission_value: z.string().nullable(),
              cookie_duration_days: z.number().int(),
              approval_required: z.boolean(),
              is_public: z.boolean(),
              max_partners: z.number().int().nullable(),
              attribution_model: z.string(),
              approval_hold_days: z.number().int(),
              // Each version's own tiers, so the history can say what changed in them.
              tiers: z.array(z.object({ label: z.string(), min_amount: z.string(), max_amount: z.string(), reward_type: z.string(), reward_value: z.string() })),
              created_at: z.string(),
            }),
          ),
        }),
      },
    },
    handler: async ({ deps, auth, params }) => {
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      if (!campaign) throw new NotFoundError('Campaign not found.');
      const versions = await listVersions(deps.sql, campaign.campaign_id);
      const tiers = await listTiers(deps.sql, versions.map((v) => v.campaign_version_id));
      return ok({
        data: versions.map((v) => ({
          ...v,
          default_commission_value: commissionValueOut(v.default_commission_type, v.default_commission_value, campaign.currency),
          tiers: tiers
            .filter((t) => Number(t.campaign_version_id) === Number(v.campaign_version_id))
            .map((t) => ({
              label: t.label,
              min_amount: amountOut(t.min_amount, campaign.currency),
              max_amount: amountOut(t.max_amount, campaign.currency),
              reward_type: t.reward_type,
              reward_value: commissionValueOut(t.reward_type, t.reward_value, campaign.currency),
            })),
        })),
      });
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/campaigns/{campaign_id}',
    operationId: 'updateCampaign',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Change terms: creates the next immutable version (enrollments, overrides and links move to it)',
    tags: ['campaigns'],
    params: campaignParams,
    body: patchCampaignBody,
    responses: { 200: { description: 'The campaign at its new (or unchanged) current version', schema: campaignOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const outcome = await deps.sql.transaction(async (tx) => {
        const campaign = await findCampaign(tx, { campaign_id: params.campaign_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!campaign) throw new NotFoundError('Campaign not found.');
        if (campaign.status === 'archived') throw new ConflictError('An archived campaign cannot be changed.');
        const { currency, ...patch } = body;
        if (currency !== undefined && currency !== campaign.currency) {
          // Its recorded sales, totals and payouts are amounts of the old one: a new currency is a new campaign.
          throw new ValidationError(`Invalid body: body.currency - A campaign's currency cannot change (it is ${campaign.currency}).`, [
            { path: 'body.currency', message: `A campaign's currency cannot change (it is ${campaign.currency}); create a new campaign.` },
          ]);
        }
        const current = termsOf(campaign, await listTiers(tx, [campaign.campaign_version_id]));
        const { next, changed } = applyTermsPatch(current, patch as Partial<CampaignTerms>);
        if (changed.length === 0) return { moved: false };
        assertValidTerms(next, campaign.currency);
        const versionNumber = campaign.version_number + 1;
        const versionId = await insertCampaignVersion(tx, { campaign_id: campaign.campaign_id, version_number: versionNumber, terms: next, now });
        const moved = await moveToVersion(tx, { campaign_id: campaign.campaign_id, to_version_id: versionId, now });
        await writeAuditLog(tx, {
          entity_type: 'campaigns',
          entity_id: campaign.campaign_id,
          action: 'new_version',
          actor,
          before: { ...current, campaign_version_id: campaign.campaign_version_id, version_number: campaign.version_number },
          after: { ...next, campaign_version_id: versionId, version_number: versionNumber },
          reason: `enrollments moved: ${moved.enrollments}, overrides moved: ${moved.overrides}`,
          now,
        });
        return { moved: moved.enrollments > 0 };
      });
      if (outcome.moved) {
        await writeLinksThrough({ sql: deps.sql, linkStore: deps.linkStore, now, selector: { campaign_id: params.campaign_id }, logger: deps.logger });
      }
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      return ok(await campaignView(deps.sql, campaign!));
    },
  }),

  statusRoute('pause'),
  statusRoute('resume'),
  statusRoute('archive'),
];
