/**
 * Leads (vendor key; manager+ to change): personal data (name, email, phone) of prospects a
 * partner referred. Vendor-scoped; `?status=` and `?email=` (exact, case-insensitive, indexed)
 * filter the list. Audit rows never hold the personal data itself (they are insert-only, so an
 * erasure could not reach them): PII fields are recorded as a SHA-256 fingerprint, which still
 * shows whether and when they changed. DELETE erases the PII from the row too.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../platform/http/errors.js';
import { email, idField, idParams } from '../../platform/http/fields.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { created, noContent, ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { isUniqueViolation } from '../../platform/sql-errors.js';
import type { SqlExecutor } from '../../ports/sql-executor.js';
import { writeAuditLog } from '../../repositories/governance/audit-logs.js';
import { deleteLead, findLead, insertLead, listLeads, updateLead, type LeadRow } from '../../repositories/conversions/leads.js';
import { findPartner } from '../../repositories/partners/partners.js';

const leadStatus = z.enum(['new', 'contacted', 'qualified', 'converted', 'lost']);
const name = z.string().trim().min(1).max(255);
const phone = z.string().trim().min(3).max(50).regex(/^[+0-9 ().-]+$/, 'Digits, spaces and + ( ) . - only.');

const createLeadBody = z.strictObject({
  /** Your system's id for the lead (unique); generated when omitted. */
  external_lead_id: z.string().trim().min(1).max(255).optional(),
  partner_id: idField.optional(),
  first_name: name.optional(),
  last_name: name.optional(),
  email: email.optional(),
  phone: phone.optional(),
  status: leadStatus.optional(),
});

const patchLeadBody = z.strictObject({
  partner_id: idField.nullable().optional(),
  first_name: name.nullable().optional(),
  last_name: name.nullable().optional(),
  email: email.nullable().optional(),
  phone: phone.nullable().optional(),
  status: leadStatus.optional(),
});

const leadOut = z.object({
  lead_id: z.number().int(),
  external_lead_id: z.string(),
  partner_id: z.number().int().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  status: leadStatus,
  created_at: z.string(),
  updated_at: z.string(),
});

function leadView(row: LeadRow) {
  const { vendor_id: _v, ...rest } = row;
  return { ...rest, lead_id: Number(rest.lead_id) };
}

const pii = ['first_name', 'last_name', 'email', 'phone'] as const;

