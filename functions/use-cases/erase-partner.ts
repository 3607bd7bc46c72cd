/**
 * Erases a partner (the `gdpr-erasure` job with `{ partner_id }`, also `POST /v1/admin/erasure`):
 * identity removed, money history kept (erasePartnerIdentity), the erasure audited on the partner
 * without any personal value, then its links written through to the hot store (the partner is
 * deleted, so they stop).
 */
import type { Actor } from '../domain/audit/actor.js';
import { NotFoundError } from '../domain/errors.js';
import { silentLogger } from '../platform/silent-telemetry.js';
import type { LinkStore } from '../ports/link-store.js';
import type { Logger } from '../ports/logger.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { writeAuditLog } from '../repositories/governance/audit-logs.js';
import { erasePartnerIdentity, type PartnerErasureCounts } from '../repositories/governance/erasure.js';
import { writeLinksThrough } from './write-links-through.js';

export async function erasePartner(args: {
  sql: SqlExecutor;
  linkStore?: LinkStore;
  partnerId: number;
  actor: Actor;
  now: Date;
  logger?: Logger;
}): Promise<{ partner_id: number } & PartnerErasureCounts & { links_stopped: number }> {
  const logger = args.logger ?? silentLogger;
  const counts = await args.sql.transaction(async (tx) => {
    const result = await erasePartnerIdentity(tx, { partnerId: args.partnerId, now: args.now });
    if (!result) throw new NotFoundError('Partner not found.');
    await writeAuditLog(tx, { entity_type: 'partners', entity_id: args.partnerId, action: 'erase', actor: args.actor, after: { ...result }, now: args.now });
    return result;
  });
  const links = args.linkStore
    ? await writeLinksThrough({ sql: args.sql, linkStore: args.linkStore, now: args.now, selector: { partner_id: args.partnerId }, logger })
    : undefined;
  const report = { partner_id: args.partnerId, ...counts, links_stopped: links ? links.synced : 0 };
  logger.info('partner erasure', report);
  return report;
}
