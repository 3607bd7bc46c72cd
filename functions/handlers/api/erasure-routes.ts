/**
 * `POST /v1/admin/erasure`: GDPR erasure (functions/use-cases/erase-person.ts, erase-partner.ts). `{ email }` or
 * `{ vendor_id, customer_id }` pseudonymise a shopper; `{ partner_id }` removes a partner's
 * identity and keeps its payout history.
 */
import { z } from 'zod';
import { databaseJobRoles } from '../../../lib/resources.js';
import { createRoleExecutor } from '../../adapters/sql/role-executor.js';
import { createDynamoDbClickEraser } from '../../adapters/aws/dynamodb-click-eraser.js';
import { email, idField } from '../../platform/http/fields.js';
import { ok } from '../../platform/http/responses.js';
import { defineRoute, type AnyRoute } from '../../platform/http/route.js';
import { erasePartner } from '../../use-cases/erase-partner.js';
import { erasePerson } from '../../use-cases/erase-person.js';

const body = z.union([
  z.strictObject({ email }),
  z.strictObject({ vendor_id: idField, customer_id: z.string().trim().min(1).max(255) }),
  z.strictObject({ partner_id: idField }),
]);

export const erasureRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/v1/admin/erasure',
    operationId: 'erasePerson',
    auth: 'operator',
    summary: "Erase one person's personal data (a shopper pseudonymised, or a partner's identity removed; amounts and payouts kept)",
    tags: ['admin'],
    body,
    responses: { 200: { description: 'What was erased', schema: z.record(z.string(), z.unknown()) } },
    handler: async ({ deps, body: b, actor, now }) => {
      // Erasure runs as its own role, the only one besides retention that may change audit_logs.
      const erasureSql = createRoleExecutor(deps.sql, databaseJobRoles.erasure);
      if ('partner_id' in b) {
        // An unknown partner is a NotFoundError (404).
        return ok(await erasePartner({ sql: erasureSql, linkStore: deps.linkStore, partnerId: b.partner_id, actor, now, logger: deps.logger }));
      }
      const clicksTable = deps.config.tableNames.clicks;
      return ok(
        await erasePerson({
          sql: erasureSql,
          clickEraser: clicksTable ? createDynamoDbClickEraser({ client: deps.dynamodb, tableName: clicksTable }) : undefined,
          subject: 'email' in b ? { email: b.email } : { vendorId: b.vendor_id, customerId: b.customer_id },
          actor,
          now,
          logger: deps.logger,
        }),
      );
    },
  }),
];
