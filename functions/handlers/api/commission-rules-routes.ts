/**
 * Commission rules (vendor key; manager+ to change): conditions and actions validated at SAVE
 * with the engine's own `commissionRuleSchema`, so an unknown condition or action key is a 400
 * naming it (`body.conditions.<key>`) instead of a rule the engine would silently never match.
 * A rule applies to all the vendor's campaigns, or to one campaign version.
 */
import { z } from 'zod';
import { commissionRuleSchema } from '../../domain/commissions/index.js';
import { NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { booleanQuery, idField, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import {
  deleteCommissionRule,
  findCommissionRule,
  findVendorCampaignVersion,
  insertCommissionRule,
  listCommissionRules,
  updateCommissionRule,
  type CommissionRuleRow,
} from '../../repositories/campaigns/commission-rules.js';

const instant = z.iso.datetime({ offset: true });
const { conditions, actions } = commissionRuleSchema.shape;

const laterThanFrom = (b: { valid_from?: string | null; valid_until?: string | null }) =>
  b.valid_until == null || b.valid_from == null || Date.parse(b.valid_until) > Date.parse(b.valid_from);

const createRuleBody = z
  .strictObject({
    name: z.string().trim().min(1).max(255),
    description: z.string().max(5000).optional(),
    active: z.boolean().optional(),
    /** Limit the rule to one of the vendor's campaign versions; omitted = all its campaigns. */
    campaign_version_id: idField.optional(),
    conditions,
    actions,
    valid_from: instant.optional(),
    valid_until: instant.optional(),
  })
  .refine(laterThanFrom, { path: ['valid_until'], message: 'valid_until must be after valid_from.' });

const patchRuleBody = z
  .strictObject({
    name: z.string().trim().min(1).max(255).optional(),
    description: z.string().max(5000).nullable().optional(),
    active: z.boolean().optional(),
    campaign_version_id: idField.nullable().optional(),
    conditions: conditions.optional(),
    actions: actions.optional(),
    valid_from: instant.optional(),
    valid_until: instant.nullable().optional(),
  })
  .refine(laterThanFrom, { path: ['valid_until'], message: 'valid_until must be after valid_from.' });

const ruleOut = z.object({
  commission_rule_id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  campaign_version_id: z.number().int().nullable(),
  campaign_id: z.number().int().nullable(),
  conditions: z.record(z.string(), z.unknown()),
  actions: z.record(z.string(), z.unknown()),
  valid_from: z.string().nullable(),
  valid_until: z.string().nullable(),
  created_at: z.string(),
});

function ruleView(row: CommissionRuleRow) {
  return {
    commission_rule_id: row.commission_rule_id,
    name: row.name,
    description: row.description,
    active: row.active,
    campaign_version_id: row.campaign_version_id,
    campaign_id: row.campaign_id,
    conditions: row.conditions,
    actions: row.actions,
    valid_from: row.valid_from,
    valid_until: row.valid_until,
    created_at: row.created_at,
  };
}

function auditView(row: CommissionRuleRow): Record<string, unknown> {
  const { created_at: _c, campaign_id: _i, ...rest } = row;
  return rest;
}

async function checkVersion(deps: { sql: Parameters<typeof findVendorCampaignVersion>[0] }, versionId: number, vendorId: number) {
  const version = await findVendorCampaignVersion(deps.sql, { campaign_version_id: versionId, vendor_id: vendorId });
  if (!version) throw new NotFoundError('Campaign version not found.');
}

export const commissionRuleRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/commission-rules',
    operationId: 'createCommissionRule',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Create a commission rule (conditions and actions are validated strictly)',
    tags: ['commission-rules'],
    body: createRuleBody,
    responses: { 201: { description: 'The rule', schema: ruleOut } },
    handler: async ({ deps, auth, body, actor, now }) => {
      if (body.campaign_version_id !== undefined) await checkVersion(deps, body.campaign_version_id, auth.vendorId);
      const validFrom = body.valid_from ?? now.toISOString();
      if (body.valid_until !== undefined && Date.parse(body.valid_until) <= Date.parse(validFrom)) {
        throw new ValidationError('valid_until must be after valid_from.', [{ path: 'body.valid_until', message: 'Must be after valid_from (default: now).' }]);
      }
      const row = await deps.sql.transaction(async (tx) => {
        const id = await insertCommissionRule(tx, {
          vendor_id: auth.vendorId,
          campaign_version_id: body.campaign_version_id ?? null,
          name: body.name,
          description: body.description ?? null,
          active: body.active ?? true,
          conditions: body.conditions,
          actions: body.actions,
          valid_from: validFrom,
          valid_until: body.valid_until ?? null,
          now,
        });
        const inserted = (await findCommissionRule(tx, { commission_rule_id: id, vendor_id: auth.vendorId }))!;
        await writeAuditLog(tx, { entity_type: 'commission_rules', entity_id: id, action: 'create', actor, after: auditView(inserted), now });
        return inserted;
      });
      return created(ruleView(row));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/commission-rules',
    operationId: 'listCommissionRules',
    auth: 'vendor',
    summary: "The vendor's commission rules, newest first",
    tags: ['commission-rules'],
    query: z.strictObject({ ...pageQueryShape, campaign_version_id: z.coerce.number().int().positive().optional(), active: booleanQuery.optional() }),
    responses: { 200: { description: 'A page of rules', schema: pageSchema(ruleOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listCommissionRules(deps.sql, {
        vendor_id: auth.vendorId,
        campaign_version_id: query.campaign_version_id,
        active: query.active,
        before_id: cursor?.id,
        limit: query.limit,
      });
      return ok(toPage(rows, query.limit, (r) => ({ id: r.commission_rule_id }), ruleView));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/commission-rules/{commission_rule_id}',
    operationId: 'getCommissionRule',
    auth: 'vendor',
    summary: 'One commission rule',
    tags: ['commission-rules'],
    params: idParams('commission_rule_id'),
    responses: { 200: { description: 'The rule', schema: ruleOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findCommissionRule(deps.sql, { commission_rule_id: params.commission_rule_id, vendor_id: auth.vendorId });
      if (!row) throw new NotFoundError('Commission rule not found.');
      return ok(ruleView(row));
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/commission-rules/{commission_rule_id}',
    operationId: 'updateCommissionRule',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Change a commission rule (conditions / actions are replaced whole and validated strictly)',
    tags: ['commission-rules'],
    params: idParams('commission_rule_id'),
    body: patchRuleBody,
    responses: { 200: { description: 'The rule', schema: ruleOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const row = await deps.sql.transaction(async (tx) => {
        const before = await findCommissionRule(tx, { commission_rule_id: params.commission_rule_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!before) throw new NotFoundError('Commission rule not found.');
        if (body.campaign_version_id != null) await checkVersion({ sql: tx }, body.campaign_version_id, auth.vendorId);
        const next = {
          commission_rule_id: before.commission_rule_id,
          campaign_version_id: body.campaign_version_id !== undefined ? body.campaign_version_id : before.campaign_version_id,
          name: body.name ?? before.name,
          description: body.description !== undefined ? body.description : before.description,
          active: body.active ?? before.active,
          conditions: body.conditions ?? before.conditions,
          actions: body.actions ?? before.actions,
          valid_from: body.valid_from ?? before.valid_from,
          valid_until: body.valid_until !== undefined ? body.valid_until : before.valid_until,
        };
        if (!laterThanFrom(next)) {
          throw new ValidationError('valid_until must be after valid_from.', [{ path: 'body.valid_until', message: 'Must be after the rule’s valid_from.' }]);
        }
        await updateCommissionRule(tx, next);
        const after = (await findCommissionRule(tx, { commission_rule_id: before.commission_rule_id, vendor_id: auth.vendorId }))!;
        await writeAuditLog(tx, {
          entity_type: 'commission_rules',
          entity_id: before.commission_rule_id,
          action: 'update',
          actor,
          before: auditView(before),
          after: auditView(after),
          now,
        });
        return after;
      });
      return ok(ruleView(row));
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/commission-rules/{commission_rule_id}',
    operationId: 'deleteCommissionRule',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Delete a commission rule (conversions that used it keep their reference)',
    tags: ['commission-rules'],
    params: idParams('commission_rule_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findCommissionRule(tx, { commission_rule_id: params.commission_rule_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!row) throw new NotFoundError('Commission rule not found.');
        await deleteCommissionRule(tx, { commission_rule_id: row.commission_rule_id, now });
        await writeAuditLog(tx, { entity_type: 'commission_rules', entity_id: row.commission_rule_id, action: 'delete', actor, before: auditView(row), now });
      });
      return noContent();
    },
  }),
];
