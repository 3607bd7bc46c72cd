/**
 * One partner and its first API key, in one transaction with both audit rows: the operator's
 * `POST /v1/admin/partners` (active at once, the operator the actor) and self-signup
 * `POST /v1/partner/signup` (pending, the new partner its own actor) differ only in those two.
 */
import { generateApiKey } from '../domain/auth/api-key.js';
import { keyExpiresAt } from '../domain/auth/key-lifetime.js';
import { ConflictError } from '../domain/errors.js';
import type { Actor } from '../domain/audit/actor.js';
import { isUniqueViolation } from '../platform/sql-errors.js';
import type { SqlExecutor } from '../ports/sql-executor.js';
import { insertApiKey } from '../repositories/accounts/api-keys.js';
import { writeApiKeyCreatedAudit, writeAuditLog } from '../repositories/governance/audit-logs.js';
import { insertPartner, partnerEmailTaken, type PartnerRow } from '../repositories/partners/partners.js';

export interface RegisteredPartner {
  partner: PartnerRow;
  /** The key itself: shown in this one response, stored only as its hash. */
  api_key: string;
  api_key_prefix: string;
  api_key_expires_at: string;
}

/**
 * Creates the partner and its key. `actor: 'self'` audits the new partner as its own actor.
 * @throws ConflictError when a partner already has the email (checked, and enforced by the unique index).
 */
export async function registerPartner(input: {
  sql: SqlExecutor;
  partner: { name: string; email: string; tier?: string; bio?: string | null; website_url?: string | null };
  status: 'pending' | 'active';
  actor: Actor | { self: true; ip_address: string | null };
  auditAction: 'create' | 'signup';
  now: Date;
}): Promise<RegisteredPartner> {
  const key = generateApiKey({ ownerType: 'partner' });
  try {
    return await input.sql.transaction(async (tx) => {
      if (await partnerEmailTaken(tx, input.partner.email)) throw new ConflictError('A partner with this email already exists.');
      const partner = await insertPartner(tx, { ...input.partner, status: input.status, now: input.now });
      const apiKey = await insertApiKey(tx, { generated: key, owner_type: 'partner', partner_id: partner.partner_id, now: input.now, expires_at: keyExpiresAt(input.now) });
      const actor: Actor = 'self' in input.actor ? { actor_type: 'partner', actor_id: partner.partner_id, ip_address: input.actor.ip_address } : input.actor;
      await writeAuditLog(tx, { entity_type: 'partners', entity_id: partner.partner_id, action: input.auditAction, actor, after: { ...partner }, now: input.now });
      await writeApiKeyCreatedAudit(tx, { apiKey, owner: { partner_id: partner.partner_id }, actor, now: input.now });
      return { partner, api_key: key.key, api_key_prefix: key.key_prefix, api_key_expires_at: apiKey.expires_at };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('A partner with this email already exists.', { cause: error });
    throw error;
  }
}
