/**
 * Partner types: the operator keeps the catalogue (`/v1/admin/partner-types`); a partner says
 * which types it is (`PUT /v1/partner/types`), or the operator sets them
 * (`PUT /v1/admin/partners/{partner_id}/types`). A PUT replaces the whole set.
 */
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors.js';
import { idField, idParams } from '../../platform/http/fields.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import type { Actor } from '../../platform/http/principal.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { findPartner } from '../../repositories/partners/partners.js';
import {
  deletePartnerType,
  findPartnerType,
  insertPartnerType,
  listAssignedTypes,
  listPartnerTypes,
  replaceAssignedTypes,
  updatePartnerType,
} from '../../repositories/partners/partner-types.js';

const typeName = z.string().trim().min(1).max(50);
const createBody = z.strictObject({ name: typeName, description: z.string().max(5000).optional() });
const patchBody = z.strictObject({ name: typeName.optional(), description: z.string().max(5000).nullable().optional() });
const assignBody = z.strictObject({ partner_type_ids: z.array(idField).max(50) });

const typeOut = z.object({ partner_type_id: z.number().int(), name: z.string(), description: z.string().nullable(), created_at: z.string() });
const typesOut = z.object({ data: z.array(typeOut) });

const duplicateName = (cause: unknown) => new ConflictError('A partner type with this name already exists.', { cause });

/** Replaces a partner's types after checking every id is a live type; audited on the partner. */
async function assignTypes(sql: SqlExecutor, input: { partner_id: number; partner_type_ids: number[]; actor: Actor; now: Date }) {
  const ids = [...new Set(input.partner_type_ids)];
  return sql.transaction(async (tx) => {
    const live = new Set((await listPartnerTypes(tx)).map((t) => t.partner_type_id));
    const unknown = ids.findIndex((id) => !live.has(id));
    if (unknown >= 0) {
      throw new ValidationError('Unknown partner type.', [{ path: `body.partner_type_ids.${unknown}`, message: 'No such partner type.' }]);
    }
    const before = (await listAssignedTypes(tx, input.partner_id)).map((t) => t.partner_type_id);
    await replaceAssignedTypes(tx, { partner_id: input.partner_id, partner_type_ids: ids, now: input.now });
    const after = await listAssignedTypes(tx, input.partner_id);
    await writeAuditLog(tx, {
      entity_type: 'partner_partner_types',
      entity_id: input.partner_id,
      action: 'assign',
      actor: input.actor,
      before: { partner_type_ids: before },
      after: { partner_type_ids: after.map((t) => t.partner_type_id) },
      now: input.now,
    });
    return after;
  });
}

export const partnerTypeRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/admin/partner-types',
    operationId: 'createPartnerType',
    auth: 'operator',
    summary: 'Add a partner type to the catalogue',
    tags: ['partner-types'],
    body: createBody,
    responses: { 201: { description: 'The type', schema: typeOut } },
    handler: async ({ deps, body, actor, now }) => {
      try {
        const row = await deps.sql.transaction(async (tx) => {
          const id = await insertPartnerType(tx, { name: body.name, description: body.description ?? null, now });
          const inserted = (await findPartnerType(tx, { partner_type_id: id }))!;
          await writeAuditLog(tx, { entity_type: 'partner_types', entity_id: id, action: 'create', actor, after: { name: inserted.name, description: inserted.description }, now });
          return inserted;
        });
        return created(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(error);
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/admin/partner-types',
    operationId: 'listPartnerTypes',
    auth: 'operator',
    summary: 'The partner type catalogue, by name',
    tags: ['partner-types'],
    responses: { 200: { description: 'The types', schema: typesOut } },
    handler: async ({ deps }) => ok({ data: await listPartnerTypes(deps.sql) }),
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/admin/partner-types/{partner_type_id}',
    operationId: 'updatePartnerType',
    auth: 'operator',
    summary: 'Rename or describe a partner type',
    tags: ['partner-types'],
    params: idParams('partner_type_id'),
    body: patchBody,
    responses: { 200: { description: 'The type', schema: typeOut } },
    handler: async ({ deps, params, body, actor, now }) => {
      try {
        const row = await deps.sql.transaction(async (tx) => {
          const before = await findPartnerType(tx, { partner_type_id: params.partner_type_id, forUpdate: true });
          if (!before) throw new NotFoundError('Partner type not found.');
          const next = { partner_type_id: before.partner_type_id, name: body.name ?? before.name, description: body.description !== undefined ? body.description : before.description };
          await updatePartnerType(tx, next);
          await writeAuditLog(tx, {
            entity_type: 'partner_types',
            entity_id: before.partner_type_id,
            action: 'update',
            actor,
            before: { name: before.name, description: before.description },
            after: { name: next.name, description: next.description },
            now,
          });
          return (await findPartnerType(tx, { partner_type_id: before.partner_type_id }))!;
        });
        return ok(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(error);
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/admin/partner-types/{partner_type_id}',
    operationId: 'deletePartnerType',
    auth: 'operator',
    summary: 'Delete a partner type (unassigned from every partner)',
    tags: ['partner-types'],
    params: idParams('partner_type_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findPartnerType(tx, { partner_type_id: params.partner_type_id, forUpdate: true });
        if (!row) throw new NotFoundError('Partner type not found.');
        await deletePartnerType(tx, { partner_type_id: row.partner_type_id, now });
        await writeAuditLog(tx, { entity_type: 'partner_types', entity_id: row.partner_type_id, action: 'delete', actor, before: { name: row.name, description: row.description }, now });
      });
      return noContent();
    },
  }),

  defineRoute({
    method: 'PUT',
    path: '/v1/admin/partners/{partner_id}/types',
    operationId: 'setPartnerTypes',
    auth: 'operator',
    summary: "Set a partner's types (replaces the set)",
    tags: ['partner-types'],
    params: idParams('partner_id'),
    body: assignBody,
    responses: { 200: { description: "The partner's types", schema: typesOut } },
    handler: async ({ deps, params, body, actor, now }) => {
      if (!(await findPartner(deps.sql, { partner_id: params.partner_id }))) throw new NotFoundError('Partner not found.');
      return ok({ data: await assignTypes(deps.sql, { partner_id: params.partner_id, partner_type_ids: body.partner_type_ids, actor, now }) });
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/partner/types',
    operationId: 'listOwnPartnerTypes',
    auth: 'partner',
    summary: 'The partner type catalogue and the types you have chosen',
    tags: ['partner-types'],
    responses: { 200: { description: 'Catalogue and assigned ids', schema: typesOut.extend({ assigned_partner_type_ids: z.array(z.number().int()) }) } },
    handler: async ({ deps, auth }) => {
      const [all, mine] = await Promise.all([listPartnerTypes(deps.sql), listAssignedTypes(deps.sql, auth.partnerId)]);
      return ok({ data: all, assigned_partner_type_ids: mine.map((t) => t.partner_type_id) });
    },
  }),

  defineRoute({
    method: 'PUT',
    path: '/v1/partner/types',
    operationId: 'chooseOwnPartnerTypes',
    auth: 'partner',
    summary: 'Choose your partner types (replaces the set)',
    tags: ['partner-types'],
    body: assignBody,
    responses: { 200: { description: 'Your types', schema: typesOut } },
    handler: async ({ deps, auth, body, actor, now }) =>
      ok({ data: await assignTypes(deps.sql, { partner_id: auth.partnerId, partner_type_ids: body.partner_type_ids, actor, now }) }),
  }),
];
