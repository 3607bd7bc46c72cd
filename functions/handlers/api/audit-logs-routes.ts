/**
 * `GET /v1/audit-logs?entity_type=&entity_id=&action=&from=&to=`: the audit trail, newest first,
 * cursor-paginated. A vendor key reads the rows about its own entities only (another vendor's
 * entity answers an empty page, exactly like one that has no rows: nothing tells them apart);
 * the operator token reads the whole trail. Each row names its actor (`actor_type`, `actor_id`).
 */
import { z } from 'zod';
import { ValidationError } from '../../platform/http/errors.js';
import { decodeCursor, idCursorSchema, pageQueryShape, pageSchema, toPage } from '../../platform/http/pagination.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { listAuditLogs, type AuditLogRow } from '../../repositories/governance/audit-logs.js';

/** An ISO-8601 timestamp (`2026-03-01T12:00:00Z`) or a date (`2026-03-01`, midnight UTC). */
const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString());

const auditLogOut = z.object({
  audit_log_id: z.number().int(),
  entity_type: z.string().describe('The table name, e.g. conversion_events, payouts'),
  entity_id: z.number().int(),
  action: z.string(),
  actor_type: z.string().nullable().describe('vendor_user, partner, admin (the operator token) or system'),
  actor_id: z.number().int().nullable(),
  changes: z.unknown().describe('{ before, after, changed_fields }'),
  reason: z.string().nullable(),
  ip_address: z.string().nullable(),
  created_at: z.string(),
});

function toItem(row: AuditLogRow): z.output<typeof auditLogOut> {
  return {
    audit_log_id: Number(row.audit_log_id),
    entity_type: row.entity_type,
    entity_id: Number(row.entity_id),
    action: row.action,
    actor_type: row.actor_type,
    actor_id: row.actor_id === null ? null : Number(row.actor_id),
    changes: row.changes,
    reason: row.reason,
    ip_address: row.ip_address,
    created_at: row.created_at,
  };
}

export const auditLogRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/v1/audit-logs',
    operationId: 'listAuditLogs',
    auth: 'vendor_or_operator',
    summary: "The audit trail, newest first: a vendor's own entities, or everything for the operator",
    tags: ['audit'],
    query: z.strictObject({
      ...pageQueryShape,
      entity_type: z.string().regex(/^[a-z_]{1,50}$/, 'Expected a table name, e.g. conversion_events.').optional(),
      entity_id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
      action: z.string().regex(/^[a-z_]{1,50}$/).optional(),
      from: instant.optional().describe('Inclusive'),
      to: instant.optional().describe('Exclusive'),
    }),
    responses: { 200: { description: 'A page of audit rows', schema: pageSchema(auditLogOut) } },
    handler: async ({ deps, auth, query }) => {
      if (query.entity_id !== undefined && query.entity_type === undefined) {
        throw new ValidationError('entity_id needs entity_type.', [{ path: 'query.entity_type', message: 'Required with entity_id (ids are per table).' }]);
      }
      if (query.from && query.to && query.from >= query.to) {
        throw new ValidationError('from must be before to.', [{ path: 'query.to', message: 'Must be after from.' }]);
      }
      const cursor = decodeCursor(query.cursor, idCursorSchema);
      const rows = await listAuditLogs(deps.sql, {
        ...(auth.kind === 'vendor_user' ? { vendor_id: auth.vendorId } : {}),
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        action: query.action,
        from: query.from,
        to: query.to,
        before_id: cursor?.id,
        limit: query.limit,
      });
      return ok(toPage(rows, query.limit, (row) => ({ id: Number(row.audit_log_id) }), toItem));
    },
  }),
];
