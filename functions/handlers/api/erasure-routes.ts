/** `POST /v1/admin/erasure` `{ email }` or `{ vendor_id, customer_id }`: GDPR erasure (functions/jobs/gdpr-erasure.ts). */
import { z } from 'zod';
import { databaseJobRoles } from '../../../lib/resources.js';
import { createRoleExecutor } from '../../adapters/sql/role-executor.js';
import { runErasure } from '../../jobs/gdpr-erasure.js';
import { email, idField } from '../../platform/http/fields.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';

const body = z.union([z.strictObject({ email }), z.strictObject({ vendor_id: idField, customer_id: z.string().trim().min(1).max(255) })]);

export const erasureRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/admin/erasure',
    auth: 'operator',
    summary: "Erase one person's personal data (pseudonymised; amounts kept)",
    tags: ['admin'],
    body,
    responses: { 200: { description: 'What was erased', schema: z.record(z.string(), z.unknown()) } },
    handler: async ({ deps, body: b, actor, now }) =>
      ok(
        await runErasure({
          // Erasure runs as its own role, the only one besides retention that may change audit_logs.
          sql: createRoleExecutor(deps.sql, databaseJobRoles.erasure),
          dynamodb: deps.dynamodb,
          clicksTable: deps.config.tableNames.clicks,
          subject: 'email' in b ? { email: b.email } : { vendorId: b.vendor_id, customerId: b.customer_id },
          actor,
          now,
        }),
      ),
  }),
];