/** The audited form of a lead: PII as fingerprints, never in clear. */
function auditView(row: LeadRow): Record<string, unknown> {
  const out: Record<string, unknown> = { ...leadView(row) };
  delete out.created_at;
  delete out.updated_at;
  for (const key of pii) {
    const value = row[key];
    out[key] = value === null ? null : `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
  }
  return out;
}

async function checkPartner(sql: SqlExecutor, partnerId: number | null | undefined) {
  if (partnerId != null && !(await findPartner(sql, { partner_id: partnerId }))) throw new NotFoundError('Partner not found.');
}

export const leadRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/leads',
    operationId: 'createLead',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Record a lead',
    tags: ['leads'],
    body: createLeadBody,
    responses: { 201: { description: 'The lead', schema: leadOut } },
    handler: async ({ deps, auth, body, actor, now }) => {
      await checkPartner(deps.sql, body.partner_id);
      try {
        const row = await deps.sql.transaction(async (tx) => {
          const id = await insertLead(tx, {
            vendor_id: auth.vendorId,
            external_lead_id: body.external_lead_id ?? `lead_${randomUUID()}`,
            partner_id: body.partner_id ?? null,
            first_name: body.first_name ?? null,
            last_name: body.last_name ?? null,
            email: body.email ?? null,
            phone: body.phone ?? null,
            status: body.status ?? 'new',
            now,
          });
          const inserted = (await findLead(tx, { lead_id: id, vendor_id: auth.vendorId }))!;
          await writeAuditLog(tx, { entity_type: 'leads', entity_id: id, action: 'create', actor, after: auditView(inserted), now });
          return inserted;
        });
        return created(leadView(row));
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError('A lead with this external_lead_id already exists.', { cause: error });
        throw error;
      }
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/leads',
    operationId: 'listLeads',
    auth: 'vendor',
    summary: "The vendor's leads, newest first; filter by status, exact email or partner",
    tags: ['leads'],
    query: z.strictObject({ ...pageQueryShape, status: leadStatus.optional(), email: z.string().trim().min(1).max(255).optional(), partner_id: z.coerce.number().int().positive().optional() }),
    responses: { 200: { description: 'A page of leads', schema: pageSchema(leadOut) } },
    handler: async ({ deps, auth, query }) => {
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listLeads(deps.sql, {
        vendor_id: auth.vendorId,
        status: query.status,
        email: query.email,
        partner_id: query.partner_id,
        before_id: cursor?.id,
        limit: query.limit,
      });
      return ok(toPage(rows, query.limit, (r) => ({ id: Number(r.lead_id) }), leadView));
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/v1/leads/{lead_id}',
    operationId: 'getLead',
    auth: 'vendor',
    summary: 'One lead',
    tags: ['leads'],
    params: idParams('lead_id'),
    responses: { 200: { description: 'The lead', schema: leadOut } },
    handler: async ({ deps, auth, params }) => {
      const row = await findLead(deps.sql, { lead_id: params.lead_id, vendor_id: auth.vendorId });
      if (!row) throw new NotFoundError('Lead not found.');
      return ok(leadView(row));
    },
  }),

  defineRoute({
    method: 'PATCH',
    path: '/v1/leads/{lead_id}',
    operationId: 'updateLead',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Change a lead (status, contact details, partner)',
    tags: ['leads'],
    params: idParams('lead_id'),
    body: patchLeadBody,
    responses: { 200: { description: 'The lead', schema: leadOut } },
    handler: async ({ deps, auth, params, body, actor, now }) => {
      await checkPartner(deps.sql, body.partner_id);
      const row = await deps.sql.transaction(async (tx) => {
        const before = await findLead(tx, { lead_id: params.lead_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!before) throw new NotFoundError('Lead not found.');
        const pick = <K extends keyof typeof body & keyof LeadRow>(key: K) => (body[key] !== undefined ? body[key] : before[key]);
        await updateLead(tx, {
          lead_id: Number(before.lead_id),
          partner_id: pick('partner_id') as number | null,
          first_name: pick('first_name') as string | null,
          last_name: pick('last_name') as string | null,
          email: pick('email') as string | null,
          phone: pick('phone') as string | null,
          status: body.status ?? before.status,
          now,
        });
        const after = (await findLead(tx, { lead_id: Number(before.lead_id), vendor_id: auth.vendorId }))!;
        await writeAuditLog(tx, { entity_type: 'leads', entity_id: Number(before.lead_id), action: 'update', actor, before: auditView(before), after: auditView(after), now });
        return after;
      });
      return ok(leadView(row));
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/v1/leads/{lead_id}',
    operationId: 'deleteLead',
    auth: 'vendor',
    minRole: 'manager',
    summary: 'Delete a lead and erase its personal data',
    tags: ['leads'],
    params: idParams('lead_id'),
    responses: { 204: { description: 'Deleted' } },
    handler: async ({ deps, auth, params, actor, now }) => {
      await deps.sql.transaction(async (tx) => {
        const row = await findLead(tx, { lead_id: params.lead_id, vendor_id: auth.vendorId, forUpdate: true });
        if (!row) throw new NotFoundError('Lead not found.');
        await deleteLead(tx, { lead_id: Number(row.lead_id), now });
        await writeAuditLog(tx, { entity_type: 'leads', entity_id: Number(row.lead_id), action: 'delete', actor, before: auditView(row), now });
      });
      return noContent();
    },
  }),
];
