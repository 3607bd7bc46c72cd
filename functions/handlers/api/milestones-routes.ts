/**
 * Campaign milestones (vendor key; manager+ to change): "reach `target_count` conversions of
 * `event_type` and earn `reward_id`", on a campaign's current version (a milestone stays with the
 * version it was created on: it is part of that version's terms). The reward must be the vendor's.
 */
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idField, idParams } from '../../platform/http/fields.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findCampaign } from '../../repositories/campaigns/campaigns.js';
import { findConversionEventType } from '../../repositories/accounts/integrations.js';
import { deleteMilestone, findMilestone, insertMilestone, listMilestones, updateMilestone, type MilestoneRow } from '../../repositories/campaigns/milestones.js';
import { findReward } from '../../repositories/campaigns/rewards.js';

const targetCount = z.number().int().positive().max(1_000_000_000);
const eventType = z.string().trim().min(1).max(50).describe('A conversion event type name (sale, lead, ...)');

const createMilestoneBody = z.strictObject({
  name: z.string().trim().min(1).max(255),
  description: z.string().max(5000).optional(),
  event_type: eventType,
  target_count: targetCount,
  reward_id: idField.optional(),
});

const patchMilestoneBody = z.strictObject({
  name: z.string().trim().min(1).max(255).optional(),
  description: z.string().max(5000).nullable().optional(),
  event_type: eventType.optional(),
  target_count: targetCount.optional(),
  reward_id: idField.nullable().optional(),
});

const milestoneOut = z.object({
  campaign_milestone_id: z.number().int(),
  campaign_id: z.number().int(),
  campaign_version_id: z.number().int(),
  reward_id: z.number().int().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  event_type: z.string().nullable(),
  target_count: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

function auditView(row: MilestoneRow): Record<string, unknown> {
  const { created_at: _c, updated_at: _u, campaign_id: _i, ...rest } = row;
  return rest;
}

async function checkReferences(sql: SqlExecutor, vendorId: number, body: { reward_id?: number | null; event_type?: string }) {
  if (body.reward_id != null && !(await findReward(sql, { reward_id: body.reward_id, vendor_id: vendorId }))) {
    throw new NotFoundError('Reward not found.');
  }
  if (body.event_type !== undefined && !(await findConversionEventType(sql, { name: body.event_type }))) {
    throw new ValidationError('Unknown conversion event type.', [{ path: 'body.event_type', message: 'No such conversion event type.' }]);
  }
}

export const milestoneRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/campaigns/{campaign_id}/milestones',
    operationId: 'createMilestone',
    auth: 'vendor',
    minRole: 'manager',
    summary: "Add a milestone to the campaign's current version",
    tags: ['milestones'],
    params: idParams('campaign_id'),
    body: createMilestoneBody,
    responses: { 201: { description: 'The milestone', schema: milestoneOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      if (!campaign) throw new NotFoundError('Campaign not found.');
      await checkReferences(deps.sql, auth.vendorId, body);
      const row = await deps.sql.transaction(async (tx) => {
        const id = await insertMilestone(tx, {
          campaign_version_id: campaign.current_campaign_version_id,
          reward_id: body.reward_id ?? null,
          name: body.name,
          description: body.description ?? null,
          event_type: body.event_type,
          target_count: body.target_count,
          now,
        });
        const inserted = (await findMilestone(tx, { campaign_milestone_id: id, vendor_id: auth.vendorId }))!;
        await writeAuditLog(tx, { entity_type: 'campaign_milestones', entity_id: id, action: 'create', actor, after: auditView(inserted), now });
        return inserted;
      });
      return created(row);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaigns/{campaign_id}/milestones',
    operationId: 'listMilestones',
    auth: 'vendor',
    summary: "The milestones of the campaign's current version, by target",
    tags: ['milestones'],
    params: idParams('campaign_id'),
    responses: { 200: { description: 'The milestones', schema: z.object({ data: z.array(milestoneOut) }) } },
    handler: async ({ deps, auth, params }) => {
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      if (!campaign) throw new NotFoundError('Campaign not found.');
      return ok({ data: await listMilestones(deps.sql, { campaign_version_id: campaign.current_campaign_version_id }) });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaign-milestones/{campaign_milestone_id}',
    operationId: 'getMilestone',
    auth: 'vendor',
    summary: 'One milestone',
    tags: ['milestones'],
    params: idParams('campaign_milestone_id'),
    responses: { 200: { description: 'The milestone', schema: milestoneOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findMilestone(deps.sql, { campaign_milestone_id: params.campaign_milestone_id, vendor_id: auth.vendorId });
      if (!row) throw new NotFoundError('Milestone not found.');
      return ok(row);
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/campaign-milestones/{campaign_milestone_id}',
    operationId: 'updateMilestone',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Change a milestone',
    tags: ['milestones'],
    params: idParams('campaign_milestone_id'),
    body: patchMilestoneBody,
    responses: { 200: { description: 'The milestone', schema: milestoneOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const row = await deps.sql.transaction(async (tx) => {
        const before = await findMilestone(tx, { campaign_milestone_id: params.campaign_milestone_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!before) throw new NotFoundError('Milestone not found.');
        await checkReferences(tx, auth.vendorId, body);
        await updateMilestone(tx, {
          campaign_milestone_id: before.campaign_milestone_id,
          reward_id: body.reward_id !== undefined ? body.reward_id : before.reward_id,
          name: body.name ?? before.name,
          description: body.description !== undefined ? body.description : before.description,
          event_type: body.event_type ?? before.event_type ?? '',
          target_count: body.target_count ?? before.target_count ?? 1,
          now,
        });
        const after = (await findMilestone(tx, { campaign_milestone_id: before.campaign_milestone_id, vendor_id: auth.vendorId }))!;
        await writeAuditLog(tx, {
          entity_type: 'campaign_milestones',
          entity_id: before.campaign_milestone_id,
          action: 'update',
          actor,
          before: auditView(before),
          after: auditView(after),
          now,
        });
        return after;
      });
      return ok(row);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/campaign-milestones/{campaign_milestone_id}',
    operationId: 'deleteMilestone',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Delete a milestone (bonuses already earned stay)',
    tags: ['milestones'],
    params: idParams('campaign_milestone_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findMilestone(tx, { campaign_milestone_id: params.campaign_milestone_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!row) throw new NotFoundError('Milestone not found.');
        await deleteMilestone(tx, { campaign_milestone_id: row.campaign_milestone_id, now });
        await writeAuditLog(tx, { entity_type: 'campaign_milestones', entity_id: row.campaign_milestone_id, action: 'delete', actor, before: auditView(row), now });
      });
      return noContent();
    },
  }),
];
