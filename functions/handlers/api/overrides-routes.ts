/**
 * Partner campaign overrides (vendor key, manager+): a partner's negotiated commission on a
 * campaign's current version, optionally for one conversion event type, within a validity
 * window. One override per (partner, version, event type): a second is a 409. Overrides move to
 * a campaign's new version with its enrollments (see campaigns), so they are created on the
 * current version and listed per campaign.
 */
import { z } from 'zod';
import { compareDecimals } from '../../domain/commissions/json-decimal.js';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idField, idParams, moneyString } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findCampaign } from '../../repositories/campaigns/campaigns.js';
import { findConversionEventType } from '../../repositories/accounts/integrations.js';
import {
  deleteOverride,
  findOverride,
  findOverrideScope,
  insertOverride,
  listOverrides,
  reviveOverride,
  type OverrideRow,
} from '../../repositories/campaigns/overrides.js';
import { findPartner } from '../../repositories/partners/partners.js';
import { currencyExponent, parseAmount } from '../../domain/money/currency.js';
import { commissionValueOut } from './campaign-views.js';

const instant = z.iso.datetime({ offset: true });

const createOverrideBody = z
  .strictObject({
    partner_id: idField,
    /** A conversion event type name (`sale`, `lead`, ...); omitted = every event type. */
    conversion_event_type: z.string().trim().min(1).max(100).optional(),
    commission_type: z.enum(['percentage', 'flat']),
    commission_value: moneyString,
    notes: z.string().max(5000).optional(),
    valid_from: instant.optional(),
    valid_until: instant.optional(),
  })
  // zod runs this even when commission_value already failed its own check: only compare a valid decimal.
  .refine((b) => b.commission_type !== 'percentage' || !moneyString.safeParse(b.commission_value).success || compareDecimals(b.commission_value, '100') <= 0, {
    path: ['commission_value'],
    message: 'A percentage is at most 100.',
  })
  .refine((b) => b.valid_until === undefined || b.valid_from === undefined || Date.parse(b.valid_until) > Date.parse(b.valid_from), {
    path: ['valid_until'],
    message: 'valid_until must be after valid_from.',
  });

export const overrideOut = z.object({
  partner_campaign_override_id: z.number().int(),
  partner_id: z.number().int(),
  campaign_id: z.number().int(),
  campaign_version_id: z.number().int(),
  conversion_event_type: z.string().nullable(),
  commission_type: z.enum(['percentage', 'flat']),
  commission_value: z.string(),
  notes: z.string().nullable(),
  valid_from: z.string().nullable(),
  valid_until: z.string().nullable(),
  created_at: z.string(),
});

/** A flat override is an amount of the campaign's currency: "500.50" is no JPY amount. */
function assertFitsCurrency(value: string, currency: string): void {
  try {
    parseAmount(value, currency);
  } catch {
    const places = currencyExponent(currency);
    throw new ValidationError(`Invalid body: body.commission_value - ${currency} has ${places} decimal places.`, [
      { path: 'body.commission_value', message: `A flat amount in ${currency} has at most ${places} decimal place${places === 1 ? '' : 's'}.` },
    ]);
  }
}

function overrideView(row: OverrideRow) {
  return {
    partner_campaign_override_id: row.partner_campaign_override_id,
    partner_id: row.partner_id,
    campaign_id: row.campaign_id,
    campaign_version_id: row.campaign_version_id,
    conversion_event_type: row.event_type_name,
    commission_type: row.commission_type,
    commission_value: commissionValueOut(row.commission_type, row.commission_value, row.currency),
    notes: row.notes,
    valid_from: row.valid_from,
    valid_until: row.valid_until,
    created_at: row.created_at,
  };
}

/** The audited fields of an override (what a vendor negotiated). */
function auditView(row: OverrideRow) {
  const { created_at: _c, event_type_name: _e, ...rest } = row;
  return { ...rest, commission_value: commissionValueOut(row.commission_type, row.commission_value, row.currency) } as unknown as Record<string, unknown>;
}

