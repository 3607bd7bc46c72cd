/**
 * Erases a person (the `gdpr-erasure` job, also `POST /v1/admin/erasure`): pseudonymises one
 * person's PII in Aurora in one transaction (functions/repositories/governance/erasure.ts), audits the erasure
 * without the identifier itself, then deletes the hot store's click items of that person's cookies.
 * Amounts are never touched.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../domain/audit/actor.js';
import { ValidationError } from '../domain/errors.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { ClickEraser } from '../ports/click-eraser.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { erasePerson as erasePersonRows, type ErasureSubject } from '../repositories/governance/erasure.js';

/** The person a job input names: `{ email }` or `{ vendor_id, customer_id }`. */
export function erasureSubjectOf(input: Record<string, unknown>): ErasureSubject {
  if (typeof input.email === 'string' && input.email.includes('@')) return { email: input.email.trim().toLowerCase() };
  if (typeof input.vendor_id === 'number' && typeof input.customer_id === 'string' && input.customer_id !== '') {
    return { vendorId: input.vendor_id, customerId: input.customer_id };
  }
  throw new ValidationError('Give { email } or { vendor_id, customer_id }.');
}

export async function erasePerson(args: {
  sql: SqlExecutor;
  /** The hot store's clicks; absent (no clicks table configured): none to delete. */
  clickEraser?: ClickEraser;
  subject: ErasureSubject;
  actor: Actor;
  now: Date;
  logger?: Logger;
}) {
  const subjectHash = createHash('sha256').update(JSON.stringify(args.subject)).digest('hex');
  const counts = await args.sql.transaction(async (tx) => {
    const result = await erasePersonRows(tx, args.subject);
    await writeAuditLog(tx, {
      entity_type: 'erasure',
      entity_id: 0,
      action: 'erase',
      actor: args.actor,
      // The identifier itself is not kept: only its hash, to answer "was this person erased?".
      after: { subject_sha256: subjectHash, ...result, cookie_ids: result.cookie_ids.length },
      now: args.now,
    });
    return result;
  });
  const hotStoreClicks = args.clickEraser ? await args.clickEraser.deleteClicksOfCookies(counts.cookie_ids) : 0;
  const { cookie_ids: cookies, ...rest } = counts;
  const report = { subject_sha256: subjectHash, ...rest, cookies: cookies.length, hot_store_clicks_deleted: hotStoreClicks };
  (args.logger ?? silentLogger).info('gdpr erasure', report);
  return report;
}
