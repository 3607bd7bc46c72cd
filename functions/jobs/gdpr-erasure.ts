/**
 * The `gdpr-erasure` job (also `POST /v1/admin/erasure`): pseudonymises one person's PII in
 * Aurora in one transaction (functions/repositories/erasure.ts), audits the erasure without the
 * identifier itself, then deletes the hot store's click items of that person's cookies
 * (DynamoDB `clicks`, GSI `by_cookie`, DeleteItem). Amounts are never touched.
 */
import { createHash } from 'node:crypto';
import { DeleteItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../platform/http/errors.js';
import type { Actor } from '../platform/http/principal.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/audit-logs.js';
import { erasePartnerIdentity, erasePerson, type ErasureSubject, type PartnerErasureCounts } from '../repositories/erasure.js';
import type { LinkStore } from '../ports/link-store.js';
import { writeLinksThrough } from '../repositories/partner-links-sync.js';

export async function deleteHotStoreClicks(dynamodb: DynamoDBClient, tableName: string, cookieIds: string[]): Promise<number> {
  let deleted = 0;
  for (const cookieId of cookieIds) {
    let startKey: Record<string, never> | undefined;
    do {
      const page = await dynamodb.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'by_cookie',
          KeyConditionExpression: 'cookie_id = :c',
          ExpressionAttributeValues: { ':c': { S: cookieId } },
          ProjectionExpression: 'pk',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (!item.pk) continue;
        await dynamodb.send(new DeleteItemCommand({ TableName: tableName, Key: { pk: item.pk } }));
        deleted += 1;
      }
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
  }
  return deleted;
}

export function erasureSubjectOf(input: Record<string, unknown>): ErasureSubject {
  if (typeof input.email === 'string' && input.email.includes('@')) return { email: input.email.trim().toLowerCase() };
  if (typeof input.vendor_id === 'number' && typeof input.customer_id === 'string' && input.customer_id !== '') {
    return { vendorId: input.vendor_id, customerId: input.customer_id };
  }
  throw new ValidationError('Give { email } or { vendor_id, customer_id }.');
}

export async function runErasure(args: {
  sql: SqlExecutor;
  dynamodb: DynamoDBClient;
  clicksTable: string;
  subject: ErasureSubject;
  actor: Actor;
  now: Date;
}) {
  const subjectHash = createHash('sha256').update(JSON.stringify(args.subject)).digest('hex');
  const counts = await args.sql.transaction(async (tx) => {
    const result = await erasePerson(tx, args.subject);
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
  const hotStoreClicks = args.clicksTable ? await deleteHotStoreClicks(args.dynamodb, args.clicksTable, counts.cookie_ids) : 0;
  const { cookie_ids: cookies, ...rest } = counts;
  const report = { subject_sha256: subjectHash, ...rest, cookies: cookies.length, hot_store_clicks_deleted: hotStoreClicks };
  console.info(JSON.stringify({ level: 'info', message: 'gdpr erasure', ...report }));
  return report;
}

export class PartnerNotFoundError extends Error {
  override readonly name = 'PartnerNotFoundError';
}

/**
 * A partner's right to erasure: identity removed, money history kept (erasePartnerIdentity), the
 * erasure audited on the partner without any personal value, then its links written through to
 * the hot store (the partner is deleted, so they stop).
 */
export async function runPartnerErasure(args: {
  sql: SqlExecutor;
  linkStore?: LinkStore;
  partnerId: number;
  actor: Actor;
  now: Date;
}): Promise<{ partner_id: number } & PartnerErasureCounts & { links_stopped: number }> {
  const counts = await args.sql.transaction(async (tx) => {
    const result = await erasePartnerIdentity(tx, { partnerId: args.partnerId, now: args.now });
    if (!result) throw new PartnerNotFoundError(`Partner ${args.partnerId} not found.`);
    await writeAuditLog(tx, { entity_type: 'partners', entity_id: args.partnerId, action: 'erase', actor: args.actor, after: { ...result }, now: args.now });
    return result;
  });
  const links = args.linkStore
    ? await writeLinksThrough({ sql: args.sql, linkStore: args.linkStore, now: args.now, selector: { partner_id: args.partnerId } })
    : undefined;
  const report = { partner_id: args.partnerId, ...counts, links_stopped: links ? links.synced : 0 };
  console.info(JSON.stringify({ level: 'info', message: 'partner erasure', ...report }));
  return report;
}