export const overrideRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/campaigns/{campaign_id}/overrides',
    operationId: 'createOverride',
    auth: 'vendor',
    minRole: 'manager',
    summary: "Give a partner its own commission on the campaign's current version",
    tags: ['overrides'],
    params: idParams('campaign_id'),
    body: createOverrideBody,
    responses: { 201: { description: 'The override', schema: overrideOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      if (!campaign) throw new NotFoundError('Campaign not found.');
      if (!(await findPartner(deps.sql, { partner_id: body.partner_id }))) throw new NotFoundError('Partner not found.');
      if (body.commission_type === 'flat') assertFitsCurrency(body.commission_value, campaign.currency);
      let eventTypeId: number | null = null;
      if (body.conversion_event_type !== undefined) {
        const type = await findConversionEventType(deps.sql, { name: body.conversion_event_type });
        if (!type) {
          throw new ValidationError('Unknown conversion event type.', [{ path: 'body.conversion_event_type', message: 'No such conversion event type.' }]);
        }
        eventTypeId = type.conversion_event_type_id;
      }
      const validFrom = body.valid_from !== undefined ? new Date(body.valid_from) : now;
      const validUntil = body.valid_until !== undefined ? new Date(body.valid_until) : null;
      if (validUntil && validUntil <= validFrom) {
        throw new ValidationError('valid_until must be after valid_from.', [{ path: 'body.valid_until', message: 'Must be after valid_from (default: now).' }]);
      }
      const input = {
        partner_id: body.partner_id,
        campaign_version_id: campaign.current_campaign_version_id,
        conversion_event_type_id: eventTypeId,
        commission_type: body.commission_type,
        commission_value: body.commission_value,
        notes: body.notes ?? null,
        valid_from: validFrom,
        valid_until: validUntil,
        now,
      };
      const duplicate = () =>
        new ConflictError('This partner already has an override on this campaign version for this event type: delete it first.');
      let id: number;
      try {
        id = await deps.sql.transaction(async (tx) => {
          const existing = await findOverrideScope(tx, input);
          if (existing && !existing.is_deleted) throw duplicate();
          let overrideId: number;
          if (existing) {
            overrideId = existing.partner_campaign_override_id;
            await reviveOverride(tx, { ...input, partner_campaign_override_id: overrideId });
          } else {
            overrideId = await insertOverride(tx, input);
          }
          const row = await findOverride(tx, { partner_campaign_override_id: overrideId, vendor_id: auth.vendorId });
          await writeAuditLog(tx, {
            entity_type: 'partner_campaign_overrides',
            entity_id: overrideId,
            action: 'create',
            actor,
            after: auditView(row!),
            now,
          });
          return overrideId;
        });
      } catch (error) {
        // Two concurrent creates of the same scope: the unique index decides.
        if (isUniqueViolation(error, 'uq_partner_campaign_overrides_scope')) throw duplicate();
        throw error;
      }
      const row = await findOverride(deps.sql, { partner_campaign_override_id: id, vendor_id: auth.vendorId });
      return created(overrideView(row!));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaigns/{campaign_id}/overrides',
    operationId: 'listOverrides',
    auth: 'vendor',
    summary: "Overrides on the campaign's current version, newest first",
    tags: ['overrides'],
    params: idParams('campaign_id'),
    query: z.strictObject({ ...pageQueryShape, partner_id: z.coerce.number().int().positive().optional() }),
    responses: { 200: { description: 'A page of overrides', schema: pageSchema(overrideOut) } },
    handler: async ({ deps, auth, params, query }) => {
      const campaign = await findCampaign(deps.sql, { campaign_id: params.campaign_id, vendor_id: auth.vendorId });
      if (!campaign) throw new NotFoundError('Campaign not found.');
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listOverrides(deps.sql, {
        campaign_version_id: campaign.current_campaign_version_id,
        partner_id: query.partner_id,
        before_id: cursor?.id,
        limit: query.limit,
      });
      return ok(toPage(rows, query.limit, (r) => ({ id: r.partner_campaign_override_id }), overrideView));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/campaign-overrides/{partner_campaign_override_id}',
    operationId: 'getOverride',
    auth: 'vendor',
    summary: 'One override',
    tags: ['overrides'],
    params: idParams('partner_campaign_override_id'),
    responses: { 200: { description: 'The override', schema: overrideOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findOverride(deps.sql, { partner_campaign_override_id: params.partner_campaign_override_id, vendor_id: auth.vendorId });
      if (!row) throw new NotFoundError('Override not found.');
      return ok(overrideView(row));
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/campaign-overrides/{partner_campaign_override_id}',
    operationId: 'deleteOverride',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Delete an override (the partner earns the campaign terms again)',
    tags: ['overrides'],
    params: idParams('partner_campaign_override_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findOverride(tx, { partner_campaign_override_id: params.partner_campaign_override_id, vendor_id: auth.vendorId });
        if (!row) throw new NotFoundError('Override not found.');
        await deleteOverride(tx, { partner_campaign_override_id: row.partner_campaign_override_id, now });
        await writeAuditLog(tx, {
          entity_type: 'partner_campaign_overrides',
          entity_id: row.partner_campaign_override_id,
          action: 'delete',
          actor,
          before: auditView(row),
          now,
        });
      });
      return noContent();
    },
  }),
];
